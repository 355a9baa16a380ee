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
	tests := []struct {
		name    string
		failure *alertopstest.Failure
		alert   *alertops.Alert
		url     string
		ctx     context.Context
		want    class
	}{
		{"503", &alertopstest.Failure{Status: 503}, nil, "", nil, class{Methods: true, Retryable: true}},
		{"429 with Retry-After", &alertopstest.Failure{Status: 429, Header: http.Header{"Retry-After": {"42"}}}, nil, "", nil,
			class{Methods: true, Retryable: true, RateLimited: true, RetryAfter: 42 * time.Second}},
		{"401", &alertopstest.Failure{Status: 401}, nil, "", nil, class{Methods: true, Permanent: true}},
		{"connection reset", &alertopstest.Failure{Reset: true}, nil, "", nil, class{Methods: true, Retryable: true}},
		{"canceled context", nil, nil, "", canceled, class{Methods: true, Retryable: true}},
		{"invalid alert", nil, &alertops.Alert{}, "", nil, class{Methods: true, Permanent: true}},
		{"invalid webhook URL", nil, nil, "ftp://notify.alertops.com/POSTAlert/x/y", nil, class{Methods: true, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := alertopstest.NewServer(t)
			if tt.failure != nil {
				srv.FailNext(1, *tt.failure)
			}
			c, _ := newClient(t, alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 1}))
			a, u, ctx := hostAlert(), srv.URL(testKey, "CheckMK"), context.Background()
			if tt.alert != nil {
				a = *tt.alert
			}
			if tt.url != "" {
				u = tt.url
			}
			if tt.ctx != nil {
				ctx = tt.ctx
			}
			_, err := c.Send(ctx, u, a)
			got := testutil.Classify(err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%v: classification (-want +got):\n%s", err, diff)
			}
			helpers := class{Methods: true, Retryable: alertops.IsRetryable(err), Permanent: alertops.IsPermanent(err),
				RateLimited: alertops.IsRateLimited(err), RetryAfter: got.RetryAfter}
			if diff := cmp.Diff(got, helpers); diff != "" {
				t.Errorf("%v: the Is* helpers disagree with the methods (-methods +helpers):\n%s", err, diff)
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
