package ilert

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/alertbridge/alertbridge/internal/redact"
)

// UnmarshalJSON decodes an Events API body, accepting the legacy names apiKey and
// incidentKey where integrationKey and alertKey are absent. Unknown fields are ignored and
// unknown enum values are kept (see [EventType.Valid]).
func (e *Event) UnmarshalJSON(data []byte) error {
	type plain Event // no methods: no recursion
	var aux struct {
		plain
		APIKey      *string `json:"apiKey"`
		IncidentKey *string `json:"incidentKey"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	ev := Event(aux.plain)
	if ev.IntegrationKey == "" && aux.APIKey != nil {
		ev.IntegrationKey = *aux.APIKey
	}
	if ev.AlertKey == "" && aux.IncidentKey != nil {
		ev.AlertKey = *aux.IncidentKey
	}
	*e = ev
	return nil
}

// redactedEvent is an Event without methods, for formatting.
type redactedEvent Event

// String returns the event in Go's %+v form with the integration key (wherever it occurs,
// also inside other fields) replaced by "[redacted]".
func (e Event) String() string {
	return redact.New(e.IntegrationKey).String(fmt.Sprintf("%+v", redactedEvent(e)))
}

// GoString returns the event as a Go literal (%#v) with the integration key redacted.
func (e Event) GoString() string {
	s := fmt.Sprintf("%#v", redactedEvent(e))
	s = strings.Replace(s, "ilert.redactedEvent{", "ilert.Event{", 1)
	return redact.New(e.IntegrationKey).String(s)
}

// Format implements fmt.Formatter so that no verb prints the integration key: %#v prints
// [Event.GoString], every other verb [Event.String].
func (e Event) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprint(f, e.GoString())
		return
	}
	_, _ = fmt.Fprint(f, e.String())
}
