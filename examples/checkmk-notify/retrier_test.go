package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// fakeClock is the retrier's clock and sleep in the schedule tests: sleeping advances it.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

var scheduleT0 = time.Date(2026, 11, 21, 5, 50, 0, 0, time.UTC)

// scheduleHarness is a queue on a fake clock and a retrier for it whose deliveries are
// answered by answer, recording when each try was made.
type scheduleHarness struct {
	q     *spool.Queue
	clock *fakeClock
	rt    *retrier
	mu    sync.Mutex
	tries []time.Duration // since scheduleT0
}

func newScheduleHarness(t *testing.T, answer func(n int) error) *scheduleHarness {
	t.Helper()
	h := &scheduleHarness{clock: &fakeClock{now: scheduleT0}}
	q, err := spool.Open(context.Background(), filepath.Join(t.TempDir(), "spool"), spool.WithClock(h.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	h.q = q
	log := &logger{out: io.Discard}
	h.rt = &retrier{q: q, dir: q.Dir(), log: log, schedule: retrySchedule, budget: retrierFlushBudget,
		now: h.clock.Now, sleep: h.clock.sleep,
		deliver: func(string) spool.DeliverFunc {
			return func(context.Context, spool.Item) error {
				h.mu.Lock()
				defer h.mu.Unlock()
				h.tries = append(h.tries, h.clock.Now().Sub(scheduleT0))
				return answer(len(h.tries))
			}
		}}
	return h
}

func (h *scheduleHarness) enqueue(t *testing.T, dest string, n int, opts ...spool.EnqueueOption) {
	t.Helper()
	for range n {
		if _, err := h.q.Enqueue(context.Background(), dest, []byte("x"), opts...); err != nil {
			t.Fatal(err)
		}
	}
}

// down is an answer of a destination that is down (no methods: temporary).
var errDown = errors.New("503 Service Unavailable")

// TestRetrySchedule: the production schedule, on an injected clock: a destination that
// stays down is tried 5 s after the retrier first sees it, then 15 s, 30 s and every 60 s
// after each failed try, so never more than 60 s apart; once it answers, everything is
// delivered and the retrier exits, releasing its lock.
func TestRetrySchedule(t *testing.T) {
	t.Parallel()
	const failures = 7
	h := newScheduleHarness(t, func(n int) error {
		if n <= failures {
			return errDown
		}
		return nil
	})
	dest := target{sink: delivery.SinkILertCheckmk, key: "k"}.spoolName()
	h.enqueue(t, dest, 3)
	if code := h.rt.run(context.Background()); code != checkmk.ExitSent {
		t.Fatalf("run = %d", code)
	}
	want := []time.Duration{5 * time.Second, 20 * time.Second, 50 * time.Second, 110 * time.Second,
		170 * time.Second, 230 * time.Second, 290 * time.Second,
		350 * time.Second, 350 * time.Second, 350 * time.Second} // the 8th try and the two after it in the same flush
	if diff := cmp.Diff(want, h.tries); diff != "" {
		t.Errorf("tries since the start (-want +got):\n%s", diff)
	}
	for i := 1; i < failures+1; i++ {
		if gap := h.tries[i] - h.tries[i-1]; gap > time.Minute {
			t.Errorf("tries %d and %d are %v apart, more than a minute", i, i+1, gap)
		}
	}
	if n, _ := h.q.Len(context.Background(), dest); n != 0 {
		t.Errorf("%d requests left", n)
	}
	lock, err := h.q.TryLock(context.Background(), retrierLock)
	if err != nil {
		t.Fatalf("the retrier's lock is still held after it exited: %v", err)
	}
	lock.Close()
}

// TestRetrierWaitsForHoldsAndPacing: the retrier wakes when the queue allows the next
// send (the end of a hold, the next slot of a paced key), not on its failure schedule.
func TestRetrierWaitsForHoldsAndPacing(t *testing.T) {
	t.Parallel()
	t.Run("paced", func(t *testing.T) {
		t.Parallel()
		h := newScheduleHarness(t, func(int) error { return nil })
		dest := target{sink: delivery.SinkILertCheckmk, key: "k"}.spoolName()
		h.enqueue(t, dest, 5, spool.PaceAt(spool.Rate{N: 2, Per: 10 * time.Second}))
		// The run that queued them sent two and left three paced.
		if res, err := h.q.Flush(context.Background(), dest, h.rt.deliver("")); err != nil || res.Status != spool.StatusPaced {
			t.Fatalf("the run's flush = %+v, %v", res, err)
		}
		if code := h.rt.run(context.Background()); code != checkmk.ExitSent {
			t.Fatalf("run = %d", code)
		}
		want := []time.Duration{0, 0, 10 * time.Second, 10 * time.Second, 20 * time.Second}
		if diff := cmp.Diff(want, h.tries); diff != "" {
			t.Errorf("sends since the start (-want +got):\n%s", diff)
		}
	})
	t.Run("held", func(t *testing.T) {
		t.Parallel()
		h := newScheduleHarness(t, func(int) error { return nil })
		dest := target{sink: delivery.SinkILertCheckmk, key: "k"}.spoolName()
		h.enqueue(t, dest, 1)
		if err := h.q.Hold(context.Background(), dest, scheduleT0.Add(42*time.Second)); err != nil {
			t.Fatal(err)
		}
		if code := h.rt.run(context.Background()); code != checkmk.ExitSent {
			t.Fatalf("run = %d", code)
		}
		if diff := cmp.Diff([]time.Duration{42 * time.Second}, h.tries); diff != "" {
			t.Errorf("tries (-want +got):\n%s", diff)
		}
	})
}

// TestRetrierFlushesOnlyTheNotifiersQueues: the webhook relay's queues in the same
// directory are not the retrier's, and it exits when only they wait.
func TestRetrierFlushesOnlyTheNotifiersQueues(t *testing.T) {
	t.Parallel()
	h := newScheduleHarness(t, func(int) error { return nil })
	h.enqueue(t, "ilert", 2)
	h.enqueue(t, "alertops", 1)
	if code := h.rt.run(context.Background()); code != checkmk.ExitSent {
		t.Fatalf("run = %d", code)
	}
	if len(h.tries) != 0 {
		t.Errorf("the retrier delivered %d of the relay's requests", len(h.tries))
	}
	for _, dest := range []string{"ilert", "alertops"} {
		if n, _ := h.q.Len(context.Background(), dest); n == 0 {
			t.Errorf("the relay's %s queue was emptied", dest)
		}
	}
}

// TestRetrierOnePerQueue: a second retrier for the same directory exits at once.
func TestRetrierOnePerQueue(t *testing.T) {
	t.Parallel()
	h := newScheduleHarness(t, func(int) error { return nil })
	lock, err := h.q.TryLock(context.Background(), retrierLock)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	h.enqueue(t, target{sink: delivery.SinkAlertOps, webhookURL: "u"}.spoolName(), 1)
	var out strings.Builder
	h.rt.log = &logger{out: &out}
	if code := h.rt.run(context.Background()); code != checkmk.ExitSent || len(h.tries) != 0 {
		t.Errorf("run = %d with %d tries, want an exit without trying", code, len(h.tries))
	}
	if !strings.Contains(out.String(), "another retrier is running") {
		t.Errorf("log %q does not say why it exits", out.String())
	}
}

// TestScheduleFrom: the tests' schedule setting, and the production one by default.
func TestScheduleFrom(t *testing.T) {
	t.Parallel()
	if s, err := scheduleFrom(""); err != nil || !cmp.Equal(s, []time.Duration{5 * time.Second, 15 * time.Second, 30 * time.Second, time.Minute}) {
		t.Errorf("default schedule %v, %v", s, err)
	}
	if s, err := scheduleFrom("100ms, 2s"); err != nil || !cmp.Equal(s, []time.Duration{100 * time.Millisecond, 2 * time.Second}) {
		t.Errorf("scaled schedule %v, %v", s, err)
	}
	for _, bad := range []string{"fast", "1s,,2s", "0s", "-1s"} {
		if _, err := scheduleFrom(bad); err == nil {
			t.Errorf("scheduleFrom(%q) accepted", bad)
		}
	}
}

// TestClock: holds and slots are shown with the date when they are not today.
func TestClock(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 23, 55, 0, 0, time.Local)
	if got := clock(now.Add(3*time.Minute), now); got != "23:58:00" {
		t.Errorf("same day: %q", got)
	}
	if got := clock(now.Add(10*time.Minute), now); got != "2026-11-22 00:05:00" {
		t.Errorf("next day: %q", got)
	}
}

// FuzzScheduleFrom: the tests' schedule setting never panics and yields only positive
// waits.
func FuzzScheduleFrom(f *testing.F) {
	f.Add("50ms,100ms,200ms")
	f.Add("5s")
	f.Add(",")
	f.Fuzz(func(t *testing.T, v string) {
		s, err := scheduleFrom(v)
		if err != nil {
			return
		}
		if len(s) == 0 {
			t.Fatalf("scheduleFrom(%q) = an empty schedule", v)
		}
		for _, d := range s {
			if d <= 0 {
				t.Fatalf("scheduleFrom(%q) = %v", v, s)
			}
		}
	})
}
