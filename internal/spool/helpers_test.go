//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// clock is a settable clock for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *clock { return &clock{now: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// openQueue opens a queue in a fresh directory below the test's temporary directory.
func openQueue(t testing.TB, opts ...Option) *Queue {
	t.Helper()
	q, err := Open(context.Background(), filepath.Join(t.TempDir(), "spool"), opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return q
}

func enqueueAll(t testing.TB, q *Queue, dest string, payloads ...string) []ID {
	t.Helper()
	ids := make([]ID, 0, len(payloads))
	for _, p := range payloads {
		id, err := q.Enqueue(context.Background(), dest, []byte(p))
		if err != nil {
			t.Fatalf("Enqueue(%s, %q): %v", dest, p, err)
		}
		ids = append(ids, id)
	}
	return ids
}

// answer is an error that classifies itself by its methods, as the sinks' errors do.
type answer struct {
	err                                       error
	benign, rateLimited, permanent, retryable bool
	retryAfter                                time.Duration
}

func (a *answer) Error() string             { return a.err.Error() }
func (a *answer) Unwrap() error             { return a.err }
func (a *answer) Benign() bool              { return a.benign }
func (a *answer) RateLimited() bool         { return a.rateLimited }
func (a *answer) Permanent() bool           { return a.permanent }
func (a *answer) Retryable() bool           { return a.retryable }
func (a *answer) RetryAfter() time.Duration { return a.retryAfter }

// rejected is a permanent failure (a 400, a wrong key).
func rejected(err error) error { return &answer{err: err, permanent: true} }

// rateLimited is a 429 with a Retry-After of wait (0: none).
func rateLimited(err error, wait time.Duration) error {
	return &answer{err: err, rateLimited: true, retryable: true, retryAfter: wait}
}

// benign is a "nothing to do" answer.
func benign(err error) error { return &answer{err: err, benign: true} }

// retryable is a temporary failure that says so.
func retryable(err error) error { return &answer{err: err, retryable: true} }

// sink records delivered payloads and answers with the error its func chooses.
type sink struct {
	mu      sync.Mutex
	got     []string
	items   []Item
	outcome func(it Item, n int) error // n counts calls from 0; nil means delivered
}

func (s *sink) deliver(_ context.Context, it Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.got)
	s.got = append(s.got, string(it.Payload))
	s.items = append(s.items, it)
	if s.outcome == nil {
		return nil
	}
	return s.outcome(it, n)
}

func (s *sink) payloads() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

func mustFlush(t testing.TB, q *Queue, dest string, deliver DeliverFunc) FlushResult {
	t.Helper()
	res, err := q.Flush(context.Background(), dest, deliver)
	if err != nil {
		t.Fatalf("Flush(%s): %v", dest, err)
	}
	return res
}

func mustLen(t testing.TB, q *Queue, dest string) int {
	t.Helper()
	n, err := q.Len(context.Background(), dest)
	if err != nil {
		t.Fatalf("Len(%s): %v", dest, err)
	}
	return n
}

// flushWatched runs Flush(ctx, "d", deliver) and waits for it. If it has not returned after
// 30 s (a safety net for a flush that hangs, not a measurement), the test fails with hang,
// unblock lets the flush go on, and flushWatched waits for its result.
func flushWatched(t *testing.T, ctx context.Context, q *Queue, deliver DeliverFunc, hang string, unblock func()) (FlushResult, error) {
	t.Helper()
	type result struct {
		res FlushResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := q.Flush(ctx, "d", deliver)
		done <- result{res, err}
	}()
	watchdog := time.NewTimer(30 * time.Second)
	defer watchdog.Stop()
	var r result
	select {
	case r = <-done:
	case <-watchdog.C:
		t.Error(hang)
		unblock()
		r = <-done
	}
	return r.res, r.err
}
