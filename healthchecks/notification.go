package healthchecks

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// StatusHeader is the request header that carries the flip's direction. iLert's setup
// guide for Healthchecks tells users to add it as "Check-Status: $STATUS".
const StatusHeader = "Check-Status"

// Notification is one webhook call of a Healthchecks.io integration: the check and the
// direction of the status flip that triggered it.
type Notification struct {
	// Status is StatusDown (the check went down) or StatusUp (it recovered). It comes from
	// the Check-Status header, which Healthchecks fills from $STATUS, the flip itself. The
	// body's Check.Status is evaluated only when Healthchecks sends and is wrong in some
	// releases (v3.6–v3.9 report "up" for most down alerts), so it is used only with
	// FallbackToBodyStatus.
	Status Status

	// StatusFromBody reports that Status was taken from Check.Status because the header
	// was missing (only with FallbackToBodyStatus).
	StatusFromBody bool

	// Check is the check as $JSON rendered it.
	Check Check

	// Received is when the receiver got the notification. Parse leaves it zero; the
	// Handler sets it from its clock. ToAlertOps uses it as the alert's timestamp.
	Received time.Time
}

// ParseOption changes how Parse decides a notification's status.
type ParseOption func(*parseOptions)

type parseOptions struct {
	bodyStatus bool
}

// FallbackToBodyStatus lets Parse take the status from the body's "status" key when the
// Check-Status header is missing, for integrations set up without the header. Only
// "down" and "up" are accepted there; any other body status is ErrMissingStatus.
//
// Use it knowingly: the body's status is evaluated when Healthchecks sends, not when the
// check flipped, and Healthchecks v3.6 to v3.9 report "up" for most down notifications, so
// a down alert can arrive as a recovery. The header is always preferred when present.
func FallbackToBodyStatus() ParseOption {
	return func(o *parseOptions) { o.bodyStatus = true }
}

// Parse decodes a Healthchecks webhook from its request headers and body.
//
// The body must be the check as the $JSON placeholder renders it (any JSON object with a
// "name" key; see Check). The status comes from the Check-Status header, "up" or "down"
// after trimming white space, in any case; without the header Parse returns
// ErrMissingStatus unless FallbackToBodyStatus is given. Errors wrap ErrEmptyBody,
// ErrMalformedBody, ErrNotCheck, ErrMissingStatus or ErrInvalidStatus.
//
// Parse does not keep references to body.
func Parse(header http.Header, body []byte, opts ...ParseOption) (*Notification, error) {
	var o parseOptions
	for _, opt := range opts {
		opt(&o)
	}
	n := &Notification{}
	raw := strings.TrimSpace(headerValue(header, StatusHeader))
	if raw != "" {
		s, err := parseStatus(raw)
		if err != nil {
			return nil, err
		}
		n.Status = s
	}
	if err := n.Check.decode(body); err != nil {
		return nil, err
	}
	if n.Status != "" {
		return n, nil
	}
	if !o.bodyStatus {
		return nil, ErrMissingStatus
	}
	switch s := Status(strings.ToLower(strings.TrimSpace(string(n.Check.Status)))); s {
	case StatusUp, StatusDown:
		n.Status, n.StatusFromBody = s, true
		return n, nil
	default:
		return nil, fmt.Errorf("%w; the body's status %s cannot replace it", ErrMissingStatus, quoteShort(string(s)))
	}
}

// headerValue returns the first value of the header name, also when header was built by
// hand with a key that is not in canonical form (e.g. "check-status").
func headerValue(header http.Header, name string) string {
	if v := header.Get(name); v != "" {
		return v
	}
	for k, vs := range header {
		if len(vs) > 0 && strings.EqualFold(k, name) {
			return vs[0]
		}
	}
	return ""
}

// parseStatus reads the value of the Check-Status header.
func parseStatus(raw string) (Status, error) {
	switch s := Status(strings.ToLower(raw)); s {
	case StatusUp, StatusDown:
		return s, nil
	}
	hint := ""
	if strings.HasPrefix(raw, "$") {
		hint = " (Healthchecks leaves unknown placeholders as they are; the placeholder is $STATUS, in capitals)"
	}
	return "", fmt.Errorf("%w; got %s%s", ErrInvalidStatus, quoteShort(raw), hint)
}

// quoteShort quotes s for an error message, cut to a few dozen characters so that a
// request cannot fill the message.
func quoteShort(s string) string {
	const limit = 40
	if utf8.RuneCountInString(s) <= limit {
		return fmt.Sprintf("%q", s)
	}
	runes := []rune(s)
	return fmt.Sprintf("%q…", string(runes[:limit]))
}
