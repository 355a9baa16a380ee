package httpx

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestClassOf(t *testing.T) {
	t.Parallel()
	invalid := errors.New("invalid event")
	tests := []struct {
		name string
		err  error
		want Class
	}{
		{"nil", nil, ClassSuccess},
		{"unknown error", invalid, ClassPermanent},
		{"wrapped unknown error", fmt.Errorf("ilert: send event: %w", invalid), ClassPermanent},
		{"canceled", context.Canceled, ClassRetryable},
		{"wrapped deadline", fmt.Errorf("waiting: %w", context.DeadlineExceeded), ClassRetryable},
		{"retryable Error", &Error{Class: ClassRetryable, Err: errors.New("connection refused")}, ClassRetryable},
		{"wrapped permanent Error", fmt.Errorf("op: %w", &Error{Class: ClassPermanent, Err: errors.New("x509")}), ClassPermanent},
		{"Error beats its context cause", &Error{Class: ClassPermanent, Err: context.Canceled}, ClassPermanent},
		{"Permanent", Permanent(context.DeadlineExceeded), ClassPermanent},
		{"wrapped Permanent", fmt.Errorf("alertops: %w", Permanent(invalid)), ClassPermanent},
		// An error with the methods is classified by them, wherever it is in the chain.
		{"benign answer", &answerError{ClassBenign}, ClassBenign},
		{"wrapped retryable answer", fmt.Errorf("send: %w", &answerError{ClassRetryable}), ClassRetryable},
		{"answer beats a context error beside it", errors.Join(context.Canceled, &answerError{ClassPermanent}), ClassPermanent},
		{"no answer: transport error", &Error{Class: ClassRetryable, Err: errors.New("reset")}, ClassRetryable},
		{"no answer: unknown error", errors.New("invalid alert"), ClassPermanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ClassOf(tt.err); got != tt.want {
				t.Errorf("ClassOf(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestPermanentKeepsCause(t *testing.T) {
	t.Parallel()
	cause := errors.New("encoding event: unsupported value")
	err := Permanent(cause)
	if !errors.Is(err, cause) {
		t.Errorf("Permanent(%v) does not wrap its cause", cause)
	}
	if got := err.Error(); got != cause.Error() {
		t.Errorf("Error() = %q, want the cause's %q", got, cause.Error())
	}
}

// answerError is a sink's answer error, which classifies itself by its methods.
type answerError struct{ class Class }

func (e *answerError) Error() string     { return "answer " + e.class.String() }
func (e *answerError) Retryable() bool   { return e.class == ClassRetryable }
func (e *answerError) Permanent() bool   { return e.class == ClassPermanent }
func (e *answerError) Benign() bool      { return e.class == ClassBenign }
func (e *answerError) RateLimited() bool { return e.class == ClassRetryable }

// TestErrorMethods: an *Error answers the questions a queue asks of every error.
func TestErrorMethods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		class                                   Class
		retryable, permanent, benign, rateLimit bool
	}{
		{ClassRetryable, true, false, false, false},
		{ClassPermanent, false, true, false, false},
	}
	for _, tt := range tests {
		e := &Error{Class: tt.class, LastStatus: 429, Err: errors.New("x")}
		if e.Retryable() != tt.retryable || e.Permanent() != tt.permanent || e.Benign() != tt.benign ||
			e.RateLimited() != tt.rateLimit || e.RetryAfter() != 0 {
			t.Errorf("%v: Retryable %t Permanent %t Benign %t RateLimited %t RetryAfter %v", tt.class,
				e.Retryable(), e.Permanent(), e.Benign(), e.RateLimited(), e.RetryAfter())
		}
	}
	if !IsRateLimited(fmt.Errorf("send: %w", &answerError{ClassRetryable})) || IsRateLimited(errors.New("x")) {
		t.Error("IsRateLimited does not follow the RateLimited method")
	}
}
