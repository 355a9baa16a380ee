package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
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

// Retryable reports whether sending the same request later may succeed: a transport
// failure or an ended context.
func (e *Error) Retryable() bool { return e.Class == ClassRetryable }

// Permanent reports whether sending the same request again will fail the same way: a
// certificate problem, a malformed URL, a request that cannot be built or encoded.
func (e *Error) Permanent() bool { return e.Class == ClassPermanent }

// Benign reports false: a call without an answer never means "nothing to do".
func (e *Error) Benign() bool { return e.Class == ClassBenign }

// RateLimited reports false: only an answer (429) is a rate limit.
func (e *Error) RateLimited() bool { return false }

// RetryAfter returns 0: without an answer there is no Retry-After.
func (e *Error) RetryAfter() time.Duration { return 0 }

// Permanent marks err as permanent: its Permanent method, and [ClassOf] for it and for
// every error wrapping it, report so. Sinks use it for failures before anything is sent,
// such as an invalid event or a body that cannot be encoded.
func Permanent(err error) error {
	return &Error{Class: ClassPermanent, Err: err}
}

// classifier is an error that classifies itself, as *[Error] and the sinks' answer errors
// do. A caller that acts on an error (a queue, a handler) asks these methods, through
// errors.As, rather than a table of error types.
type classifier interface {
	error
	Retryable() bool
	Permanent() bool
	Benign() bool
}

// ClassOf classifies an error a sink's call returned by the methods of the first error in
// its chain that has them (an *[Error], a sink's answer error): benign, retryable or
// permanent. nil is a success, an ended context without such an error is retryable (the
// request may not have arrived), and anything else (errors nobody classified) is
// permanent: sending the same request again would fail the same way.
func ClassOf(err error) Class {
	if err == nil {
		return ClassSuccess
	}
	if c, ok := errors.AsType[classifier](err); ok {
		switch {
		case c.Benign():
			return ClassBenign
		case c.Retryable():
			return ClassRetryable
		case c.Permanent():
			return ClassPermanent
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return ClassRetryable
	}
	return ClassPermanent
}

// The questions a caller that acts on an error asks of it, each answered by the first
// error in its chain with the method.
type (
	benign interface {
		error
		Benign() bool
	}
	rateLimited interface {
		error
		RateLimited() bool
	}
	permanent interface {
		error
		Permanent() bool
	}
)

// IsBenign reports whether err says by its Benign method that there was nothing to do.
func IsBenign(err error) bool { e, ok := errors.AsType[benign](err); return ok && e.Benign() }

// IsRateLimited reports whether err says by its RateLimited method that it is a 429.
func IsRateLimited(err error) bool {
	e, ok := errors.AsType[rateLimited](err)
	return ok && e.RateLimited()
}

// IsPermanent reports whether err says by its Permanent method that retrying cannot help.
// Unlike [ClassOf], it takes an error without the method for one worth retrying: what a
// handler or a queue, which keep what they cannot judge, need.
func IsPermanent(err error) bool { e, ok := errors.AsType[permanent](err); return ok && e.Permanent() }
