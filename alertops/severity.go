package alertops

import "strings"

// Severity is the normalised severity of an alert, as Checkmk's PagerDuty plugin (which the
// AlertOps Checkmk plugin follows) derives it from the Checkmk state; see
// [SeverityForState].
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

// String returns s as it is sent.
func (s Severity) String() string { return string(s) }

// severityTable is the one place the state → severity normalisation lives. The AlertOps
// page lost its list in extraction and shows only CRITICAL → critical; the rest is the
// table of Checkmk's PagerDuty plugin, which the AlertOps plugin says it follows.
var severityTable = [...]struct {
	state    string
	severity Severity
}{
	{"CRITICAL", SeverityCritical},
	{"DOWN", SeverityCritical},
	{"WARNING", SeverityWarning},
	{"UNKNOWN", SeverityError},
	{"UNREACHABLE", SeverityError},
	{"OK", SeverityInfo},
	{"UP", SeverityInfo},
}

// SeverityForUnknownState is the severity [SeverityForState] gives a state it does not
// know (including ""). A state nobody has told us about is treated like Checkmk's UNKNOWN:
// something needs a look, so it must not be filed as info, but there is no evidence for
// critical either.
const SeverityForUnknownState = SeverityError

// SeverityForState returns the AlertOps severity of a Checkmk state (the service state for
// service alerts, the host state for host alerts):
//
//	state                 severity
//	CRITICAL, DOWN        critical
//	WARNING               warning
//	UNKNOWN, UNREACHABLE  error
//	OK, UP                info
//	anything else         error ([SeverityForUnknownState])
//
// The state is matched without regard to case or surrounding white space.
func SeverityForState(state string) Severity {
	state = strings.TrimSpace(state)
	for _, row := range severityTable {
		if strings.EqualFold(state, row.state) {
			return row.severity
		}
	}
	return SeverityForUnknownState
}
