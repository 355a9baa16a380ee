package level

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/alertbridge/alertbridge/internal/jsonx"
)

// EventType names what happened; it is the envelope's event_type.
//
// Level may add event types at any time ("Send all event types — including any new ones
// added in the future"), so an unknown value is kept as it arrived and reported by Valid
// and [Event.Known], never rejected.
type EventType string

// The event types Level documents.
const (
	// EventAlertActive is sent when an alert becomes active.
	EventAlertActive EventType = "alert_active"
	// EventAlertResolved is sent when an alert is fully cleared (not merely acknowledged).
	EventAlertResolved EventType = "alert_resolved"

	EventDeviceCreated EventType = "device_created"
	EventDeviceUpdated EventType = "device_updated"
	EventDeviceDeleted EventType = "device_deleted"
	EventGroupCreated  EventType = "group_created"
	EventGroupUpdated  EventType = "group_updated"
	EventGroupDeleted  EventType = "group_deleted"
)

// Valid reports whether t is one of the event types Level documents.
func (t EventType) Valid() bool {
	switch t {
	case EventAlertActive, EventAlertResolved,
		EventDeviceCreated, EventDeviceUpdated, EventDeviceDeleted,
		EventGroupCreated, EventGroupUpdated, EventGroupDeleted:
		return true
	}
	return false
}

// IsAlert reports whether t is alert_active or alert_resolved, the events whose data is
// an alert.
func (t EventType) IsAlert() bool {
	return t == EventAlertActive || t == EventAlertResolved
}

// Severity is an alert's severity as Level names it. Unknown values are kept as they
// arrived; Valid reports them.
type Severity string

// The alert severities Level is known to use. Level does not list them (see
// docs/research.md); other values are kept and compared without regard to case.
const (
	SeverityInformation Severity = "information"
	SeverityWarning     Severity = "warning"
	SeverityCritical    Severity = "critical"
	SeverityEmergency   Severity = "emergency"
)

// Valid reports whether s is one of the four known severities, spelt exactly.
func (s Severity) Valid() bool {
	switch s {
	case SeverityInformation, SeverityWarning, SeverityCritical, SeverityEmergency:
		return true
	}
	return false
}

// Event is one Level webhook delivery: the envelope every Level webhook shares, and the
// alert when the event is an alert.
type Event struct {
	// Type is the envelope's event_type, never empty after [Decode].
	Type EventType
	// ID is the envelope's event_id, "unique … for this webhook delivery"; a manual
	// re-run of a delivery in Level keeps it.
	ID string
	// OccurredAt is the envelope's occurred_at; zero when it is missing or not a time.
	OccurredAt time.Time
	// Data is the envelope's data object exactly as it arrived (nil when absent), with
	// every field, including those this package does not decode.
	Data json.RawMessage
	// Alert is the alert decoded from Data when Type.IsAlert(), and nil otherwise.
	Alert *Alert
}

// Known reports whether the event's type is one Level documents. Receivers should answer
// 2xx to events they do not know and ignore them: Level retries failed deliveries.
func (e *Event) Known() bool { return e != nil && e.Type.Valid() }

// Alert is the data object of alert_active and alert_resolved events.
//
// Level does not document this object (see docs/research.md for where the fields come
// from). Every field is therefore optional: a missing field,
// a null and a value of an unusable type all leave the zero value, and numbers or booleans
// where a string is expected are kept as their JSON text. The undecoded object stays
// available in [Event.Data].
type Alert struct {
	// ID identifies the alert; active and resolved events of one alert carry the same ID.
	ID string
	// DeviceID identifies the device the alert is about.
	DeviceID string
	// DeviceHostname is the device's host name.
	DeviceHostname string
	// Name is the alert's (monitor's) name, e.g. "Low disk space".
	Name string
	// Description says what the alert means.
	Description string
	// Payload is the measured value as text, e.g. "7.2% free"; empty when Level sends null.
	Payload string
	// Severity is the alert's severity as Level sent it.
	Severity Severity
	// Resolved is the data's is_resolved. The event type, not this flag, says whether the
	// alert opened or closed.
	Resolved bool
	// StartedAt is when the alert became active; zero when unknown.
	StartedAt time.Time
	// ResolvedAt is when the alert was resolved; zero while it is active or when unknown.
	ResolvedAt time.Time
}

// Decode parses a webhook body. Verify the signature over the same bytes first (see
// [Verify]); Decode does not modify body and keeps no reference to it.
//
// The body must be a JSON object with a non-empty event_type; otherwise the error wraps
// [ErrInvalidPayload]. Everything else is tolerated: unknown event types decode (check
// [Event.Known]), and missing, extra or oddly typed fields never fail. Member names match
// exactly (unlike encoding/json's case-insensitive matching); of repeated members the
// last counts.
func Decode(body []byte) (*Event, error) {
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrInvalidPayload)
	}
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v) // only to say what is wrong
		return nil, fmt.Errorf("%w: invalid JSON: %w", ErrInvalidPayload, err)
	}
	e := &Event{}
	var data []byte
	members(body, func(key, value []byte) {
		switch string(key) {
		case "event_type":
			e.Type = EventType(textValue(value))
		case "event_id":
			e.ID = textValue(value)
		case "occurred_at":
			e.OccurredAt = timeValue(value)
		case "data":
			data = value
		}
	})
	if e.Type == "" {
		return nil, fmt.Errorf("%w: no event_type", ErrInvalidPayload)
	}
	if data != nil {
		e.Data = bytes.Clone(data)
	}
	if e.Type.IsAlert() {
		e.Alert = decodeAlert(e.Data)
	}
	return e, nil
}

// members calls fn with the unescaped key and the raw value of each member of the JSON
// object data (valid JSON), in order; a key without escapes, nearly every one, is a slice
// of data, so that comparing it allocates nothing.
func members(data []byte, fn func(key, value []byte)) {
	jsonx.Members(data, func(key, value []byte) {
		name := key[1 : len(key)-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			s, _ := jsonx.Unquote(key)
			name = []byte(s)
		}
		fn(name, value)
	})
}

// decodeAlert decodes what it can of data, a valid JSON value; data that is absent or not
// an object yields an empty alert.
func decodeAlert(data []byte) *Alert {
	a := &Alert{}
	members(data, func(key, value []byte) {
		switch string(key) {
		case "id":
			a.ID = textValue(value)
		case "device_id":
			a.DeviceID = textValue(value)
		case "device_hostname":
			a.DeviceHostname = textValue(value)
		case "name":
			a.Name = textValue(value)
		case "description":
			a.Description = textValue(value)
		case "payload":
			a.Payload = textValue(value)
		case "severity":
			a.Severity = Severity(textValue(value))
		case "is_resolved":
			a.Resolved = boolValue(value)
		case "started_at":
			a.StartedAt = timeValue(value)
		case "resolved_at":
			a.ResolvedAt = timeValue(value)
		}
	})
	return a
}
