package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// iLertOnly is a fixture's environment with the iLert key as the rule's only parameter
// (and more parameters, if given).
func (h *harness) iLertOnly(t *testing.T, fixture string, params ...string) []string {
	t.Helper()
	env := withoutEnv(h.env(t, fixture), "NOTIFY_PARAMETER*")
	env = append(env, "NOTIFY_PARAMETER_1=ilert="+fixtureILertKey)
	for i, p := range params {
		env = append(env, fmt.Sprintf("NOTIFY_PARAMETER_%d=%s", i+2, p))
	}
	return env
}

// waitFor polls cond until it holds, at most for limit (a safety net for a stuck test,
// not a measurement), and reports whether it held.
func waitFor(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// types returns the notification types iLert received on its checkmk-ext endpoint, in order.
func types(h *harness) []string {
	var s []string
	for _, e := range h.ilert.CheckmkEvents() {
		s = append(s, e.Context["NOTIFICATIONTYPE"])
	}
	return s
}

// TestOutageThenRecoveryWithoutCron is issue 11's done-when: iLert is down while a host
// goes DOWN, is acknowledged and recovers; each notification run, as Checkmk runs it,
// queues its request and ends at once ("retrying in the background"). iLert answers again
// right after the runs, and with no other run and no cron the PROBLEM, ACKNOWLEDGEMENT and
// RECOVERY arrive, in order, from the retrier the first run started, on the production
// schedule (its first try after 5 s; TestRetrySchedule shows that tries are never more
// than 60 s apart). The retrier is detached (its own session, /dev/null for its standard
// streams, no NOTIFY_* variables), logs what it does without secrets, and exits once
// nothing waits.
func TestOutageThenRecoveryWithoutCron(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	watchRetriers(t, h.spool)
	h.ilert.FailNext(3*queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503}) // every try of the three runs
	for i, fixture := range []string{"host-down-problem.env", "host-ack.env", "host-up-recovery.env"} {
		r := runBinary(t, withRetrier(h.iLertOnly(t, fixture), ""), "")
		want := fmt.Sprintf("iLert: queued (503 Service Unavailable; %d waiting, retrying in the background)", i+1)
		if r.code != int(checkmk.ExitSent) || r.lastLines(1)[0] != want {
			t.Fatalf("run %d: exit %d, last line %q, want 0 and %q; output:\n%s", i+1, r.code, r.lastLines(1)[0], want, r.out)
		}
		procs := retrierProcs(t, h.spool)
		if len(procs) != 1 {
			t.Fatalf("after run %d: %d retriers for the queue, want exactly 1", i+1, len(procs))
		}
		if i == 0 {
			checkDetached(t, procs[0].pid, procs[0].sid)
		}
	}
	if !waitFor(2*time.Minute, func() bool { return len(h.ilert.CheckmkEvents()) >= 3 }) {
		t.Fatalf("the retrier delivered %d of 3 notifications", len(h.ilert.CheckmkEvents()))
	}
	if got, want := strings.Join(types(h), ","), "PROBLEM,ACKNOWLEDGEMENT,RECOVERY"; got != want {
		t.Errorf("iLert received %s, want %s", got, want)
	}
	if !waitNoRetrier(t, h.spool, time.Minute) {
		t.Fatalf("the retrier did not exit once nothing was waiting")
	}
	if n := countFiles(t, h.spool, "pending/*/*.req"); n != 0 {
		t.Errorf("%d requests left queued", n)
	}
	logFile := filepath.Join(h.spool, queueLogName)
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	testutil.AssertNoSecret(t, "retrier log", string(b), fixtureSecrets...)
	for _, want := range []string{"checkmk-notify retrier[", "]: started (pid ", "delivered queued PROBLEM web01", "delivered queued RECOVERY web01",
		"3 delivered, nothing waiting", "nothing waiting; exiting"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("retrier log lacks %q:\n%s", want, b)
		}
	}
	if fi, err := os.Stat(logFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("retrier log: %v, want mode 0600", describe(fi, err))
	}
}

// checkDetached checks that the retrier pid runs in its own session with /dev/null as
// standard input, output and error, and without the notification's variables.
func checkDetached(t *testing.T, pid, sid int) {
	t.Helper()
	if sid != pid {
		t.Errorf("retrier %d is in session %d, want its own", pid, sid)
	}
	for fd := range 3 {
		link, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "fd", strconv.Itoa(fd)))
		if err != nil || link != os.DevNull {
			t.Errorf("retrier's fd %d is %q (%v), want %s", fd, link, err, os.DevNull)
		}
	}
	environ, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "environ"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(environ), "NOTIFY_") {
		t.Errorf("the retrier's environment holds NOTIFY_ variables")
	}
	testutil.AssertNoSecret(t, "retrier environment", string(environ), fixtureSecrets...)
}

// TestRetrierOff: retrier=off (the rule), --no-retrier and ALERTBRIDGE_RETRIER=off start
// no retrier, and the result line says who retries instead.
func TestRetrierOff(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		params []string
		args   []string
		env    []string
	}{
		{name: "retrier=off", params: []string{"retrier=off"}},
		{name: "--no-retrier", args: []string{"--no-retrier"}},
		{name: "ALERTBRIDGE_RETRIER=off", env: []string{envRetrier + "=off"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			watchRetriers(t, h.spool)
			h.ilert.FailNext(queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503})
			env := append(withRetrier(h.iLertOnly(t, "host-down-problem.env", tt.params...), fastSchedule), tt.env...)
			r := runBinary(t, env, "", tt.args...)
			if want := "iLert: queued (503 Service Unavailable; 1 waiting, retried on the next run or by flush)"; r.code != 0 || r.lastLines(1)[0] != want {
				t.Errorf("exit %d, last line %q, want %q", r.code, r.lastLines(1)[0], want)
			}
			if p := retrierProcs(t, h.spool); len(p) != 0 {
				t.Errorf("%d retrier(s) started", len(p))
			}
			if _, err := os.Stat(filepath.Join(h.spool, "retrier.lock")); !os.IsNotExist(err) {
				t.Errorf("the run probed the retrier lock (%v)", err)
			}
		})
	}
}

// TestFlushStartsARetrier: a flush that leaves requests waiting makes sure a retrier runs
// (flush --no-retrier, for cron, does not).
func TestFlushStartsARetrier(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	watchRetriers(t, h.spool)
	h.ilert.FailNext(3*queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503}) // the run and both flushes
	runBinary(t, h.iLertOnly(t, "host-down-problem.env"), "")                   // retrier off: queued only
	r := runBinary(t, withRetrier(h.baseEnv(), fastSchedule), "", "flush", "--no-retrier")
	if r.code != int(checkmk.ExitTemporary) || len(retrierProcs(t, h.spool)) != 0 {
		t.Fatalf("flush --no-retrier: exit %d, %d retriers; output:\n%s", r.code, len(retrierProcs(t, h.spool)), r.out)
	}
	r = runBinary(t, withRetrier(h.baseEnv(), fastSchedule), "", "flush")
	if r.code != int(checkmk.ExitTemporary) || !strings.Contains(r.out, "1 waiting; started a retrier, which retries in the background") {
		t.Fatalf("flush: exit %d; output:\n%s", r.code, r.out)
	}
	if !waitFor(time.Minute, func() bool { return len(h.ilert.CheckmkEvents()) == 1 }) || !waitNoRetrier(t, h.spool, time.Minute) {
		t.Errorf("the flush's retrier did not deliver and exit: %d events, %d retriers", len(h.ilert.CheckmkEvents()), len(retrierProcs(t, h.spool)))
	}
}

// TestBusyFlusherThatDiesStillDelivers (issue 11 §3): a run that finds another flusher
// delivering the destination relies on it; when that flusher is killed, or stops at its
// time budget, the retrier the run made sure of delivers the request all the same.
func TestBusyFlusherThatDiesStillDelivers(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"killed", "out of budget"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			watchRetriers(t, h.spool)
			front := newGate(t, h.ilert.URL())
			front.letThrough(0) // hold the first request
			// The first run's flush holds the destination while its request hangs.
			args := []string{}
			if how == "out of budget" {
				args = []string{"--budget", "2s"}
			}
			first := exec.Command(binary, args...)
			first.Env = setEnv(h.hostEnv(t, "host00", front.srv.URL), envRetrier, "off")
			if err := first.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = first.Process.Kill(); _ = first.Wait() }()
			select {
			case <-front.held:
			case <-time.After(time.Minute): // a safety net, not a synchronisation
				t.Fatal("the first run never sent its request")
			}
			// The second run queues behind it and finds the flush busy.
			r := runBinary(t, withRetrier(h.hostEnv(t, "host01", front.srv.URL), fastSchedule), "")
			if want := "iLert: queued (another run is delivering; retrying in the background)"; r.code != 0 || r.lastLines(1)[0] != want {
				t.Fatalf("second run: exit %d, last line %q, want %q", r.code, r.lastLines(1)[0], want)
			}
			front.letThrough(-1)
			if how == "killed" {
				_ = first.Process.Signal(syscall.SIGKILL)
			}
			_ = first.Wait()
			if !waitFor(time.Minute, func() bool { return len(h.ilert.CheckmkEvents()) >= 2 }) {
				t.Fatalf("delivered %d of 2 after the flusher %s", len(h.ilert.CheckmkEvents()), how)
			}
			var hosts []string
			for _, e := range h.ilert.CheckmkEvents() {
				hosts = append(hosts, e.Context["HOSTNAME"])
			}
			if got := strings.Join(hosts, ","); got != "host00,host01" {
				t.Errorf("delivered %s, want host00,host01 in order, each once", got)
			}
			if !waitNoRetrier(t, h.spool, time.Minute) {
				t.Errorf("the retrier did not exit")
			}
		})
	}
}

// windowLimiter is a reverse proxy in front of the fake iLert that behaves like iLert's
// rate limit: at most n requests per integration key in fixed windows of per (aligned to
// the Unix epoch, as a clock on the wall), a 429 without Retry-After beyond.
type windowLimiter struct {
	srv     *httptest.Server
	mu      sync.Mutex
	n       int
	per     time.Duration
	counts  map[string]int // key and window → requests
	limited int            // 429s answered
}

func newWindowLimiter(t *testing.T, backend string, n int, per time.Duration) *windowLimiter {
	t.Helper()
	u, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	l := &windowLimiter{n: n, per: per, counts: map[string]int{}}
	l.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		window := time.Now().UnixNano() / int64(l.per)
		l.mu.Lock()
		id := key + "/" + strconv.FormatInt(window, 10)
		l.counts[id]++
		over := l.counts[id] > l.n
		if over {
			l.limited++
		}
		l.mu.Unlock()
		if over {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"status":429,"message":"Too many requests","code":"RATE_LIMIT_EXCEEDED"}`)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(l.srv.Close)
	return l
}

// TestStormIsPacedWithoutA429 is issue 11 §2's storm: three times the budget of
// notifications to one key (ilert_rate=5/2s) against a fake that answers 429 beyond 5 per
// fixed 2-second window, as iLert does per minute. Every run ends at once, the first five
// sent and the rest "queued (paced: …)"; the runs and the retrier deliver them all, in
// order, and iLert never answers 429.
func TestStormIsPacedWithoutA429(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	watchRetriers(t, h.spool)
	limiter := newWindowLimiter(t, h.ilert.URL(), 5, 2*time.Second)
	const n = 15
	paced := 0
	for i := range n {
		env := withRetrier(h.hostEnv(t, fmt.Sprintf("host%02d", i), limiter.srv.URL), fastSchedule)
		env = append(env, "NOTIFY_PARAMETER_2=ilert_rate=5/2s")
		r := runBinary(t, env, "")
		last := r.lastLines(1)[0]
		switch {
		case r.code != 0:
			t.Fatalf("run %d: exit %d; output:\n%s", i, r.code, r.out)
		case strings.HasPrefix(last, "iLert: queued (paced: at most 5 per 2s per alert source (ilert_rate=5/2s); ") &&
			strings.HasSuffix(last, " waiting, retrying in the background)"):
			paced++
		case i < 5 && strings.HasPrefix(last, "iLert: sent (202, PROBLEM host"):
		case i >= 5 && strings.HasPrefix(last, "iLert: sent (202, PROBLEM host") && paced == 0:
			t.Fatalf("run %d sent at once: the budget of 5 was not kept", i)
		default:
			if !strings.HasPrefix(last, "iLert: sent (202") {
				t.Errorf("run %d: last line %q", i, last)
			}
		}
	}
	if paced == 0 {
		t.Fatalf("no run said it was paced")
	}
	if !waitFor(2*time.Minute, func() bool { return len(h.ilert.CheckmkEvents()) >= n }) {
		t.Fatalf("%d of %d delivered", len(h.ilert.CheckmkEvents()), n)
	}
	var got, want []string
	for i, e := range h.ilert.CheckmkEvents() {
		got = append(got, e.Context["HOSTNAME"])
		want = append(want, fmt.Sprintf("host%02d", i))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("delivered %v, want %v: all, in order, each once", got, want)
	}
	limiter.mu.Lock()
	limited := limiter.limited
	limiter.mu.Unlock()
	if limited != 0 {
		t.Errorf("the fake answered %d requests with 429", limited)
	}
	if !waitNoRetrier(t, h.spool, time.Minute) {
		t.Errorf("the retrier did not exit")
	}
}

// TestRetrierKilledDuringFlush: a retrier killed with SIGKILL while it delivers loses
// nothing and reorders nothing: the next run delivers the rest (at worst the request in
// flight twice), in order.
func TestRetrierKilledDuringFlush(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	watchRetriers(t, h.spool)
	front := newGate(t, h.ilert.URL())
	const n = 5
	front.letThrough(0) // every try of the runs hangs until the run's time budget ends: all queue
	for i := range n {
		env := append(h.hostEnv(t, fmt.Sprintf("host%02d", i), front.srv.URL), "NOTIFY_PARAMETER_2=budget=1s", "NOTIFY_PARAMETER_3=timeout=300ms")
		if r := runBinary(t, env, ""); r.code != 0 {
			t.Fatalf("run %d: exit %d; output:\n%s", i, r.code, r.out)
		}
	}
	if got := countFiles(t, h.spool, "pending/*/*.req"); got != n {
		t.Fatalf("%d requests queued, want %d", got, n)
	}
	// A flush delivers three and leaves the rest to the retrier it starts.
	front.letThrough(3)
	r := runBinary(t, withRetrier(h.baseEnv(), fastSchedule), "", "flush", "--budget", "1s", "--timeout", "300ms")
	if !strings.Contains(r.out, "started a retrier") {
		t.Fatalf("the flush started no retrier; output:\n%s", r.out)
	}
	// The retrier's first request hangs; the retrier is killed in the middle of its flush.
	front.reset()
	select {
	case <-front.heldChan():
	case <-time.After(time.Minute): // a safety net, not a synchronisation
		t.Fatal("the retrier never sent its request")
	}
	procs := retrierProcs(t, h.spool)
	if len(procs) != 1 {
		t.Fatalf("%d retriers, want 1", len(procs))
	}
	if err := syscall.Kill(-procs[0].sid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if !waitNoRetrier(t, h.spool, time.Minute) {
		t.Fatal("the killed retrier is still running")
	}
	front.letThrough(-1)
	r = runBinary(t, withRetrier(h.hostEnv(t, fmt.Sprintf("host%02d", n), front.srv.URL), fastSchedule), "")
	if r.code != 0 {
		t.Fatalf("last run: exit %d; output:\n%s", r.code, r.out)
	}
	if !waitFor(time.Minute, func() bool { return countFiles(t, h.spool, "pending/*/*.req") == 0 }) {
		t.Fatalf("%d requests left queued", countFiles(t, h.spool, "pending/*/*.req"))
	}
	order, _ := hostDeliveries(h.ilert.CheckmkEvents())
	var want []string
	for i := range n + 1 {
		want = append(want, fmt.Sprintf("host%02d", i))
	}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("delivered %v, want every host, in order %v", order, want)
	}
	if total := len(h.ilert.CheckmkEvents()); total > n+2 {
		t.Errorf("%d deliveries for %d requests: more than the one in flight was repeated", total, n+1)
	}
	if !waitNoRetrier(t, h.spool, time.Minute) {
		t.Errorf("a retrier is still running")
	}
}

// TestKilledRunsWithTheRetrier: notification runs killed with SIGKILL at any point
// (while they enqueue, flush or start the retrier), at once and with iLert failing at
// first, lose no acknowledged notification: every run that ended with exit 0 is
// delivered (the retrier finishes what the runs left), nothing is delivered more than
// once per kill, nothing stays queued and no retrier is left.
func TestKilledRunsWithTheRetrier(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	watchRetriers(t, h.spool)
	h.ilert.FailNext(10, ilerttest.Failure{Status: 503})
	const n = 16
	rnd := rand.New(rand.NewPCG(11, 3)) // the same kill delays every time
	type outcome struct {
		host   string
		killed bool
		code   int
	}
	outcomes := make([]outcome, n)
	var wg sync.WaitGroup
	for i := range n {
		host := fmt.Sprintf("host%02d", i)
		delay := time.Duration(rnd.IntN(40)) * time.Millisecond
		kill := i%2 == 1
		wg.Go(func() {
			cmd := exec.Command(binary)
			cmd.Env = withRetrier(h.hostEnv(t, host, h.ilert.URL()), fastSchedule)
			if err := cmd.Start(); err != nil {
				t.Error(err)
				return
			}
			if kill {
				time.Sleep(delay)
				_ = cmd.Process.Signal(syscall.SIGKILL)
			}
			err := cmd.Wait()
			o := outcome{host: host, killed: kill}
			if ee, ok := err.(*exec.ExitError); ok {
				o.code = ee.ExitCode()
			}
			outcomes[i] = o
		})
	}
	wg.Wait()
	if !waitFor(2*time.Minute, func() bool {
		return countFiles(t, h.spool, "pending/*/*.req") == 0 && len(retrierProcs(t, h.spool)) == 0
	}) {
		t.Fatalf("%d requests still queued, %d retriers running", countFiles(t, h.spool, "pending/*/*.req"), len(retrierProcs(t, h.spool)))
	}
	_, delivered := hostDeliveries(h.ilert.CheckmkEvents())
	kills := 0
	for _, o := range outcomes {
		if o.killed {
			kills++
			continue
		}
		if o.code != 0 || delivered[o.host] == 0 {
			t.Errorf("%s: exit %d, delivered %d times; want exit 0 and delivered", o.host, o.code, delivered[o.host])
		}
	}
	extra := 0
	for host, times := range delivered {
		if times > 1 {
			extra += times - 1
			t.Logf("%s delivered %d times", host, times)
		}
	}
	if extra > kills {
		t.Errorf("%d duplicate deliveries for %d kills", extra, kills)
	}
	if n := countFiles(t, h.spool, "failed/*/*.req"); n != 0 {
		t.Errorf("%d requests in failed/: a kill damaged a request", n)
	}
}

// TestRetrierResidentMemory (issue 11 §4): a retrier that waits (iLert down, its next try
// far off) stays under 15 MB resident, read as VmRSS from /proc; while nothing waits no
// retrier runs at all (TestOutageThenRecoveryWithoutCron: it exits).
func TestRetrierResidentMemory(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	watchRetriers(t, h.spool)
	h.ilert.FailNext(1000, ilerttest.Failure{Status: 503})
	r := runBinary(t, withRetrier(h.iLertOnly(t, "service-crit-problem.env"), "100ms,1h"), "")
	if !strings.Contains(r.out, "retrying in the background") {
		t.Fatalf("no retrier; output:\n%s", r.out)
	}
	logFile := filepath.Join(h.spool, queueLogName)
	if !waitFor(time.Minute, func() bool {
		b, _ := os.ReadFile(logFile)
		return strings.Contains(string(b), "next try in 1h0m0s")
	}) {
		t.Fatal("the retrier never came to wait")
	}
	procs := retrierProcs(t, h.spool)
	if len(procs) != 1 {
		t.Fatalf("%d retriers", len(procs))
	}
	status, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(procs[0].pid), "status"))
	if err != nil {
		t.Fatal(err)
	}
	var rssKB int
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			rssKB, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	t.Logf("a waiting retrier: VmRSS %.1f MB", float64(rssKB)/1024)
	if rssKB == 0 || rssKB > 15<<10 {
		t.Errorf("a waiting retrier has VmRSS %d kB, want under 15 MB", rssKB)
	}
}

// TestHandOffWaitIsBoundedInARun (issue 11 §3): when the destination's seq lock is held
// (by a process stopped while it held it) at the moment a run's flush hands off, the run
// does not wait for it without end: it ends with its time budget, its request delivered.
func TestHandOffWaitIsBoundedInARun(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// A proxy that lets iLert take the request, then holds the answer until the test has
	// taken the seq lock.
	u, err := url.Parse(h.ilert.URL())
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	arrived, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		rp.ServeHTTP(rec, r)
		once.Do(func() { close(arrived); <-release })
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	defer front.Close()
	done := make(chan runResult, 1)
	go func() {
		done <- runBinary(t, append(h.hostEnv(t, "host00", front.URL), "NOTIFY_PARAMETER_2=budget=2s"), "")
	}()
	select {
	case <-arrived:
	case <-time.After(time.Minute): // a safety net, not a synchronisation
		t.Fatal("the run never sent its request")
	}
	dest := target{sink: delivery.SinkILertCheckmk, key: fixtureILertKey}.spoolName()
	seq, err := os.OpenFile(filepath.Join(h.spool, "pending", dest, "seq"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	if err := syscall.Flock(int(seq.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	close(release)
	var r runResult
	select {
	case r = <-done:
	case <-time.After(time.Minute): // the run hangs in the hand-off
		_ = syscall.Flock(int(seq.Fd()), syscall.LOCK_UN)
		t.Fatal("the run waits for the seq lock without end")
	}
	if r.code != 0 || r.lastLines(1)[0] != "iLert: sent (202, PROBLEM host00)" {
		t.Errorf("exit %d; output:\n%s", r.code, r.out)
	}
	if n := len(h.ilert.CheckmkEvents()); n != 1 {
		t.Errorf("iLert received %d events, want the run's one", n)
	}
}
