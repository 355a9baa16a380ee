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

// answerError is a sink's answer error for TestClassOfAnswer.
type answerError struct{ class Class }

func (e *answerError) Error() string { return "answer " + e.class.String() }

func TestClassOfAnswer(t *testing.T) {
	t.Parallel()
	class := func(e *answerError) Class { return e.class }
	tests := []struct {
		name string
		err  error
		want Class
	}{
		{"nil", nil, ClassSuccess},
		{"benign answer", &answerError{ClassBenign}, ClassBenign},
		{"wrapped retryable answer", fmt.Errorf("send: %w", &answerError{ClassRetryable}), ClassRetryable},
		{"answer beats a context error beside it", errors.Join(context.Canceled, &answerError{ClassPermanent}), ClassPermanent},
		{"no answer: transport error", &Error{Class: ClassRetryable, Err: errors.New("reset")}, ClassRetryable},
		{"no answer: unknown error", errors.New("invalid alert"), ClassPermanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ClassOfAnswer(tt.err, class); got != tt.want {
				t.Errorf("ClassOfAnswer(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
