package healthchecks

import (
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
)

// ToAlertOps maps a notification to an AlertOps alert. It is a pure function.
//
//   - EventKey: n.Check.Key(), the same identity as ToILert's alertKey.
//   - Source "Healthchecks"; Host: the check's name (else slug, else id); HostAddress and
//     Service empty.
//   - down: State "DOWN", Severity critical, NotificationType "PROBLEM", Resolved false;
//     up: State "UP", Severity info, NotificationType "RECOVERY", Resolved true.
//   - Summary as ToILert's; Message: the check's description, or the summary when the
//     description is empty; LongMessage: ToILert's details; DetailsURL: the check's page.
//   - Timestamp: n.Received (the Handler sets it when the request arrives), else the
//     check's last ping, in UTC to the second. Healthchecks' webhook body carries no
//     notification time, so a notification from Parse without Received gets the last
//     ping, which for a down notification is earlier than the flip; set Received to the
//     time of receipt when you call Parse yourself. Zero if neither is known.
//
// The API URL of the AlertOps integration is left to the caller. Errors are those of
// [ToILert].
func ToAlertOps(n *Notification) (alertops.Alert, error) {
	if err := mappable(n); err != nil {
		return alertops.Alert{}, err
	}
	a := alertops.Alert{
		EventKey:         n.Check.Key(),
		Source:           "Healthchecks",
		Host:             n.Check.DisplayName(),
		State:            stateWord(n.Status),
		Severity:         alertops.SeverityCritical,
		NotificationType: "PROBLEM",
		Summary:          summary(n),
		Message:          strings.TrimSpace(n.Check.Description),
		LongMessage:      details(n),
		DetailsURL:       n.Check.detailsURL(),
	}
	if n.Status == StatusUp {
		a.Severity = alertops.SeverityInfo
		a.NotificationType = "RECOVERY"
		a.Resolved = true
	}
	if a.Message == "" {
		a.Message = a.Summary
	}
	switch {
	case !n.Received.IsZero():
		a.Timestamp = n.Received.UTC().Truncate(time.Second)
	case !n.Check.LastPing.IsZero():
		a.Timestamp = n.Check.LastPing.UTC().Truncate(time.Second)
	}
	return a, nil
}
