package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/alertbridge/alertbridge/internal/httpx"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// The retrier is a background checkmk-notify process, one per queue directory, that
// delivers what notification runs and flushes left waiting, so that a queued alert
// reaches its destination without cron and without a further notification:
//
//	checkmk-notify retrier --spool-dir DIR     (hidden: runs and flush start it)
//
// A run (or flush) that ends with requests waiting probes the queue's retrier lock and,
// when it can take it, starts the retrier detached: its own session, standard streams on
// /dev/null (Checkmk reads the script's output until end of file, so the run ends as fast
// as without it), the environment without the NOTIFY_* variables. The retrier takes the
// lock for as long as it runs, retries each waiting destination on retrySchedule (honouring
// holds and the queue's pacing, whose next slot it wakes for), shares the queue's locks
// with runs and flush (so it never delivers out of order), and exits as soon as nothing
// waits. It logs one line per action to the alertbridge log (see appLogPath).
const (
	retrierMode = "retrier"
	retrierLock = "retrier" // <queue dir>/retrier.lock
)

// retrySchedule is how long the retrier waits before each try of a destination that is
// waiting: 5 s after it first sees it, then 15 s, 30 s and every 60 s after each failed
// try (a try that delivered something starts again at 5 s). A hold after a 429 or the
// pacing of an iLert key may make it wait longer, never shorter.
var retrySchedule = []time.Duration{5 * time.Second, 15 * time.Second, 30 * time.Second, 60 * time.Second}

// retrierFlushBudget bounds one flush of the retrier (each request has its own time limit
// as well): a long backlog is delivered in several flushes, one destination not starving
// the others.
const retrierFlushBudget = 60 * time.Second

// retrierState says who delivers what a run left waiting, for its result lines.
type retrierState string

const (
	retrierNone    retrierState = ""        // nothing was left waiting
	retrierOff     retrierState = "off"     // retrier=off, --no-retrier or ALERTBRIDGE_RETRIER=off
	retrierStarted retrierState = "started" // this run started one
	retrierRunning retrierState = "running" // one was running already
	retrierFailed  retrierState = "failed"  // none could be started (logged)
)

// Valid reports whether s is one of the states above.
func (s retrierState) Valid() bool {
	switch s {
	case retrierNone, retrierOff, retrierStarted, retrierRunning, retrierFailed:
		return true
	}
	return false
}

// background reports whether a retrier delivers what waits.
func (s retrierState) background() bool { return s == retrierStarted || s == retrierRunning }

// ensureRetrier makes sure that a retrier runs for q when enabled: it probes the retrier
// lock and, if it gets it, lets go and starts one (a retrier that started while the probe
// held the lock has exited: see spool.Queue.TryLock). It never waits for the retrier.
func ensureRetrier(ctx context.Context, q runQueue, env *environment, log *logger, enabled bool) retrierState {
	if !enabled || env.executable == "" {
		return retrierOff
	}
	lock, err := q.TryLock(ctx, retrierLock)
	if errors.Is(err, spool.ErrLocked) {
		return retrierRunning
	}
	if err != nil {
		log.warnf("retrier: %v", err)
		return retrierFailed
	}
	lock.Close()
	cmd := exec.Command(env.executable, retrierMode, "--spool-dir", q.Dir())
	cmd.Env = retrierEnviron(env.environ)
	cmd.Dir = "/"
	// Its own session, and /dev/null for standard input, output and error (nil streams):
	// nothing of Checkmk's pipe is inherited.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		log.warnf("retrier: cannot start %s: %v", env.executable, err)
		return retrierFailed
	}
	_ = cmd.Process.Release()
	return retrierStarted
}

// retrierEnviron is the retrier's environment: the run's without the notification (the
// NOTIFY_* variables, which may hold a rule's secrets and which it does not need).
func retrierEnviron(vars []string) []string {
	out := make([]string, 0, len(vars))
	for _, v := range vars {
		if !strings.HasPrefix(v, "NOTIFY_") {
			out = append(out, v)
		}
	}
	return out
}

