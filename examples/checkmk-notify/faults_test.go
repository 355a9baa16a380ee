package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/alertbridge/alertbridge/checkmk"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/spool"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// states returns "<NOTIFICATIONTYPE> <SERVICESTATE>" of every checkmk-ext event, in order.
func states(h *harness) []string {
	var s []string
	for _, e := range h.ilert.CheckmkEvents() {
		s = append(s, e.Context["HOSTNAME"]+" "+e.Context["SERVICESTATE"])
	}
	return s
}

// TestDownThenBack: while both destinations fail, the notification is queued (exit 0);
// the next run delivers the queued one first, then its own.
func TestDownThenBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.ilert.FailNext(queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503})
	h.alertops.FailNext(queuedRetry.MaxAttempts, alertopstest.Failure{Status: 503})
	r := runBinary(t, h.env(t, "service-warn-problem.env"), "")
	if r.code != int(checkmk.ExitSent) {
		t.Fatalf("exit code %d, want 0 (queued); output:\n%s", r.code, r.out)
	}
	want := []string{
		"iLert: queued (503 Service Unavailable; 1 waiting, retried on the next run or by flush)",
		"AlertOps: queued (503 Service Unavailable; 1 waiting, retried on the next run or by flush)",
	}
	if got := r.lastLines(2); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("last lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := countFiles(t, h.spool, "pending/*/*.req"); n != 2 {
		t.Errorf("%d requests queued, want 2", n)
	}

	r = runBinary(t, h.env(t, "service-crit-problem.env"), "")
	if r.code != int(checkmk.ExitSent) {
		t.Fatalf("second run: exit code %d, want 0; output:\n%s", r.code, r.out)
	}
	if got, want := strings.Join(states(h), ","), "web01 WARNING,web01 CRITICAL"; got != want {
		t.Errorf("iLert received %q, want %q (the queued one first)", got, want)
	}
	var ao []string
	for _, a := range h.alertops.Alerts() {
		ao = append(ao, a.Alert.NotificationType)
	}
	if len(ao) != 2 {
		t.Errorf("AlertOps received %d alerts, want 2", len(ao))
	}
	if !strings.Contains(r.out, "delivered queued PROBLEM web01/Filesystem /var") {
		t.Errorf("output does not log the delivery of the queued request:\n%s", r.out)
	}
	if n := countFiles(t, h.spool, "pending/*/*.req"); n != 0 {
		t.Errorf("%d requests left queued, want 0", n)
	}
}

// TestFailures: each kind of failure ends as the table says.
func TestFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		failure  ilerttest.Failure
		count    int
		params   []string
		wantCode int
		wantLine string // prefix of the iLert result line
		failed   int    // requests moved to failed/
	}{
		{name: "500", failure: ilerttest.Failure{Status: 500}, count: 2,
			wantLine: "iLert: queued (500 Internal Server Error; 1 waiting"},
		{name: "timeout", failure: ilerttest.Failure{Status: 500, Delay: 5 * time.Second}, count: 2,
			params:   []string{"timeout=300ms"},
			wantLine: "iLert: queued (no answer within the time limit; 1 waiting"},
		{name: "connection reset", failure: ilerttest.Failure{Reset: true}, count: 2,
			wantLine: "iLert: queued (connection reset; 1 waiting"},
		{name: "rejected 400", failure: ilerttest.Failure{Status: 400, Code: "INVALID_INPUT", Message: "bad"}, count: 1,
			wantCode: int(checkmk.ExitPermanent), wantLine: "iLert: rejected (400 Bad Request: INVALID_INPUT, correlation-id ", failed: 1},
		{name: "rejected 401", failure: ilerttest.Failure{Status: 401}, count: 1,
			wantCode: int(checkmk.ExitPermanent), wantLine: "iLert: rejected (401 Unauthorized: invalid API key?, correlation-id ", failed: 1},
		{name: "spool off 503", failure: ilerttest.Failure{Status: 503}, count: directRetry.MaxAttempts,
			params:   []string{"spool=off"},
			wantCode: int(checkmk.ExitTemporary), wantLine: "iLert: not sent (503 Service Unavailable; not queued (spool=off))"},
		{name: "spool off 400", failure: ilerttest.Failure{Status: 400}, count: 1,
			params:   []string{"spool=off"},
			wantCode: int(checkmk.ExitPermanent), wantLine: "iLert: rejected (400 Bad Request, correlation-id "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.ilert.FailNext(tt.count, tt.failure)
			env := h.env(t, "service-crit-problem.env")
			for i, p := range tt.params {
				env = append(env, fmt.Sprintf("NOTIFY_PARAMETER_%d=%s", 3+i, p))
			}
			r := runBinary(t, env, "")
			if r.code != tt.wantCode {
				t.Errorf("exit code %d, want %d; output:\n%s", r.code, tt.wantCode, r.out)
			}
			if !strings.Contains(r.out, "\n"+tt.wantLine) && !strings.HasPrefix(r.out, tt.wantLine) {
				t.Errorf("output lacks a line starting %q:\n%s", tt.wantLine, r.out)
			}
			if !strings.HasPrefix(r.lastLines(1)[0], "AlertOps: sent (200") {
				t.Errorf("last line %q: AlertOps should be delivered whatever iLert does", r.lastLines(1)[0])
			}
			if n := countFiles(t, h.spool, "failed/*/*.req"); n != tt.failed {
				t.Errorf("%d requests in failed/, want %d", n, tt.failed)
			}
			if n := countFiles(t, h.spool, "failed/*/*.reason"); n != tt.failed {
				t.Errorf("%d reasons in failed/, want %d", n, tt.failed)
			}
			if moved := strings.Contains(r.out, ") — moved to failed/\n"); moved != (tt.failed > 0) {
				t.Errorf("output says moved to failed/: %t, want %t", moved, tt.failed > 0)
			}
			if tt.failed > 0 {
				reasons, _ := filepath.Glob(filepath.Join(h.spool, "failed", "*", "*.reason"))
				b, err := os.ReadFile(reasons[0])
				if err != nil {
					t.Fatal(err)
				}
				testutil.AssertNoSecret(t, "reason file", string(b), fixtureSecrets...)
				if !strings.Contains(string(b), "PROBLEM web01/Filesystem /var") {
					t.Errorf("reason %q does not say which notification it was", b)
				}
			}
		})
	}
}

