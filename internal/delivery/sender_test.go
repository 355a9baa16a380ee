//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/spool"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// newSender returns a Sender for the fakes that tries each request once.
func newSender(t *testing.T, il *ilerttest.Server, ao *alertopstest.Server) *delivery.Sender {
	t.Helper()
	ic, err := ilert.NewClient(ilert.WithBaseURL(il.URL()), ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: 1, NoRetryOnRateLimit: true}))
	if err != nil {
		t.Fatal(err)
	}
	ac, err := alertops.NewClient(alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 1, NoRetryOnRateLimit: true}))
	if err != nil {
		t.Fatal(err)
	}
	return &delivery.Sender{ILert: ic, AlertOps: ac}
}

func TestSendVerdicts(t *testing.T) {
	t.Parallel()
	alert := ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeAlert, Summary: "down", AlertKey: "k1"}
	resolveUnknown := ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeResolve, AlertKey: "never-opened"}
	aoAlert := alertops.Alert{EventKey: "k1", Source: "Level", Host: "pc01", State: "CRITICAL",
		Severity: alertops.SeverityCritical, NotificationType: "PROBLEM", Summary: "s", Message: "m"}
	tests := []struct {
		name        string
		ilertFail   *ilerttest.Failure
		aoFail      *alertopstest.Failure
		req         func(ao *alertopstest.Server) delivery.Request
		want        delivery.Verdict
		wantHoldMin time.Duration // for rate limits: the hold the outcome asks for, at least
	}{
		{name: "ilert accepted", req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(alert) }, want: delivery.VerdictDelivered},
		{name: "ilert resolve of nothing open", req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(resolveUnknown) }, want: delivery.VerdictBenign},
		{name: "ilert 429", ilertFail: &ilerttest.Failure{Status: http.StatusTooManyRequests}, req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(alert) }, want: delivery.VerdictRateLimited, wantHoldMin: spool.MinHold},
		{name: "ilert 503", ilertFail: &ilerttest.Failure{Status: http.StatusServiceUnavailable}, req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(alert) }, want: delivery.VerdictRetry},
		{name: "ilert reset", ilertFail: &ilerttest.Failure{Reset: true}, req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(alert) }, want: delivery.VerdictRetry},
		{name: "ilert 400", ilertFail: &ilerttest.Failure{Status: http.StatusBadRequest, Code: "BAD"}, req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(alert) }, want: delivery.VerdictRejected},
		{name: "ilert 401", ilertFail: &ilerttest.Failure{Status: http.StatusUnauthorized}, req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(alert) }, want: delivery.VerdictRejected},
		{name: "ilert invalid event", req: func(*alertopstest.Server) delivery.Request {
			return delivery.ILert(ilert.Event{IntegrationKey: testKey, EventType: "OPEN"})
		}, want: delivery.VerdictRejected},
		{name: "checkmk accepted", req: func(*alertopstest.Server) delivery.Request {
			return delivery.ILertCheckmk(testKey, map[string]string{"HOSTNAME": "web01", "WHAT": "HOST", "NOTIFICATIONTYPE": "PROBLEM"})
		}, want: delivery.VerdictDelivered},
		{name: "alertops accepted", req: func(ao *alertopstest.Server) delivery.Request {
			return delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), aoAlert)
		}, want: delivery.VerdictDelivered},
		{name: "alertops 429", aoFail: &alertopstest.Failure{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}}}, req: func(ao *alertopstest.Server) delivery.Request {
			return delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), aoAlert)
		}, want: delivery.VerdictRateLimited, wantHoldMin: 120 * time.Second},
		{name: "alertops 500", aoFail: &alertopstest.Failure{Status: http.StatusInternalServerError}, req: func(ao *alertopstest.Server) delivery.Request {
			return delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), aoAlert)
		}, want: delivery.VerdictRetry},
		{name: "alertops 404", aoFail: &alertopstest.Failure{Status: http.StatusNotFound}, req: func(ao *alertopstest.Server) delivery.Request {
			return delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), aoAlert)
		}, want: delivery.VerdictRejected},
		{name: "alertops invalid URL", req: func(*alertopstest.Server) delivery.Request {
			return delivery.AlertOps("ftp://x/"+"aokey-0123456789", aoAlert)
		}, want: delivery.VerdictRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			il := ilerttest.NewServer(t, ilerttest.TrackOpenAlerts())
			ao := alertopstest.NewServer(t)
			if tt.ilertFail != nil {
				il.FailNext(1, *tt.ilertFail)
			}
			if tt.aoFail != nil {
				ao.FailNext(1, *tt.aoFail)
			}
			s := newSender(t, il, ao)
			payload, err := tt.req(ao).Encode()
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.DeliverItem(context.Background(), spool.Item{ID: "d/1", Destination: "d", Payload: payload})
			if v != tt.want {
				t.Errorf("verdict = %q (err %v), want %q", v, err, tt.want)
			}
			if got := delivery.Judge(err); got != v {
				t.Errorf("Judge(err) = %q, DeliverItem said %q", got, v)
			}
			if (err == nil) != (v == delivery.VerdictDelivered) {
				t.Errorf("err = %v with verdict %q", err, v)
			}
			if err != nil {
				testutil.AssertNoSecret(t, "error", err.Error(), testKey, "aokey-0123456789")
			}
			if tt.wantHoldMin > 0 {
				if got := holdAfter(t, v, err); got < tt.wantHoldMin-5*time.Second {
					t.Errorf("hold = %v, want at least %v", got, tt.wantHoldMin)
				}
			}
		})
	}
}

// holdAfter queues a request in a fresh spool, flushes it with the outcome of v and err,
// and returns how long the destination is held.
func holdAfter(t *testing.T, v delivery.Verdict, err error) time.Duration {
	t.Helper()
	q, qerr := spool.Open(t.TempDir())
	if qerr != nil {
		t.Fatal(qerr)
	}
	ctx := context.Background()
	if _, qerr := q.Enqueue(ctx, "d", []byte("{}")); qerr != nil {
		t.Fatal(qerr)
	}
	res, qerr := q.Flush(ctx, "d", func(context.Context, spool.Item) spool.Outcome { return v.Outcome(err) })
	if qerr != nil || res.Status != spool.StatusStopped {
		t.Fatalf("Flush = %+v, %v; want stopped", res, qerr)
	}
	return time.Until(res.HeldUntil)
}

func TestJudgeWithoutAnswer(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	il := ilerttest.NewServer(t)
	s := newSender(t, il, alertopstest.NewServer(t))
	_, ctxErr := s.ILert.Send(canceled, ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeAlert, Summary: "s", AlertKey: "k"})
	noClient := (&delivery.Sender{}).Send(context.Background(), delivery.ILert(ilert.Event{IntegrationKey: testKey}))
	tests := []struct {
		name string
		err  error
		want delivery.Verdict
	}{
		{"nil", nil, delivery.VerdictDelivered},
		{"canceled call", ctxErr, delivery.VerdictRetry},
		{"bare deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), delivery.VerdictRetry},
		{"no client", noClient, delivery.VerdictRetry},
		{"invalid request", delivery.ErrInvalidRequest, delivery.VerdictRejected},
		{"unknown error", errors.New("disk on fire"), delivery.VerdictRetry},
	}
	for _, tt := range tests {
		if got := delivery.Judge(tt.err); got != tt.want {
			t.Errorf("%s: Judge(%v) = %q, want %q", tt.name, tt.err, got, tt.want)
		}
	}
	if !errors.Is(noClient, delivery.ErrNoClient) {
		t.Errorf("Send without client = %v, want ErrNoClient", noClient)
	}
}

func TestDeliverThroughSpool(t *testing.T) {
	t.Parallel()
	il := ilerttest.NewServer(t)
	ao := alertopstest.NewServer(t)
	s := newSender(t, il, ao)
	q, err := spool.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	reqs := sampleRequests()
	reqs["alertops"] = delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), *reqs["alertops"].AlertOps)
	for _, name := range []string{"ilert", "alertops"} {
		payload, err := reqs[name].Encode()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.Enqueue(ctx, "d", payload); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := q.Enqueue(ctx, "d", []byte(`{"v":1,"sink":"nowhere"}`)); err != nil {
		t.Fatal(err)
	}
	il.FailNext(1, ilerttest.Failure{Status: http.StatusBadGateway})
	res, err := q.Flush(ctx, "d", s.Deliver)
	if err != nil || res.Status != spool.StatusStopped || res.Remaining != 3 {
		t.Fatalf("first Flush = %+v, %v; want stopped with 3 queued", res, err)
	}
	res, err = q.Flush(ctx, "d", s.Deliver)
	if err != nil {
		t.Fatal(err)
	}
	want := spool.FlushResult{Status: spool.StatusDone, Delivered: 2, Failed: 1}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("second Flush (-want +got):\n%s", diff)
	}
	if n := len(il.Events()); n != 1 {
		t.Errorf("iLert got %d events, want 1", n)
	}
	if n := len(ao.Alerts()); n != 1 {
		t.Errorf("AlertOps got %d alerts, want 1", n)
	}
	failed, err := q.Failed()
	if err != nil || len(failed) != 1 {
		t.Fatalf("Failed() = %v, %v", failed, err)
	}
	if want := `rejected: delivery: invalid request: unknown sink "nowhere"`; failed[0].Reason != want {
		t.Errorf("reason = %q, want %q", failed[0].Reason, want)
	}
}
