package healthchecks

import (
	"errors"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// The errors of Parse and of the Handler. They are sentinel values: test for them with
// errors.Is. Their messages say how to fix the Healthchecks integration, because that is
// what a receiver answers to Healthchecks (which shows it in the integration's log).
var (
	// ErrEmptyBody means the request had no body: Healthchecks sends one only for POST
	// and PUT and only if the integration's request body is set.
	ErrEmptyBody = errors.New("healthchecks: empty request body: set the webhook's request body to $JSON")

	// ErrMalformedBody means the body is not a JSON object.
	ErrMalformedBody = errors.New("healthchecks: request body is not a JSON object: set the webhook's request body to $JSON")

	// ErrNotCheck means the body is a JSON object without the "name" key every rendering
	// of $JSON has, so it is not a Healthchecks check.
	ErrNotCheck = errors.New(`healthchecks: request body has no "name" key, so it is not a Healthchecks check: set the webhook's request body to $JSON`)

	// ErrMissingStatus means the Check-Status header is absent or empty and the body's
	// status may not be used (see FallbackToBodyStatus).
	ErrMissingStatus = errors.New("healthchecks: missing Check-Status header: add the request header \"Check-Status: $STATUS\" to the Healthchecks webhook integration")

	// ErrInvalidStatus means the status is neither "up" nor "down".
	ErrInvalidStatus = errors.New(`healthchecks: status is not "up" or "down": the webhook's Check-Status header must be $STATUS`)

	// ErrMethodNotAllowed means a request with a method other than POST or PUT; GET,
	// Healthchecks' default, carries no body.
	ErrMethodNotAllowed = errors.New("healthchecks: method not allowed: configure the Healthchecks webhook with method POST, request body $JSON and the header \"Check-Status: $STATUS\"")

	// ErrBodyTooLarge means the body exceeded the Handler's limit (WithMaxBodyBytes).
	ErrBodyTooLarge = errors.New("healthchecks: request body too large")
)

// ErrSkip reports that the input has no counterpart at the destination, so there is
// nothing to send: a notification whose status is neither down nor up. Mappings wrap it
// with the reason; test for it with errors.Is. A Handler answers a DeliverFunc error
// wrapping it with 200: the notification was deliberately ignored.
var ErrSkip = errors.New("nothing to send")

// Permanent wraps err so that the Handler reports it as permanent (422 instead of 503):
// retrying the same notification cannot help (an invalid integration key, a rejected
// payload). The error's text is err's, errors.Is and errors.As see err, and its Permanent
// method reports true. The Handler treats any error with a Permanent() bool method that
// reports true the same way, such as the ilert and alertops clients' errors for a
// rejected request. It returns nil for a nil err.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return httpx.Permanent(err)
}
