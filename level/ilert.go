package level

import (
	"encoding/json"

	"github.com/alertbridge/alertbridge/ilert"
)

// ToILert maps an alert event to an iLert Events API event. It is a pure function; the
// caller sets IntegrationKey, and the ilert package's client applies iLert's limits when
// sending. For any event that is not alert_active or alert_resolved it returns
// [ErrNotAlert]; for an alert with neither an alert id nor an event id, a [Permanent]
// error wrapping [ErrNoIdentity].
//
//   - EventType: alert_active → ALERT, alert_resolved → RESOLVE (the event type decides,
//     not the data's is_resolved).
//   - AlertKey: [Event.AlertKey], so the resolve closes the alert the activation opened.
//   - Summary: "<SEVERITY>: <name> on <host>", "RESOLVED: <name> on <host>" for resolves.
//   - Details: the description and a list of the value, severity, device, start and
//     resolve times and the Level alert and event.
//   - Priority: by the table below, for ALERT only (iLert honours it only under the
//     conditions its documentation names); Severity stays unset.
//   - Labels: source=level, and device (host name), device_id, severity and alert (name)
//     when known.
//   - CustomDetails: event_type, event_id, occurred_at and data, the alert object exactly
//     as Level sent it (with fields this package does not decode), for iLert templates.
//
// Priorities (severities compared without regard to case; "info" reads as information):
//
//	Level severity         iLert priority
//	emergency, critical    HIGH
//	warning, information   LOW
//	anything else, none    unset: the alert source decides
func ToILert(e *Event) (ilert.Event, error) {
	if e == nil || !e.Type.IsAlert() {
		return ilert.Event{}, ErrNotAlert
	}
	e = withAlert(e)
	if e.AlertKey() == "" {
		return ilert.Event{}, Permanent(ErrNoIdentity)
	}
	a := e.Alert
	out := ilert.Event{
		EventType:     ilert.EventTypeAlert,
		Summary:       e.summary(),
		Details:       e.details(),
		AlertKey:      e.AlertKey(),
		Labels:        make(map[string]string, 5),
		CustomDetails: make(map[string]any, 4),
	}
	out.Labels["source"] = "level"
	out.CustomDetails["event_type"] = string(e.Type)
	if e.Type == EventAlertResolved {
		out.EventType = ilert.EventTypeResolve
	} else {
		out.Priority = priority(a.Severity)
	}
	label := func(key, value string) {
		if value != "" {
			out.Labels[key] = value
		}
	}
	label("device", a.DeviceHostname)
	label("device_id", a.DeviceID)
	label("severity", string(a.Severity))
	label("alert", a.Name)
	if e.ID != "" {
		out.CustomDetails["event_id"] = e.ID
	}
	if !e.OccurredAt.IsZero() {
		out.CustomDetails["occurred_at"] = formatTime(e.OccurredAt)
	}
	if len(e.Data) > 0 && json.Valid(e.Data) {
		out.CustomDetails["data"] = e.Data
	}
	return out, nil
}

// priority maps a Level severity to an iLert priority by the table in [ToILert].
func priority(s Severity) ilert.Priority {
	switch s.normalize() {
	case SeverityEmergency, SeverityCritical:
		return ilert.PriorityHigh
	case SeverityWarning, SeverityInformation:
		return ilert.PriorityLow
	}
	return ""
}
