package alertops

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidAlert is wrapped by every problem [Alert.Validate] reports; test with
// errors.Is(err, alertops.ErrInvalidAlert). Invalid alerts are never sent, and the error is
// permanent: sending the same alert again cannot succeed.
var ErrInvalidAlert = errors.New("alertops: invalid alert")

// Validate reports every problem that makes the alert unfit to send, joined with
// errors.Join; each wraps [ErrInvalidAlert] and names the JSON field. It returns nil for a
// valid alert.
//
// The rules: EventKey and Source are not blank (AlertOps matches alerts by source and
// key); Severity is one of critical, warning, error, info; Timestamp is set and its UTC
// year within 0–9999 (RFC 3339's range). Nothing else is required: AlertOps has no fixed
// schema, and an alert with a sparse body is better than a lost one. Extra keys that name
// a fixed field are not problems: encoding skips them.
func (a Alert) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidAlert}, args...)...))
	}
	if blank(a.EventKey) {
		bad("EventKey is empty")
	}
	if blank(a.Source) {
		bad("Source is empty")
	}
	switch {
	case a.Severity == "":
		bad("Severity is empty")
	case !a.Severity.Valid():
		bad("Severity %q is not one of critical, warning, error, info", string(a.Severity))
	}
	if a.Timestamp.IsZero() {
		bad("Timestamp is not set")
	} else if y := a.Timestamp.UTC().Year(); y < 0 || y > 9999 {
		bad("Timestamp year %d (UTC) is outside 0-9999", y)
	}
	return errors.Join(errs...)
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }
