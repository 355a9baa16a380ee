//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
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

// TestSendStates: every answer of the sinks, and every request they cannot take, leads to
// the state its error's methods say, and the queue does what the state's word says.
func TestSendStates(t *testing.T) {
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
		want        delivery.State
		wantHoldMin time.Duration // for rate limits: the hold the error asks for, at least
	}{
		{name: "ilert accepted", req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(alert) }, want: delivery.StateSent},
		{name: "ilert resolve of nothing open", req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(resolveUnknown) }, want: delivery.StateNothingToDo},
		{name: "ilert 429", ilertFail: &ilerttest.Failure{Status: http.StatusTooManyRequests}, req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(alert) }, want: delivery.StateQueued, wantHoldMin: spool.MinHold},
		{name: "ilert 503", ilertFail: &ilerttest.Failure{Status: http.StatusServiceUnavailable}, req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(alert) }, want: delivery.StateQueued},
		{name: "ilert reset", ilertFail: &ilerttest.Failure{Reset: true}, req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(alert) }, want: delivery.StateQueued},
		{name: "ilert 400", ilertFail: &ilerttest.Failure{Status: http.StatusBadRequest, Code: "BAD"}, req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(alert) }, want: delivery.StateRejected},
		{name: "ilert 401", ilertFail: &ilerttest.Failure{Status: http.StatusUnauthorized}, req: func(*alertopstest.Server) delivery.Request { return delivery.ILert(alert) }, want: delivery.StateRejected},
		{name: "ilert invalid event", req: func(*alertopstest.Server) delivery.Request {
			return delivery.ILert(ilert.Event{IntegrationKey: testKey, EventType: "OPEN"})
		}, want: delivery.StateRejected},
		{name: "checkmk accepted", req: func(*alertopstest.Server) delivery.Request {
			return delivery.ILertCheckmk(testKey, map[string]string{"HOSTNAME": "web01", "WHAT": "HOST", "NOTIFICATIONTYPE": "PROBLEM"})
		}, want: delivery.StateSent},
		{name: "alertops accepted", req: func(ao *alertopstest.Server) delivery.Request {
			return delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), aoAlert)
		}, want: delivery.StateSent},
		{name: "alertops 429", aoFail: &alertopstest.Failure{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}}}, req: func(ao *alertopstest.Server) delivery.Request {
			return delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), aoAlert)
		}, want: delivery.StateQueued, wantHoldMin: 120 * time.Second},
		{name: "alertops 500", aoFail: &alertopstest.Failure{Status: http.StatusInternalServerError}, req: func(ao *alertopstest.Server) delivery.Request {
			return delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), aoAlert)
		}, want: delivery.StateQueued},
		{name: "alertops 404", aoFail: &alertopstest.Failure{Status: http.StatusNotFound}, req: func(ao *alertopstest.Server) delivery.Request {
			return delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), aoAlert)
		}, want: delivery.StateRejected},
		{name: "alertops invalid URL", req: func(*alertopstest.Server) delivery.Request {
			return delivery.AlertOps("ftp://x/"+"aokey-0123456789", aoAlert)
		}, want: delivery.StateRejected},
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
			err = s.Deliver(context.Background(), spool.Item{ID: "d/1", Destination: "d", Payload: payload})
			v := delivery.StateOf(err)
			if v != tt.want {
				t.Errorf("state = %q (err %v), want %q", v, err, tt.want)
			}
			if (err == nil) != (v == delivery.StateSent) {
				t.Errorf("err = %v with state %q", err, v)
			}
			if err != nil {
				testutil.AssertNoSecret(t, "error", err.Error(), testKey, "aokey-0123456789")
			}
			res, held := flushWith(t, err)
			if !queueAgrees(v, res) {
				t.Errorf("state %q, but the queue did %+v", v, res)
			}
			switch {
			case tt.wantHoldMin == 0 && !held.IsZero():
				t.Errorf("held until %v, want no hold", held)
			case tt.wantHoldMin > 0 && held.Sub(clockNow) < tt.wantHoldMin:
				t.Errorf("hold = %v, want at least %v", held.Sub(clockNow), tt.wantHoldMin)
			}
		})
	}
}

// clockNow is the queue's clock in flushWith.
var clockNow = time.Date(2026, 4, 7, 16, 59, 32, 0, time.UTC)

// flushWith queues a request in a fresh spool whose clock stands at clockNow, flushes it
// with a deliver function that returns err, and returns what the flush did and the end of
// the hold it set (zero for none).
func flushWith(t *testing.T, err error) (spool.FlushResult, time.Time) {
	t.Helper()
	q, qerr := spool.Open(context.Background(), t.TempDir(), spool.WithClock(func() time.Time { return clockNow }))
	if qerr != nil {
		t.Fatal(qerr)
	}
	ctx := context.Background()
	if _, qerr := q.Enqueue(ctx, "d", []byte("{}")); qerr != nil {
		t.Fatal(qerr)
	}
	res, qerr := q.Flush(ctx, "d", func(context.Context, spool.Item) error { return err })
	if qerr != nil {
		t.Fatalf("Flush = %+v, %v", res, qerr)
	}
	held, qerr := q.HeldUntil(context.Background(), "d")
	if qerr != nil {
		t.Fatal(qerr)
	}
	return res, held
}

// queueAgrees reports whether a flush did what the state's word says.
func queueAgrees(s delivery.State, res spool.FlushResult) bool {
	switch s {
	case delivery.StateSent, delivery.StateNothingToDo:
		return res.Delivered == 1 && res.Remaining == 0
	case delivery.StateRejected:
		return res.Failed == 1 && res.Remaining == 0
	case delivery.StateQueued:
		return res.Status == spool.StatusStopped && res.Remaining == 1
	}
	return false
}

// TestStateWithoutAnswer: failures without an answer keep the request, except an invalid
// one; what nobody classified is kept too.
func TestStateWithoutAnswer(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	il := ilerttest.NewServer(t)
	s := newSender(t, il, alertopstest.NewServer(t))
	_, ctxErr := s.ILert.Send(canceled, ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeAlert, Summary: "s", AlertKey: "k"})
	_, noClient := (&delivery.Sender{}).Send(context.Background(), delivery.ILert(ilert.Event{IntegrationKey: testKey}))
	tests := []struct {
		name string
		err  error
		want delivery.State
	}{
		{"nil", nil, delivery.StateSent},
		{"canceled call", ctxErr, delivery.StateQueued},
		{"bare deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), delivery.StateQueued},
		{"no client", noClient, delivery.StateQueued},
		{"invalid request", delivery.ErrInvalidRequest, delivery.StateRejected},
		{"wrapped invalid request", fmt.Errorf("%w: unknown sink", delivery.ErrInvalidRequest), delivery.StateRejected},
		{"unknown error", errors.New("disk on fire"), delivery.StateQueued},
	}
	for _, tt := range tests {
		if got := delivery.StateOf(tt.err); got != tt.want {
			t.Errorf("%s: StateOf(%v) = %q, want %q", tt.name, tt.err, got, tt.want)
		}
		if res, _ := flushWith(t, tt.err); !queueAgrees(tt.want, res) {
			t.Errorf("%s: state %q, but the queue did %+v", tt.name, tt.want, res)
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
	q, err := spool.Open(context.Background(), t.TempDir())
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
	failed, err := q.Failed(context.Background())
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

// answer is what a test learns of one Send: the state, the status and what iLert said.
type answer struct {
	State         delivery.State
	StatusCode    int
	Code          string
	CorrelationID string
}

// send sends r and describes the answer.
func send(s *delivery.Sender, r delivery.Request) (answer, error) {
	status, err := s.Send(context.Background(), r)
	a := answer{State: delivery.StateOf(err), StatusCode: status}
	if ie, ok := errors.AsType[*ilert.APIError](err); ok {
		a.StatusCode, a.Code, a.CorrelationID = ie.StatusCode, ie.Code, ie.CorrelationID
	}
	return a, err
}

// TestSendWithClients: requests carrying their transport reach the sink through the
// client Clients gives for it, and the error says what the sink answered.
func TestSendWithClients(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"NOTIFY_HOSTNAME": "web01", "NOTIFY_NOTIFICATIONTYPE": "PROBLEM"}
	tests := []struct {
		name      string
		failure   *ilerttest.Failure
		fail      error  // what Clients returns instead of a client
		noClient  bool   // Clients returns no client
		want      answer // CorrelationID compared by presence only
		wantInErr string
	}{
		{name: "nagios delivered", want: answer{State: delivery.StateSent, StatusCode: 200}},
		{name: "nagios 404", failure: &ilerttest.Failure{Status: 404, Code: "NOT_FOUND"},
			want: answer{State: delivery.StateRejected, StatusCode: 404, Code: "NOT_FOUND", CorrelationID: "set"}},
		{name: "nagios 429", failure: &ilerttest.Failure{Status: 429},
			want: answer{State: delivery.StateQueued, StatusCode: 429, CorrelationID: "set"}},
		{name: "nagios reset", failure: &ilerttest.Failure{Reset: true},
			want: answer{State: delivery.StateQueued}},
		{name: "settings make no client", fail: errors.New("proxy refused"),
			want: answer{State: delivery.StateRejected}, wantInErr: "ilert-nagios: transport settings: proxy refused"},
		{name: "no client", noClient: true,
			want: answer{State: delivery.StateQueued}, wantInErr: "no client configured"},
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
			got, err := send(s, delivery.ILertNagios(testKey, vars).WithTransport(transport))
			if (err != nil) != (tt.want.State != delivery.StateSent) {
				t.Errorf("err = %v with state %q", err, got.State)
			}
			if tt.failure != nil && tt.failure.Status == 429 && !ilert.IsRateLimited(err) {
				t.Errorf("err = %v, want a rate limit", err)
			}
			if err != nil {
				testutil.AssertNoSecret(t, "error", err.Error(), testKey)
				if !strings.Contains(err.Error(), tt.wantInErr) {
					t.Errorf("err = %q, want it to contain %q", err, tt.wantInErr)
				}
			}
			if got.CorrelationID != "" {
				got.CorrelationID = "set"
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]delivery.Transport{transport}, clients.asked); diff != "" {
				t.Errorf("Clients asked for (-want +got):\n%s", diff)
			}
			if tt.want.State == delivery.StateSent {
				if ev := il.NagiosEvents(); len(ev) != 1 || ev[0].Variables["NOTIFY_HOSTNAME"] != "web01" {
					t.Errorf("iLert recorded %+v", ev)
				}
			}
		})
	}
}

// TestSendAndNewRequest: a delivered request reports the status of the answer, and the
// request a dry run shows (NewRequest) is the one the sink's client sends, for every sink.
func TestSendAndNewRequest(t *testing.T) {
	t.Parallel()
	il := ilerttest.NewServer(t)
	ao := alertopstest.NewServer(t)
	s := newSender(t, il, ao)
	reqs := sampleRequests()
	reqs["alertops"] = delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), *reqs["alertops"].AlertOps)
	reqs["ilert-nagios"] = delivery.ILertNagios(testKey, map[string]string{"NOTIFY_HOSTNAME": "web01"})
	for name, want := range map[string]int{"ilert": 202, "ilert-checkmk": 202, "alertops": 200, "ilert-nagios": 200} {
		built, err := s.NewRequest(context.Background(), reqs[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, err := send(s, reqs[name]); got.State != delivery.StateSent || got.StatusCode != want {
			t.Errorf("%s: %+v (%v), want sent with %d", name, got, err, want)
		}
		var sent []string
		for _, rec := range il.Requests() {
			sent = append(sent, rec.Method+" "+rec.Path)
		}
		for _, rec := range ao.Requests() {
			sent = append(sent, rec.Method+" "+rec.Path)
		}
		if b := built.Method + " " + built.URL.Path; !slices.Contains(sent, b) {
			t.Errorf("%s: built %s, sent %v", name, b, sent)
		}
	}
	if _, err := (&delivery.Sender{}).NewRequest(context.Background(), reqs["ilert"]); !errors.Is(err, delivery.ErrNoClient) {
		t.Errorf("NewRequest without a client: %v, want ErrNoClient", err)
	}
	if _, err := s.NewRequest(context.Background(), delivery.Request{Sink: "nowhere"}); !errors.Is(err, delivery.ErrInvalidRequest) {
		t.Errorf("NewRequest of an invalid request: %v, want ErrInvalidRequest", err)
	}
}

// TestWithReason: the program's reason is what the queue keeps, and a rate limit still
// holds the destination for the answer's Retry-After.
func TestWithReason(t *testing.T) {
	t.Parallel()
	ao := alertopstest.NewServer(t)
	s := newSender(t, ilerttest.NewServer(t), ao)
	alert := *sampleRequests()["alertops"].AlertOps
	req := delivery.AlertOps(ao.URL("aokey-0123456789", "Relay"), alert)

	ao.FailNext(1, alertopstest.Failure{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}}})
	_, err := s.Send(context.Background(), req)
	if !alertops.IsRateLimited(err) {
		t.Fatalf("err = %v, want a rate limit", err)
	}
	if delivery.WithReason(nil, "x") != nil {
		t.Error("WithReason(nil) is not nil")
	}
	fr, held := flushWith(t, delivery.WithReason(err, "slow down"))
	if fr.Err == nil || fr.Err.Error() != "slow down" || !held.Equal(clockNow.Add(120*time.Second)) {
		t.Errorf("rate-limited Flush = %+v held until %v; want held 120 s with the reason", fr, held)
	}

	ao.FailNext(1, alertopstest.Failure{Status: http.StatusNotFound})
	_, err = s.Send(context.Background(), req)
	q, qerr := spool.Open(context.Background(), t.TempDir())
	if qerr != nil {
		t.Fatal(qerr)
	}
	ctx := context.Background()
	if _, err := q.Enqueue(ctx, "rejected", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Flush(ctx, "rejected", func(context.Context, spool.Item) error {
		return delivery.WithReason(err, "404 Not Found (PROBLEM pc01)")
	}); err != nil {
		t.Fatal(err)
	}
	failed, qerr := q.Failed(context.Background())
	if qerr != nil || len(failed) != 1 || failed[0].Reason != "rejected: 404 Not Found (PROBLEM pc01)" {
		t.Errorf("Failed() = %+v, %v; want the program's reason", failed, qerr)
	}
}
