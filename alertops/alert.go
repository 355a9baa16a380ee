package alertops

import "time"

// Severity is the normalised severity of an alert, as Checkmk's PagerDuty plugin (which the
// AlertOps Checkmk plugin follows) derives it from the Checkmk state.
type Severity string

// The severities of the AlertOps payload.
const (
	SeverityCritical Severity = "critical"
	SeverityWarning  Severity = "warning"
	SeverityError    Severity = "error"
	SeverityInfo     Severity = "info"
)

// Valid reports whether s is one of the four documented severities.
func (s Severity) Valid() bool {
	switch s {
	case SeverityCritical, SeverityWarning, SeverityError, SeverityInfo:
		return true
	}
	return false
}

// Alert is the JSON body posted to an AlertOps inbound integration, with the field names of
// the AlertOps Checkmk plugin's payload reference.
type Alert struct {
	EventKey         string    `json:"EventKey"`
	Source           string    `json:"Source"`
	Host             string    `json:"Host"`
	HostAddress      string    `json:"HostAddress"`
	Service          string    `json:"Service"`
	State            string    `json:"State"`
	Severity         Severity  `json:"Severity"`
	NotificationType string    `json:"NotificationType"`
	Summary          string    `json:"Summary"`
	Message          string    `json:"Message"`
	Resolved         bool      `json:"Resolved"`
	Timestamp        time.Time `json:"Timestamp"`
	DetailsURL       string    `json:"DetailsURL,omitempty"`
	LongMessage      string    `json:"LongMessage,omitempty"`

	// Extra carries further top-level fields for users who map more in AlertOps. A key
	// that names one of the fields above is ignored when encoding.
	Extra map[string]any `json:"-"`
}