// runRetrier is the retrier process (see the top of this file).
func runRetrier(ctx context.Context, o options, env *environment) checkmk.ExitCode {
	if o.spoolDir == "" {
		fmt.Fprintln(env.stderr, "checkmk-notify retrier: --spool-dir is required")
		return checkmk.ExitPermanent
	}
	q, err := spool.Open(ctx, o.spoolDir)
	if err != nil {
		fmt.Fprintf(env.stderr, "checkmk-notify retrier: %v\n", err)
		return checkmk.ExitPermanent
	}
	log := newFileLogger(env, q.Dir(), retrierMode)
	defer log.close()
	schedule, err := scheduleFrom(env.getenv(envRetrierSchedule))
	if err != nil {
		log.warnf("%s: %v; using the default schedule", envRetrierSchedule, err)
		schedule = retrySchedule
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer stop()
	if v := env.getenv(envRetrierLifetime); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeoutCause(ctx, d, errors.New("its lifetime ended"))
			defer cancel()
		}
	}
	s := newSender(o.timeout, queuedRetry)
	rt := &retrier{q: q, dir: q.Dir(), log: log, schedule: schedule, budget: retrierFlushBudget,
		now: time.Now, sleep: httpx.SleepContext,
		deliver: func(display string) spool.DeliverFunc { return deliverFunc(s, log, display, nil) }}
	return rt.run(ctx)
}

// scheduleFrom reads a schedule: durations separated by commas ("" is retrySchedule).
func scheduleFrom(v string) ([]time.Duration, error) {
	if v == "" {
		return retrySchedule, nil
	}
	var out []time.Duration
	for _, f := range strings.Split(v, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || d <= 0 {
			return nil, errors.New("not a list of positive durations")
		}
		out = append(out, d)
	}
	return out, nil
}

// retrierQueue is what the retrier needs of its queue (*spool.Queue).
type retrierQueue interface {
	TryLock(ctx context.Context, name string) (*spool.Lock, error)
	Waiting(ctx context.Context, rate func(dest string) spool.Rate) ([]spool.DestinationState, error)
	Flush(ctx context.Context, dest string, deliver spool.DeliverFunc, opts ...spool.FlushOption) (spool.FlushResult, error)
}

// retrier retries the waiting destinations of one queue directory.
type retrier struct {
	q        retrierQueue
	dir      string
	log      *logger
	deliver  func(display string) spool.DeliverFunc
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
	schedule []time.Duration
	budget   time.Duration
	dests    map[string]*retryState
}

// retryState is when the retrier tries a destination next.
type retryState struct {
	step int       // index into the schedule of the wait after the next failed try
	next time.Time // not before this; zero: as soon as the queue allows (hold, pacing)
}

// run retries until nothing waits, the lock is taken over, or ctx ends.
func (rt *retrier) run(ctx context.Context) checkmk.ExitCode {
	lock, err := rt.q.TryLock(ctx, retrierLock)
	if errors.Is(err, spool.ErrLocked) {
		rt.log.printf("another retrier is running for %s; exiting", rt.dir)
		return checkmk.ExitSent
	}
	if err != nil {
		rt.log.warnf("cannot take the retrier lock: %v; exiting", err)
		return checkmk.ExitTemporary
	}
	defer func() { lock.Close() }()
	rt.dests = map[string]*retryState{}
	rt.log.printf("started (pid %d) for %s", os.Getpid(), rt.dir)
	for {
		if ctx.Err() != nil {
			rt.log.printf("stopped (%v); what waits is delivered by the next run", context.Cause(ctx))
			return checkmk.ExitSent
		}
		ws, err := rt.waiting(ctx)
		if err != nil {
			rt.log.warnf("queue: %v; exiting (the next run starts a retrier again)", err)
			return checkmk.ExitTemporary
		}
		if len(ws) == 0 {
			// Hand over: let go of the lock, then look once more, so that a run that
			// queued meanwhile either finds the lock free (and starts a retrier) or its
			// request is seen here.
			lock.Close()
			if ws, err = rt.waiting(ctx); err == nil && len(ws) == 0 {
				rt.log.printf("nothing waiting; exiting")
				return checkmk.ExitSent
			}
			if lock, err = rt.q.TryLock(ctx, retrierLock); err != nil {
				rt.log.printf("another retrier took over; exiting")
				return checkmk.ExitSent
			}
			continue
		}
		now := rt.now()
		wake := now.Add(rt.schedule[0]) // look for new destinations at least this often
		tried := false
		seen := map[string]bool{}
		for _, w := range ws {
			seen[w.Destination] = true
			due := rt.due(w, now)
			if due.After(now) {
				if due.Before(wake) {
					wake = due
				}
				continue
			}
			rt.try(ctx, w.Destination)
			tried = true
		}
		for dest := range rt.dests {
			if !seen[dest] {
				delete(rt.dests, dest) // delivered by a run, or moved away
			}
		}
		if !tried {
			_ = rt.sleep(ctx, wake.Sub(now))
		}
	}
}

