//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
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

// clientsByTransport is a Clients that builds a client per transport setting and records
// what it was asked for.
type clientsByTransport struct {
	mu    sync.Mutex
	asked []delivery.Transport
	fail  error // returned instead of a client, when set
	none  bool  // return no client
}

func (c *clientsByTransport) ILert(t *delivery.Transport) (*ilert.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t != nil {
		c.asked = append(c.asked, *t)
	}
	if c.fail != nil || c.none {
		return nil, c.fail
	}
	return ilert.NewClient(ilert.WithBaseURL(t.ILertURL), ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: 1, NoRetryOnRateLimit: true}))
}

func (c *clientsByTransport) AlertOps(t *delivery.Transport) (*alertops.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t != nil {
		c.asked = append(c.asked, *t)
	}
	if c.fail != nil || c.none {
		return nil, c.fail
	}
	return alertops.NewClient(alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 1, NoRetryOnRateLimit: true}))
}

// TestAttemptWithClients: requests carrying their transport reach the sink through the
// client Clients gives for it, and the result says what the sink answered.
func TestAttemptWithClients(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"NOTIFY_HOSTNAME": "web01", "NOTIFY_NOTIFICATIONTYPE": "PROBLEM"}
	tests := []struct {
		name      string
		failure   *ilerttest.Failure
		fail      error           // what Clients returns instead of a client
		noClient  bool            // Clients returns no client
		want      delivery.Result // Err compared by presence only
		wantInErr string
	}{
		{name: "nagios delivered", want: delivery.Result{Verdict: delivery.VerdictDelivered, StatusCode: 200}},
		{name: "nagios 404", failure: &ilerttest.Failure{Status: 404, Code: "NOT_FOUND"},
			want: delivery.Result{Verdict: delivery.VerdictRejected, StatusCode: 404, Code: "NOT_FOUND", CorrelationID: "set"}},
		{name: "nagios 429", failure: &ilerttest.Failure{Status: 429},
			want: delivery.Result{Verdict: delivery.VerdictRateLimited, StatusCode: 429, CorrelationID: "set"}},
		{name: "nagios reset", failure: &ilerttest.Failure{Reset: true},
			want: delivery.Result{Verdict: delivery.VerdictRetry}},
		{name: "settings make no client", fail: errors.New("proxy refused"),
			want: delivery.Result{Verdict: delivery.VerdictRejected}, wantInErr: "ilert-nagios: transport settings: proxy refused"},
		{name: "no client", noClient: true,
			want: delivery.Result{Verdict: delivery.VerdictRetry}, wantInErr: "no client configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			il := ilerttest.NewServer(t)
			if tt.failure != nil {
				il.FailNext(1, *tt.failure)
			}
			transport := delivery.Transport{ILertURL: il.URL(), Proxy: delivery.NoProxy}
			clients := &clientsByTransport{fail: tt.fail, none: tt.noClient}
			s := &delivery.Sender{Clients: clients}
			got := s.Attempt(context.Background(), delivery.ILertNagios(testKey, vars).WithTransport(transport))
			if (got.Err != nil) != (tt.want.Verdict != delivery.VerdictDelivered) {
				t.Errorf("Err = %v with verdict %q", got.Err, got.Verdict)
			}
			if got.Err != nil {
				testutil.AssertNoSecret(t, "error", got.Err.Error(), testKey)
				if !strings.Contains(got.Err.Error(), tt.wantInErr) {
					t.Errorf("Err = %q, want it to contain %q", got.Err, tt.wantInErr)
				}
			}
			if got.CorrelationID != "" {
				got.CorrelationID = "set"
			}
			got.Err = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]delivery.Transport{transport}, clients.asked); diff != "" {
				t.Errorf("Clients asked for (-want +got):\n%s", diff)
			}
			if tt.want.Verdict == delivery.VerdictDelivered {
				if ev := il.NagiosEvents(); len(ev) != 1 || ev[0].Variables["NOTIFY_HOSTNAME"] != "web01" {
					t.Errorf("iLert recorded %+v", ev)
				}
			}
		})
	}
}

// TestAttemptStatusOnSuccess: a delivered result carries the status of the answer.
func TestAttemptStatusOnSuccess(t *testing.T) {
	t.Parallel()
	il := ilerttest.NewServer(t)
	ao := alertopstest.NewServer(t)
	s := newSender(t, il, ao)
	reqs := sampleRequests()
	for name, want := range map[string]int{"ilert": 202, "ilert-checkmk": 202} {
		if got := s.Attempt(context.Background(), reqs[name]); got.Verdict != delivery.VerdictDelivered || got.StatusCode != want {
			t.Errorf("%s: %+v, want delivered with %d", name, got, want)
		}
	}
	a := delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), *reqs["alertops"].AlertOps)
	if got := s.Attempt(context.Background(), a); got.Verdict != delivery.VerdictDelivered || got.StatusCode != 200 {
		t.Errorf("alertops: %+v, want delivered with 200", got)
	}
}

// TestOutcomeWithReason: the program's reason is what the queue keeps, and a rate limit
// still holds the destination for the answer's Retry-After.
func TestOutcomeWithReason(t *testing.T) {
	t.Parallel()
	ao := alertopstest.NewServer(t)
	s := newSender(t, ilerttest.NewServer(t), ao)
	alert := *sampleRequests()["alertops"].AlertOps
	req := delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), alert)

	ao.FailNext(1, alertopstest.Failure{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}}})
	res := s.Attempt(context.Background(), req)
	if res.Verdict != delivery.VerdictRateLimited {
		t.Fatalf("verdict %q, want rate-limited", res.Verdict)
	}
	q, err := spool.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, dest := range []string{"limited", "rejected"} {
		if _, err := q.Enqueue(ctx, dest, []byte("{}")); err != nil {
			t.Fatal(err)
		}
	}
	fr, err := q.Flush(ctx, "limited", func(context.Context, spool.Item) spool.Outcome { return res.OutcomeWithReason("slow down") })
	if err != nil || fr.Err == nil || fr.Err.Error() != "slow down" || time.Until(fr.HeldUntil) < 100*time.Second {
		t.Errorf("rate-limited Flush = %+v, %v; want held about 120 s with the reason", fr, err)
	}

	ao.FailNext(1, alertopstest.Failure{Status: http.StatusNotFound})
	res = s.Attempt(context.Background(), req)
	if _, err := q.Flush(ctx, "rejected", func(context.Context, spool.Item) spool.Outcome {
		return res.OutcomeWithReason("404 Not Found (PROBLEM pc01)")
	}); err != nil {
		t.Fatal(err)
	}
	failed, err := q.Failed()
	if err != nil || len(failed) != 1 || failed[0].Reason != "rejected: 404 Not Found (PROBLEM pc01)" {
		t.Errorf("Failed() = %+v, %v; want the program's reason", failed, err)
	}
}