// TestRateLimit: after a 429 nothing more goes to that key in this run, and later runs
// hold back (queueing) for at least 10 s.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.ilert.FailNext(1, ilerttest.Failure{Status: 429})
	stdin := readFixture(t, "bulk.txt")
	r := runBinary(t, h.baseEnv(), stdin, "--bulk")
	if r.code != int(checkmk.ExitSent) {
		t.Fatalf("exit code %d, want 0; output:\n%s", r.code, r.out)
	}
	if n := len(h.ilert.Requests()); n != 1 {
		t.Errorf("iLert got %d requests after a 429 in a bulk of 3, want 1", n)
	}
	if !strings.Contains(r.out, "iLert: 3 notifications: 3 queued; queued (429 Too Many Requests: rate limit of the integration key, held until ") {
		t.Errorf("output does not report the hold:\n%s", r.out)
	}
	r = runBinary(t, h.env(t, "service-crit-problem.env"), "")
	if r.code != int(checkmk.ExitSent) {
		t.Fatalf("second run: exit code %d, want 0; output:\n%s", r.code, r.out)
	}
	if n := len(h.ilert.Requests()); n != 1 {
		t.Errorf("a held destination was sent %d more requests", n-1)
	}
	if !strings.Contains(r.out, "iLert: queued (rate limited, held until ") {
		t.Errorf("second run does not say the destination is held:\n%s", r.out)
	}
	if n := countFiles(t, h.spool, "pending/ilert-*/*.req"); n != 4 {
		t.Errorf("%d iLert requests queued, want 4", n)
	}
	if n := len(h.alertops.Alerts()); n != 4 {
		t.Errorf("AlertOps received %d alerts, want 4 (its destination is not held)", n)
	}
}

// TestUnwritableQueue: without a usable queue the run sends directly; a temporary failure
// is then exit 1, a success still exit 0.
func TestUnwritableQueue(t *testing.T) {
	t.Parallel()
	for _, down := range []bool{false, true} {
		t.Run(fmt.Sprintf("down=%t", down), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			file := filepath.Join(t.TempDir(), "not-a-directory")
			if err := os.WriteFile(file, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(file, "spool")
			problem := "the queue " + dir + " is unusable (lstat " + dir + ": not a directory)"
			want, wantLine := int(checkmk.ExitSent), "iLert: sent (202, PROBLEM web01) — "+problem
			if down {
				h.ilert.FailNext(directRetry.MaxAttempts, ilerttest.Failure{Status: 503})
				want, wantLine = int(checkmk.ExitTemporary), "iLert: not sent (503 Service Unavailable; "+problem+")"
			}
			r := runBinary(t, h.env(t, "host-down-problem.env", envSpoolDir+"="+dir), "")
			if r.code != want {
				t.Errorf("exit code %d, want %d; output:\n%s", r.code, want, r.out)
			}
			if !strings.Contains(r.out, problem+"; sending without it") || !strings.Contains(r.out, wantLine) {
				t.Errorf("output lacks the queue warning or %q:\n%s", wantLine, r.out)
			}
		})
	}
}

// TestFlushOtherDestinations: a notification run also delivers what earlier runs queued for
// destinations it does not use itself.
func TestFlushOtherDestinations(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.ilert.FailNext(queuedRetry.MaxAttempts, ilerttest.Failure{Status: 502})
	iLertOnly := withoutEnv(h.env(t, "host-down-problem.env"), "NOTIFY_PARAMETER*")
	iLertOnly = append(iLertOnly, "NOTIFY_PARAMETER_1=ilert="+fixtureILertKey)
	if r := runBinary(t, iLertOnly, ""); r.code != int(checkmk.ExitSent) || !strings.Contains(r.out, "iLert: queued") {
		t.Fatalf("first run: exit %d; output:\n%s", r.code, r.out)
	}
	aopsOnly := withoutEnv(h.env(t, "host-up-recovery.env"), "NOTIFY_PARAMETER*")
	aopsOnly = append(aopsOnly, "NOTIFY_PARAMETER_1=alertops="+fixtureAlertOpsURL)
	r := runBinary(t, aopsOnly, "")
	if r.code != int(checkmk.ExitSent) {
		t.Fatalf("second run: exit %d; output:\n%s", r.code, r.out)
	}
	if n := len(h.ilert.CheckmkEvents()); n != 1 {
		t.Errorf("iLert received %d events, want the queued one", n)
	}
	if n := countFiles(t, h.spool, "pending/*/*.req"); n != 0 {
		t.Errorf("%d requests left queued", n)
	}
}

// gate is a reverse proxy in front of the fake iLert that lets a number of requests
// through and holds the next one until its client gives up, so that a test knows exactly
// how far a run got without timing it.
type gate struct {
	srv     *httptest.Server
	mu      sync.Mutex
	pass    int           // requests still let through; -1: all
	held    chan struct{} // closed when a request is held
	heldOne bool
	closing chan struct{} // closed when the test ends: held requests return
}

func newGate(t *testing.T, backend string) *gate {
	t.Helper()
	u, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(io.Discard, "", 0)
	g := &gate{pass: -1, held: make(chan struct{}), closing: make(chan struct{})}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		through := g.pass != 0
		if g.pass > 0 {
			g.pass--
		}
		if !through && !g.heldOne {
			g.heldOne = true
			close(g.held)
		}
		g.mu.Unlock()
		if !through {
			// Held until the client is gone (the server notices once the body is read)
			// or the test ends.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-g.closing:
			}
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(g.srv.Close)
	t.Cleanup(func() { close(g.closing) }) // runs first
	return g
}

// reset makes the gate signal held again for the next request it holds.
func (g *gate) reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.held, g.heldOne = make(chan struct{}), false
}

// heldChan is the channel closed when the gate holds a request (see reset).
func (g *gate) heldChan() chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held
}

// letThrough lets n more requests through and holds the one after them; n < 0 opens the
// gate.
func (g *gate) letThrough(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pass = n
}

// hostEnv is one distinct host notification for iLert only, sent through base.
func (h *harness) hostEnv(t *testing.T, host, base string) []string {
	env := withoutEnv(h.env(t, "host-down-problem.env"), "NOTIFY_PARAMETER*")
	return append(setEnv(setEnv(env, "NOTIFY_HOSTNAME", host), envILertURL, base), "NOTIFY_PARAMETER_1=ilert="+fixtureILertKey)
}

