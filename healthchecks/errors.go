package healthchecks

import "errors"

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

// PermanentError marks an error of the function a Handler calls as one that retrying the
// same notification cannot fix (an invalid integration key, a rejected payload). The
// Handler answers it with 422 instead of 503. Create it with Permanent.
type PermanentError struct {
	Err error
}

// Permanent wraps err so that the Handler reports it as permanent. It returns nil for a
// nil err.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// Error returns the message of the wrapped error.
func (e *PermanentError) Error() string {
	if e.Err == nil {
		return "healthchecks: permanent error"
	}
	return e.Err.Error()
}

// Unwrap returns the wrapped error.
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err or an error it wraps is a *PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}
