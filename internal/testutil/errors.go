package testutil

import (
	"errors"
	"time"
)

// Rejection returns an error that says by its methods, as a sink's answer error does, that
// retrying cannot help (Permanent() true). It wraps err. Tests of code that asks errors
// their methods (handlers, the queue) use it instead of a sink.
func Rejection(err error) error { return &answer{err: err, permanent: true} }

// Temporary returns an error that says by its methods that a retry may succeed
// (Retryable() true, Permanent() false). It wraps err.
func Temporary(err error) error { return &answer{err: err, retryable: true} }

// answer is the error of Rejection and Temporary.
type answer struct {
	err                  error
	permanent, retryable bool
}

func (a *answer) Error() string     { return a.err.Error() }
func (a *answer) Unwrap() error     { return a.err }
func (a *answer) Permanent() bool   { return a.permanent }
func (a *answer) Retryable() bool   { return a.retryable }
func (a *answer) Benign() bool      { return false }
func (a *answer) RateLimited() bool { return false }

// Classification is what an error says of itself by the methods a queue or a handler asks
// of it, as the sinks' errors have them all. Methods is false for an error in whose chain
// no error has all five.
type Classification struct {
	Methods                                   bool
	Retryable, Permanent, Benign, RateLimited bool
	RetryAfter                                time.Duration
}

// Classify reads the methods of the first error in err's chain that has all of them.
func Classify(err error) Classification {
	e, ok := errors.AsType[interface {
		error
		Retryable() bool
		Permanent() bool
		Benign() bool
		RateLimited() bool
		RetryAfter() time.Duration
	}](err)
	if !ok {
		return Classification{}
	}
	return Classification{Methods: true, Retryable: e.Retryable(), Permanent: e.Permanent(), Benign: e.Benign(),
		RateLimited: e.RateLimited(), RetryAfter: e.RetryAfter()}
}
