package alertops_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/alertops/alertopstest"
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
		name                        string
		failure                     *alertopstest.Failure
		alert                       *alertops.Alert
		url                         string
		ctx                         context.Context
		retryable, permanent, limit bool
		retryAfter                  time.Duration
	}{
		{name: "503", failure: &alertopstest.Failure{Status: 503}, retryable: true},
		{name: "429 with Retry-After", failure: &alertopstest.Failure{Status: 429, Header: http.Header{"Retry-After": {"42"}}},
			retryable: true, limit: true, retryAfter: 42 * time.Second},
		{name: "401", failure: &alertopstest.Failure{Status: 401}, permanent: true},
		{name: "connection reset", failure: &alertopstest.Failure{Reset: true}, retryable: true},
		{name: "canceled context", ctx: canceled, retryable: true},
		{name: "invalid alert", alert: &alertops.Alert{}, permanent: true},
		{name: "invalid webhook URL", url: "ftp://notify.alertops.com/POSTAlert/x/y", permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := alertopstest.NewServer(t)
			if tt.failure != nil {
				srv.FailNext(1, *tt.failure)
			}
			c, _ := newClient(t, alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 1}))
			a := hostAlert()
			if tt.alert != nil {
				a = *tt.alert
			}
			u := srv.URL(testKey, "CheckMK")
			if tt.url != "" {
				u = tt.url
			}
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			_, err := c.Send(ctx, u, a)
			e, ok := errors.AsType[selfClassifying](err)
			if !ok {
				t.Fatalf("Send error %v (%T) has not the methods", err, err)
			}
			if e.Retryable() != tt.retryable || e.Permanent() != tt.permanent || e.Benign() ||
				e.RateLimited() != tt.limit || e.RetryAfter() != tt.retryAfter {
				t.Errorf("%v: Retryable %t Permanent %t Benign %t RateLimited %t RetryAfter %v; want %t %t false %t %v", err,
					e.Retryable(), e.Permanent(), e.Benign(), e.RateLimited(), e.RetryAfter(),
					tt.retryable, tt.permanent, tt.limit, tt.retryAfter)
			}
			if alertops.IsRetryable(err) != tt.retryable || alertops.IsPermanent(err) != tt.permanent ||
				alertops.IsRateLimited(err) != tt.limit {
				t.Errorf("%v: the Is* helpers disagree with the methods", err)
			}
		})
	}
}

// TestNewRequestIsWhatSendSends: NewRequest builds the very request Send puts on the wire,
// so a dry run shows what would be sent; invalid input fails the same way.
func TestNewRequestIsWhatSendSends(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	c, _ := newClient(t)
	u := srv.URL(testKey, "CheckMK")
	ctx := context.Background()
	req, err := c.NewRequest(ctx, u, hostAlert())
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(ctx, u, hostAlert()); err != nil {
		t.Fatal(err)
	}
	got := srv.Requests()
	if len(got) != 1 {
		t.Fatalf("%d requests sent, want 1", len(got))
	}
	if got[0].Method != req.Method || got[0].Path != req.URL.Path || string(got[0].Body) != string(body) ||
		got[0].Header.Get("Content-Type") != req.Header.Get("Content-Type") {
		t.Errorf("built %s %s %q, sent %s %s %q", req.Method, req.URL.Path, body, got[0].Method, got[0].Path, got[0].Body)
	}
	if _, err := c.NewRequest(ctx, "ftp://x/y", hostAlert()); !errors.Is(err, alertops.ErrInvalidWebhookURL) || !alertops.IsPermanent(err) {
		t.Errorf("NewRequest with a bad URL: %v, want a permanent ErrInvalidWebhookURL", err)
	}
}