// waiting lists the notifier's own destinations with requests waiting.
func (rt *retrier) waiting(ctx context.Context) ([]spool.DestinationState, error) {
	all, err := rt.q.Waiting(ctx, nil)
	out := all[:0]
	for _, w := range all {
		if ownQueue(w.Destination) {
			out = append(out, w)
		}
	}
	return out, err
}

// due is when the retrier may next try the destination w: the later of its schedule
// and what the queue allows (the end of a hold, the next slot of its pacing). A
// destination seen for the first time is tried after the schedule's first wait, unless it
// waits only for a hold or pacing.
func (rt *retrier) due(w spool.DestinationState, now time.Time) time.Time {
	st := rt.dests[w.Destination]
	if st == nil {
		st = &retryState{step: 1}
		if w.NextAttempt().IsZero() {
			st.next = now.Add(rt.schedule[0])
		}
		rt.dests[w.Destination] = st
	}
	due := st.next
	if next := w.NextAttempt(); next.After(due) {
		due = next
	}
	return due
}

// try flushes one destination and schedules its next try from the result.
func (rt *retrier) try(ctx context.Context, dest string) {
	display := displayForSpoolName(dest)
	fctx, cancel := context.WithTimeout(ctx, rt.budget)
	res, err := rt.q.Flush(fctx, dest, rt.deliver(display))
	budgetUsed := fctx.Err() != nil && ctx.Err() == nil
	cancel()
	if ctx.Err() != nil {
		return // stopping; run says so
	}
	now := rt.now()
	st := rt.dests[dest]
	done := fmt.Sprintf("%s: %d delivered", display, res.Delivered)
	if n := res.Failed + res.Expired; n > 0 {
		done += fmt.Sprintf(", %d moved to failed/", n)
	}
	switch {
	case err == nil && res.Status == spool.StatusDone:
		delete(rt.dests, dest)
		rt.log.printf("%s, nothing waiting", done)
	case err == nil && res.Status == spool.StatusPaced:
		st.step, st.next = 0, time.Time{}
		rt.log.printf("%s, %d waiting (paced: next send at %s)", done, res.Remaining, clock(res.PacedUntil, now))
	case err == nil && res.Status == spool.StatusHeld:
		st.next = time.Time{}
		rt.log.printf("%s: %d waiting (rate limited, held until %s)", display, res.Remaining, clock(res.HeldUntil, now))
	case err == nil && res.Status == spool.StatusBusy:
		st.next = now.Add(rt.schedule[0])
		rt.log.printf("%s: another run is delivering; looking again in %v", display, rt.schedule[0])
	case budgetUsed && res.Delivered > 0:
		st.step, st.next = 0, now // a long backlog: go on at once
		rt.log.printf("%s, %d waiting (time budget of one flush used up; going on)", done, res.Remaining)
	default:
		if res.Delivered > 0 {
			st.step = 0
		}
		wait := rt.schedule[min(st.step, len(rt.schedule)-1)]
		st.step = min(st.step+1, len(rt.schedule)-1)
		st.next = now.Add(wait)
		why := flushWhy(res, now)
		if err != nil {
			why = "queue error: " + err.Error()
			rt.log.warnf("%s, %d waiting (%s); next try in %v", done, res.Remaining, why, wait)
			return
		}
		rt.log.printf("%s, %d waiting (%s); next try in %v", done, res.Remaining, why, wait)
	}
}
