package level

import (
	"strings"
	"time"
)

// AlertKey returns the deduplication key both mappings use: "level/" followed by the
// alert's ID, so that the alert_active and alert_resolved events of one alert share it;
// when the data carries no alert ID, "level/event/" followed by the event ID (which
// dedups retried deliveries, but cannot pair the two events); "" when neither exists.
// The key is built from identity fields only, never from text or times.
func (e *Event) AlertKey() string {
	if e == nil {
		return ""
	}
	if e.Alert != nil && e.Alert.ID != "" {
		return "level/" + e.Alert.ID
	}
	if e.ID != "" {
		return "level/event/" + e.ID
	}
	return ""
}

// withAlert returns e, or a copy of it with an empty Alert if it has none (an alert event
// built by hand rather than by Decode), so that such an event is still forwarded.
func withAlert(e *Event) *Event {
	if e.Alert != nil {
		return e
	}
	c := *e
	c.Alert = &Alert{}
	return &c
}

// normalize returns s trimmed and in lower case, with "info" read as information.
func (s Severity) normalize() Severity {
	if s.Valid() {
		return s
	}
	n := Severity(strings.ToLower(strings.TrimSpace(string(s))))
	if n == "info" {
		return SeverityInformation
	}
	return n
}

// state is the upper-case word for the alert's condition used in summaries and as the
// AlertOps State: "OK" once resolved, else the severity in upper case ("ACTIVE" when
// Level sent none).
func (e *Event) state() string {
	if e.Type == EventAlertResolved {
		return "OK"
	}
	sev := e.Alert.Severity.normalize()
	if sev == "" {
		return "ACTIVE"
	}
	return strings.ToUpper(string(sev))
}

// summary returns the one-line summary: "<STATE>: <name> on <host>", with "RESOLVED"
// for resolved alerts, e.g. "CRITICAL: Low disk space on FRONTDESK-PC01".
func (e *Event) summary() string {
	a := e.Alert
	prefix := e.state()
	if e.Type == EventAlertResolved {
		prefix = "RESOLVED"
	}
	subject := a.Name
	if subject == "" {
		subject = "Level alert"
		if a.ID != "" {
			subject += " " + a.ID
		}
	}
	s := prefix + ": " + subject
	if host := a.host(); host != "" {
		s += " on " + host
	}
	return oneLine(s)
}

// host names the alert's device: its host name, else its ID.
func (a *Alert) host() string {
	if a.DeviceHostname != "" {
		return a.DeviceHostname
	}
	return a.DeviceID
}

// details returns a multi-line description of the alert: the description, then a
// Markdown list of the known facts. Empty facts are left out.
func (e *Event) details() string {
	a := e.Alert
	var b strings.Builder
	b.Grow(len(a.Description) + len(a.Payload) + len(a.DeviceHostname) + len(a.DeviceID) + len(e.ID) + 200)
	if a.Description != "" {
		b.WriteString(a.Description)
		b.WriteString("\n\n")
	}
	item := func(label, value string) {
		if value != "" {
			b.WriteString("- ")
			b.WriteString(label)
			b.WriteString(": ")
			b.WriteString(oneLine(value))
			b.WriteByte('\n')
		}
	}
	item("Value", a.Payload)
	item("Severity", string(a.Severity))
	device := a.host()
	if a.DeviceHostname != "" && a.DeviceID != "" {
		device = a.DeviceHostname + " (" + a.DeviceID + ")"
	}
	item("Device", device)
	item("Started", formatTime(a.StartedAt))
	item("Resolved", formatTime(a.ResolvedAt))
	item("Level alert", a.ID)
	event := string(e.Type)
	if e.ID != "" {
		event += " " + e.ID
	}
	if !e.OccurredAt.IsZero() {
		event += " at " + formatTime(e.OccurredAt)
	}
	item("Level event", event)
	return strings.TrimRight(b.String(), "\n")
}

// timestamp returns when the event happened: occurred_at, else when the alert resolved
// (for alert_resolved) or started; zero if none is known.
func (e *Event) timestamp() time.Time {
	switch {
	case !e.OccurredAt.IsZero():
		return e.OccurredAt
	case e.Type == EventAlertResolved && !e.Alert.ResolvedAt.IsZero():
		return e.Alert.ResolvedAt
	default:
		return e.Alert.StartedAt
	}
}

// formatTime formats t as RFC 3339 in UTC with as many fractional digits as it has, or
// returns "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// oneLine replaces line breaks and tabs in s by spaces.
func oneLine(s string) string {
	if !hasBreak(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBreak(r) {
			return ' '
		}
		return r
	}, s)
}

// isBreak reports whether r breaks a line or is a tab.
func isBreak(r rune) bool {
	switch r {
	case '\r', '\n', '\t', '\v', '\f', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}

// hasBreak reports whether s holds a rune isBreak reports, looking at bytes: every such
// rune is ASCII or starts with 0xC2 (U+0085) or 0xE2 (U+2028, U+2029).
func hasBreak(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0xC2 || c == 0xE2 {
			return strings.ContainsFunc(s[i:], isBreak)
		}
	}
	return false
}