// TestKilledDuringFlush: a flush killed with SIGKILL while delivering loses nothing; a later
// flush (or the retrier, which is on: the runs make sure of one) delivers the rest (at
// worst the request in flight twice), in order.
func TestKilledDuringFlush(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	watchRetriers(t, h.spool)
	front := newGate(t, h.ilert.URL())
	const n = 12
	// Fill the queue: the first run is rate limited, which holds the destination, so the
	// following runs only queue.
	h.ilert.FailNext(1, ilerttest.Failure{Status: 429})
	for i := range n {
		env := withRetrier(h.hostEnv(t, fmt.Sprintf("host%02d", i), front.srv.URL), "")
		if r := runBinary(t, env, ""); r.code != int(checkmk.ExitSent) {
			t.Fatalf("run %d: exit %d; output:\n%s", i, r.code, r.out)
		}
	}
	if got := countFiles(t, h.spool, "pending/*/*.req"); got != n {
		t.Fatalf("%d requests queued, want %d", got, n)
	}
	holds, _ := filepath.Glob(filepath.Join(h.spool, "pending", "*", "hold"))
	for _, f := range holds {
		os.Remove(f) // end the hold instead of waiting 10 s
	}

	// Three requests reach iLert; the flush is killed while the fourth is in flight.
	front.letThrough(3)
	cmd := exec.Command(binary, "flush")
	cmd.Env = h.baseEnv()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-front.held:
	case <-time.After(time.Minute): // a safety net, not a synchronisation
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the flush never sent its fourth request")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err) // (done: the retrier was delivering, and the flush found it busy)
	}
	_ = cmd.Wait()
	before := len(h.ilert.CheckmkEvents())
	if before != 3 {
		t.Fatalf("killed after %d deliveries; the test wants the kill in the middle, after 3", before)
	}

	front.letThrough(-1)
	r := runBinary(t, h.baseEnv(), "", "flush")
	if r.code != int(checkmk.ExitSent) {
		t.Fatalf("flush after the kill: exit %d; output:\n%s", r.code, r.out)
	}
	// The retrier may hold the destination meanwhile (the flush then finds it busy): wait
	// until it is done and gone.
	if !waitFor(2*time.Minute, func() bool { return countFiles(t, h.spool, "pending/*/*.req") == 0 }) || !waitNoRetrier(t, h.spool, time.Minute) {
		t.Fatalf("%d requests still queued, %d retriers", countFiles(t, h.spool, "pending/*/*.req"), len(retrierProcs(t, h.spool)))
	}
	order, _ := hostDeliveries(h.ilert.CheckmkEvents())
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("host%02d", i))
	}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("delivered %v, want every host once, in order %v", order, want)
	}
	if total := len(h.ilert.CheckmkEvents()); total > n+1 {
		t.Errorf("%d deliveries for %d requests: more than the one in flight was repeated", total, n)
	}
	if got := countFiles(t, h.spool, "pending/*/*.req"); got != 0 {
		t.Errorf("%d requests left queued", got)
	}
}

// TestConcurrentRuns: 20 notifications at once, as Checkmk may start them, with the
// retrier on (runs that find another delivering make sure of one), are each delivered
// exactly once, never with more than one retrier at a time, which exits afterwards.
func TestConcurrentRuns(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	watchRetriers(t, h.spool)
	const n = 20
	var wg sync.WaitGroup
	results := make([]runResult, n)
	for i := range n {
		env := withRetrier(setEnv(h.env(t, "host-down-problem.env"), "NOTIFY_HOSTNAME", fmt.Sprintf("host%02d", i)), fastSchedule)
		wg.Go(func() { results[i] = runBinary(t, env, "") })
	}
	wg.Wait()
	if !waitNoRetrier(t, h.spool, time.Minute) {
		t.Errorf("a retrier is still running")
	}
	checkOneRetrierAtATime(t, filepath.Join(h.spool, queueLogName))
	for i, r := range results {
		if r.code != int(checkmk.ExitSent) {
			t.Errorf("run %d: exit %d; output:\n%s", i, r.code, r.out)
		}
	}
	_, seen := hostDeliveries(h.ilert.CheckmkEvents())
	aops := map[string]int{}
	for _, a := range h.alertops.Alerts() {
		aops[a.Alert.Host]++
	}
	for i := range n {
		host := fmt.Sprintf("host%02d", i)
		if seen[host] != 1 || aops[host] != 1 {
			t.Errorf("%s delivered %d times to iLert and %d times to AlertOps, want once each", host, seen[host], aops[host])
		}
	}
	if got := countFiles(t, h.spool, "pending/*/*.req"); got != 0 {
		t.Errorf("%d requests left queued", got)
	}
}

// TestBudget: when the run's time budget ends while a destination hangs, every request is
// still queued (none lost), the run ends with exit 0, and a later flush delivers them.
func TestBudget(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.ilert.FailNext(1, ilerttest.Failure{Status: 500, Delay: 10 * time.Second})
	env := append(h.env(t, "service-crit-problem.env"), "NOTIFY_PARAMETER_3=budget=1s")
	r := runBinary(t, env, "")
	if r.code != int(checkmk.ExitSent) {
		t.Fatalf("exit %d, want 0; output:\n%s", r.code, r.out)
	}
	want := []string{
		"iLert: queued (no answer within the time limit; time budget of the run used up; 1 waiting, retried on the next run or by flush)",
		"AlertOps: queued (time budget of the run used up; 1 waiting, retried on the next run or by flush)",
	}
	if got := r.lastLines(2); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("last lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r := runBinary(t, h.baseEnv(), "", "flush"); r.code != int(checkmk.ExitSent) {
		t.Fatalf("flush: exit %d; output:\n%s", r.code, r.out)
	}
	if len(h.ilert.CheckmkEvents()) != 1 || len(h.alertops.Alerts()) != 1 {
		t.Errorf("after the flush: %d iLert events, %d AlertOps alerts; want 1 each", len(h.ilert.CheckmkEvents()), len(h.alertops.Alerts()))
	}
}

// TestProxyCredentials: a proxy URL's password never shows, even when the proxy fails.
func TestProxyCredentials(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // nothing listens there any more
	const password = "pr0xyPassw0rd"
	proxy := "http://alice:" + password + "@" + strings.TrimPrefix(closed.URL, "http://")
	env := append(h.env(t, "host-down-problem.env", envILertURL+"=http://api.ilert.invalid"),
		"NOTIFY_PARAMETER_3=proxy="+proxy, "NOTIFY_PARAMETER_4=spool=off")
	for _, args := range [][]string{nil, {"--dry-run"}} {
		r := runBinary(t, env, "", args...)
		testutil.AssertNoSecret(t, "output", r.out, password, "alice:")
		if args == nil && (r.code != int(checkmk.ExitTemporary) || !strings.Contains(r.out, "iLert: not sent (")) {
			t.Errorf("exit %d, want 1; output:\n%s", r.code, r.out)
		}
	}
}

// TestSharedQueueDirectory: the webhook relay may queue into the same directory; the
// notifier's flush leaves the relay's destinations alone, and a queued request it cannot
// read (a format version from the future) moves to failed/ with the reason, not lost.
func TestSharedQueueDirectory(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	q, err := spool.Open(context.Background(), h.spool)
	if err != nil {
		t.Fatal(err)
	}
	relayReq, err := delivery.ILert(ilert.Event{IntegrationKey: fixtureILertKey, EventType: ilert.EventTypeAlert,
		Summary: "from the relay", AlertKey: "healthchecks/1"}).Encode()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mine := target{sink: delivery.SinkILertCheckmk, key: fixtureILertKey}.spoolName()
	for dest, payload := range map[string][]byte{
		"ilert":    relayReq,
		"alertops": []byte(`{"v":1,"sink":"alertops"}`),
		mine:       []byte(`{"v":4,"sink":"ilert-checkmk"}`),
	} {
		if _, err := q.Enqueue(ctx, dest, payload); err != nil {
			t.Fatal(err)
		}
	}
	r := runBinary(t, h.baseEnv(), "", "flush")
	if r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "unsupported version 4") {
		t.Errorf("flush: exit %d, want 2 naming the version; output:\n%s", r.code, r.out)
	}
	for _, dest := range []string{"ilert", "alertops"} {
		if n := countFiles(t, h.spool, filepath.Join("pending", dest, "*.req")); n != 1 {
			t.Errorf("the relay's %s queue holds %d requests after the notifier's flush, want 1", dest, n)
		}
	}
	reasons, _ := filepath.Glob(filepath.Join(h.spool, "failed", mine, "*.reason"))
	if len(reasons) != 1 {
		t.Fatalf("%d reasons in failed/%s, want 1", len(reasons), mine)
	}
	if b, err := os.ReadFile(reasons[0]); err != nil || !strings.Contains(string(b), "unsupported version 4") {
		t.Errorf("reason %q (%v), want it to name the version", b, err)
	}
	if n := len(h.ilert.Requests()) + len(h.alertops.Requests()); n != 0 {
		t.Errorf("the flush sent %d requests", n)
	}
}

func TestOwnQueue(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		target{sink: delivery.SinkILertNagios, key: "k"}.spoolName():     true,
		target{sink: delivery.SinkAlertOps, webhookURL: "u"}.spoolName(): true,
		"ilert": false, "alertops": false, "ilert-main": false, "ilert-0123456789AB": false,
		"alertops-0123456789abc": false, "pagerduty-0123456789ab": false,
	} {
		if got := ownQueue(name); got != want {
			t.Errorf("ownQueue(%q) = %t, want %t", name, got, want)
		}
	}
}
