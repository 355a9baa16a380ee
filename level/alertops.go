package level

import "github.com/alertbridge/alertbridge/alertops"

// AlertOpsSource is the Source of every alert [ToAlertOps] produces.
const AlertOpsSource = "Level"

// ToAlertOps maps an alert event to the AlertOps inbound-integration payload. It is a pure
// function; the integration URL (which holds the key) is the sender's business. For any
// event that is not alert_active or alert_resolved it returns [ErrNotAlert]; for an alert
// with neither an alert id nor an event id, a [Permanent] error wrapping [ErrNoIdentity].
//
//   - EventKey: [Event.AlertKey], shared by the activation and the resolve.
//   - Source: "Level"; Host: the device's host name (else its ID); Service: the alert's
//     name; HostAddress stays empty (Level sends none).
//   - State and Severity: by the table below. State uses the words of the Checkmk
//     payload, so one close rule (State OK, or NotificationType RECOVERY) serves both.
//   - NotificationType: PROBLEM, or RECOVERY (with Resolved true) for alert_resolved.
//   - Summary: as for [ToILert]; Message: the description (else the measured value);
//     LongMessage: the details [ToILert] puts in Details.
//   - Timestamp: occurred_at, else the resolve (for resolves) or start time, in UTC.
//   - Extra stays nil.
//
// States and severities (Level severities compared without regard to case):
//
//	event, Level severity          State                  Severity
//	alert_active, emergency        EMERGENCY              critical
//	alert_active, critical         CRITICAL               critical
//	alert_active, warning          WARNING                warning
//	alert_active, information      INFORMATION            info
//	alert_active, none             ACTIVE                 error
//	alert_active, anything else    the value, upper case  error
//	alert_resolved, any            OK                     info
func ToAlertOps(e *Event) (alertops.Alert, error) {
	if e == nil || !e.Type.IsAlert() {
		return alertops.Alert{}, ErrNotAlert
	}
	e = withAlert(e)
	if e.AlertKey() == "" {
		return alertops.Alert{}, Permanent(ErrNoIdentity)
	}
	a := e.Alert
	resolved := e.Type == EventAlertResolved
	out := alertops.Alert{
		EventKey:         e.AlertKey(),
		Source:           AlertOpsSource,
		Host:             a.host(),
		Service:          a.Name,
		State:            e.state(),
		Severity:         alertOpsSeverity(a.Severity),
		NotificationType: "PROBLEM",
		Summary:          e.summary(),
		Message:          a.Description,
		Resolved:         resolved,
		Timestamp:        e.timestamp().UTC(),
		LongMessage:      e.details(),
	}
	if out.Message == "" {
		out.Message = a.Payload
	}
	if resolved {
		out.Severity = alertops.SeverityInfo
		out.NotificationType = "RECOVERY"
	}
	return out, nil
}

// alertOpsSeverity maps the severity of an active alert by the table in [ToAlertOps].
func alertOpsSeverity(s Severity) alertops.Severity {
	switch s.normalize() {
	case SeverityEmergency, SeverityCritical:
		return alertops.SeverityCritical
	case SeverityWarning:
		return alertops.SeverityWarning
	case SeverityInformation:
		return alertops.SeverityInfo
	}
	return alertops.SeverityError
}
