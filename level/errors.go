package level

import (
	"errors"
	"fmt"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// Errors of signature verification. They are distinct so that callers and logs can tell a
// sender that signs nothing from one that signs wrongly; none of them carries the header
// value, the expected digest or a secret.
var (
	// ErrMissingSignature: the request has no X-Level-Signature header (the webhook in
	// Level has no secret, or the request does not come from Level).
	ErrMissingSignature = errors.New("level: missing X-Level-Signature header")
	// ErrMalformedSignature: the header is not "sha256=" followed by 64 hex digits. The
	// wrapping error says which part is wrong.
	ErrMalformedSignature = errors.New("level: malformed X-Level-Signature header")
	// ErrSignatureMismatch: the header is well-formed but matches none of the secrets
	// (wrong secret, or the body was changed on the way).
	ErrSignatureMismatch = errors.New("level: X-Level-Signature does not match the body")
	// ErrNoSecret: [Verify] was called without a non-empty secret. It fails closed rather
	// than accept every request.
	ErrNoSecret = errors.New("level: no secret to verify the signature with")
)

// ErrInvalidPayload is wrapped by the error [Decode] returns for a body that is not a
// Level webhook: not JSON, not a JSON object, or without an event_type.
var ErrInvalidPayload = errors.New("level: body is not a Level webhook")

// ErrSkip reports that the input has no counterpart at the destination, so there is
// nothing to send: for example a device or group event for iLert. Mappings wrap it with
// the reason; test for it with errors.Is. A [Handler] function that returns an error
// wrapping ErrSkip gets the event acknowledged as ignored.
var ErrSkip = errors.New("nothing to send")

// ErrNotAlert is returned by [ToILert] and [ToAlertOps] for an event that is not
// alert_active or alert_resolved (device and group events, unknown types). It wraps
// [ErrSkip]: it is not a failure, such events have nothing to forward.
var ErrNotAlert = fmt.Errorf("level: event is not an alert: %w", ErrSkip)

// ErrNoIdentity is wrapped by the error [ToILert] and [ToAlertOps] return for an alert event
// with neither an alert id nor an event id: without one, its resolve could never be matched
// to the alert it opened. The error is [Permanent] (resending the same body cannot help), so
// a [Handler] whose function returns it answers 422.
var ErrNoIdentity = errors.New("level: alert has neither an alert id nor an event id")

// ErrBodyTooLarge is reported by [Handler] (to its error hook) for a body over the limit.
var ErrBodyTooLarge = errors.New("level: request body too large")

// Permanent marks err as permanent: a [Handler] answers 422 instead of 503, telling Level
// that a retry of the same delivery cannot succeed. The error's text is err's, errors.Is
// and errors.As see err, and its Permanent method reports true. The Handler treats any
// error with a Permanent() bool method that reports true the same way, such as the ilert
// and alertops clients' errors for a rejected request. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return httpx.Permanent(err)
}
