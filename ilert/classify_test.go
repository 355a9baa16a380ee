package ilert_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
)

// selfClassifying is what a queue asks of every error a Client returns.
type selfClassifying interface {
	error
	Retryable() bool
	Permanent() bool
	Benign() bool
	RateLimited() bool
	RetryAfter() time.Duration
}

// TestErrorsClassifyThemselves: every failure of Send, with an answer or without, carries
// the methods, and they say what the Is* helpers say.
func TestErrorsClassifyThemselves(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name                                    string
		failure                                 *ilerttest.Failure
		event                                   ilert.Event
		ctx                                     context.Context
		retryable, permanent, benign, rateLimit bool
		retryAfter                              time.Duration
	}{
		{name: "503", failure: &ilerttest.Failure{Status: 503}, retryable: true},
		{name: "429 with Retry-After", failure: &ilerttest.Failure{Status: 429, Header: http.Header{"Retry-After": {"42"}}},
			retryable: true, rateLimit: true, retryAfter: 42 * time.Second},
		{name: "429 without Retry-After", failure: &ilerttest.Failure{Status: 429}, retryable: true, rateLimit: true},
		{name: "401", failure: &ilerttest.Failure{Status: 401}, permanent: true},
		{name: "no open alert", failure: &ilerttest.Failure{Status: 400, Code: ilert.CodeNoneOpenForKey},
			event: ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeResolve, AlertKey: "k"}, benign: true},
		{name: "connection reset", failure: &ilerttest.Failure{Reset: true}, retryable: true},
		{name: "canceled context", ctx: canceled, retryable: true},
		{name: "invalid event", event: ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeAlert}, permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			if tt.failure != nil {
				srv.FailNext(1, *tt.failure)
			}
			c, _ := newClient(t, srv.URL(), ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: 1}))
			ev := tt.event
			if ev.EventType == "" {
				ev = alertEvent()
			}
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			_, err := c.Send(ctx, ev)
			c2, ok := errors.AsType[selfClassifying](err)
			if !ok {
				t.Fatalf("Send error %v (%T) has not the methods", err, err)
			}
			if c2.Retryable() != tt.retryable || c2.Permanent() != tt.permanent || c2.Benign() != tt.benign ||
				c2.RateLimited() != tt.rateLimit || c2.RetryAfter() != tt.retryAfter {
				t.Errorf("%v: Retryable %t Permanent %t Benign %t RateLimited %t RetryAfter %v; want %t %t %t %t %v", err,
					c2.Retryable(), c2.Permanent(), c2.Benign(), c2.RateLimited(), c2.RetryAfter(),
					tt.retryable, tt.permanent, tt.benign, tt.rateLimit, tt.retryAfter)
			}
			if ilert.IsRetryable(err) != tt.retryable || ilert.IsPermanent(err) != tt.permanent ||
				ilert.IsBenign(err) != tt.benign || ilert.IsRateLimited(err) != tt.rateLimit {
				t.Errorf("%v: the Is* helpers disagree with the methods", err)
			}
		})
	}
}
