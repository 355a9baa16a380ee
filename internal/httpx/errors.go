package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Error is a call that ended without a final HTTP answer: every attempt failed in transport,
// the context ended, or the request could not be built. Its message and cause are redacted.
type Error struct {
	// Class is retryable for transport failures and ended contexts, permanent for
	// certificate problems, malformed URLs and requests that cannot be built.
	Class Class
	// Attempts is the number of requests sent.
	Attempts int
	// LastStatus is the status of the last HTTP answer before the call ended (for example
	// a 503 followed by a cancelled wait), or 0.
	LastStatus int
	// Err is the cause: a transport error (usually a *url.Error with its URL redacted) or an
	// error wrapping the context's error.
	Err error
}

// Error describes the failure, for example
// `giving up after 3 attempts: Post "https://…": connection refused`; a single attempt or
// none is described by its cause alone.
func (e *Error) Error() string {
	s := ""
	if e.Attempts > 1 {
		s = fmt.Sprintf("giving up after %d attempts", e.Attempts)
	}
	if e.LastStatus != 0 {
		if s == "" {
			s = "after"
		}
		s += fmt.Sprintf(" (last answer %d %s)", e.LastStatus, http.StatusText(e.LastStatus))
	}
	if s == "" {
		return e.Err.Error()
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Permanent marks err as permanent: [ClassOf] reports [ClassPermanent] for it and for
// every error wrapping it. Sinks use it for failures before anything is sent, such as a
// body that cannot be encoded.
func Permanent(err error) error {
	return &Error{Class: ClassPermanent, Err: err}
}

// ClassOf classifies an error a sink's call returned, once the sink has looked for its own
// answer error (whose class it knows) in it: nil is a success, an *[Error] anywhere in the
// chain has its class, an ended context is retryable (the request may not have arrived),
// and anything else (invalid input, encoding errors, errors nobody classified) is
// permanent: sending the same request again would fail the same way.
func ClassOf(err error) Class {
	if err == nil {
		return ClassSuccess
	}
	var he *Error
	if errors.As(err, &he) {
		return he.Class
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return ClassRetryable
	}
	return ClassPermanent
}

// ClassOfAnswer is [ClassOf] for a sink whose answer error type E knows its class: the
// first E in err's chain is classified by class, any other error by ClassOf.
func ClassOfAnswer[E error](err error, class func(E) Class) Class {
	var e E
	if errors.As(err, &e) {
		return class(e)
	}
	return ClassOf(err)
}
