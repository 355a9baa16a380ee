package checkmk

import (
	"time"

	"github.com/alertbridge/alertbridge/alertops"
)

// AlertOpsOptions adjust ToAlertOps. The zero value takes everything from the
// notification and its rule's parameters.
type AlertOpsOptions struct {
	// Now is the time stamp of a notification that carries no usable MICROTIME (absent,
	// malformed, or outside the years 1 to 9999). Pass the time of sending, time.Now();
	// it is a parameter so that the mapping stays pure. When both are missing the
	// Timestamp stays zero, and alertops' Client.Send fills in the time of sending.
	Now time.Time
	// URLPrefix, when set, is the base URL of the Checkmk site for DetailsURL, overriding
	// the rule's URL prefix parameter (see ILertOptions.URLPrefix).
	URLPrefix string
}

// AlertOpsEventKey returns the AlertOps deduplication key of the notification's object:
// "<host>" for host notifications and "<host>_<service>" for service notifications, the
// format of the AlertOps Checkmk plug-in ("hostname_ServiceDesc").
func AlertOpsEventKey(n *Notification) string {
	if n.IsService() {
		return n.Host.Name + "_" + n.Service.Description
	}
	return n.Host.Name
}

// ToAlertOps maps a Checkmk notification to the body of an AlertOps inbound integration,
// with the fields of the AlertOps Checkmk plug-in. Every notification type is mapped:
// AlertOps decides with its own rules what to open, update and close.
//
//   - EventKey: see AlertOpsEventKey; Source: "Checkmk";
//   - Host, HostAddress: HOSTNAME, HOSTADDRESS; Service: SERVICEDESC ("" for hosts);
//   - State: the service state (OK, WARNING, CRITICAL, UNKNOWN) or the host state (UP,
//     DOWN, UNREACHABLE), long form; Severity: alertops.SeverityForState of it;
//   - NotificationType: NOTIFICATIONTYPE verbatim ("ACKNOWLEDGEMENT", "ALERTHANDLER (OK)");
//   - Summary: "<STATE>: <service> on <host>" or "<host> is <STATE>"; without a state
//     "<TYPE>: <service> on <host>" or "<host>: <TYPE>";
//   - Message: SERVICEOUTPUT or HOSTOUTPUT; LongMessage: the decoded long output;
//   - Resolved: true exactly for RECOVERY;
//   - Timestamp: the notification's time (MICROTIME), else opts.Now;
//   - DetailsURL: the absolute URL of the service (or host) page in the Checkmk GUI when a
//     URL prefix is known (opts.URLPrefix or the rule's, see Notification.URLPrefix).
//
// The error is nil for every notification: AlertOps takes them all. A nil notification
// gives the zero Alert and an error.
func ToAlertOps(n *Notification, opts AlertOpsOptions) (alertops.Alert, error) {
	if n == nil {
		return alertops.Alert{}, errNilNotification
	}
	a := alertops.Alert{
		EventKey:         AlertOpsEventKey(n),
		Source:           alertops.SourceCheckmk,
		Host:             n.Host.Name,
		HostAddress:      n.Host.Address,
		NotificationType: string(n.Type),
		Resolved:         n.Type.Kind() == TypeRecovery,
		Timestamp:        n.Time,
	}
	if y := a.Timestamp.Year(); a.Timestamp.IsZero() || y < 1 || y > 9999 {
		a.Timestamp = opts.Now
	}
	if n.IsService() {
		a.Service = n.Service.Description
		a.State = string(n.Service.State)
		a.Message = n.Service.Output
		a.LongMessage = n.Service.LongOutput
	} else {
		a.State = string(n.Host.State)
		a.Message = n.Host.Output
		a.LongMessage = n.Host.LongOutput
	}
	a.Severity = alertops.SeverityForState(a.State)
	a.Summary = alertOpsSummary(n, a.State)
	if prefix, ok := urlPrefix(n, opts.URLPrefix); ok {
		hostURL, serviceURL := n.AbsoluteURLs(prefix)
		a.DetailsURL = hostURL
		if n.IsService() {
			a.DetailsURL = serviceURL
		}
	}
	return a, nil
}

func alertOpsSummary(n *Notification, state string) string {
	if state == "" {
		state = string(n.Type)
		if !n.IsService() {
			return n.Host.Name + ": " + state
		}
	}
	if n.IsService() {
		return state + ": " + n.Service.Description + " on " + n.Host.Name
	}
	return n.Host.Name + " is " + state
}
