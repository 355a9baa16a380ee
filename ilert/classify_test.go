package ilert_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

// TestErrorsClassifyThemselves: every failure of Send, with an answer or without, carries
// the methods a queue asks (Retryable, Permanent, Benign, RateLimited, RetryAfter), and
// they say what the Is* helpers say.
func TestErrorsClassifyThemselves(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	type class = testutil.Classification
	resolve := ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeResolve, AlertKey: "k"}
	tests := []struct {
		name    string
		failure *ilerttest.Failure
		event   *ilert.Event
		ctx     context.Context
		want    class
	}{
		{"503", &ilerttest.Failure{Status: 503}, nil, nil, class{Methods: true, Retryable: true}},
		{"429 with Retry-After", &ilerttest.Failure{Status: 429, Header: http.Header{"Retry-After": {"42"}}}, nil, nil,
			class{Methods: true, Retryable: true, RateLimited: true, RetryAfter: 42 * time.Second}},
		{"429 without Retry-After", &ilerttest.Failure{Status: 429}, nil, nil, class{Methods: true, Retryable: true, RateLimited: true}},
		{"401", &ilerttest.Failure{Status: 401}, nil, nil, class{Methods: true, Permanent: true}},
		{"no open alert", &ilerttest.Failure{Status: 400, Code: ilert.CodeNoneOpenForKey}, &resolve, nil, class{Methods: true, Benign: true}},
		{"connection reset", &ilerttest.Failure{Reset: true}, nil, nil, class{Methods: true, Retryable: true}},
		{"canceled context", nil, nil, canceled, class{Methods: true, Retryable: true}},
		{"invalid event", nil, &ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeAlert}, nil, class{Methods: true, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			if tt.failure != nil {
				srv.FailNext(1, *tt.failure)
			}
			c, _ := newClient(t, srv.URL(), ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: 1}))
			ev, ctx := alertEvent(), context.Background()
			if tt.event != nil {
				ev = *tt.event
			}
			if tt.ctx != nil {
				ctx = tt.ctx
			}
			_, err := c.Send(ctx, ev)
			got := testutil.Classify(err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%v: classification (-want +got):\n%s", err, diff)
			}
			helpers := class{Methods: true, Retryable: ilert.IsRetryable(err), Permanent: ilert.IsPermanent(err),
				Benign: ilert.IsBenign(err), RateLimited: ilert.IsRateLimited(err), RetryAfter: got.RetryAfter}
			if diff := cmp.Diff(got, helpers); diff != "" {
				t.Errorf("%v: the Is* helpers disagree with the methods (-methods +helpers):\n%s", err, diff)
			}
		})
	}
}
