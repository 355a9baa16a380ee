//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The defects of issue 11 §3 that are the queue's, one test each.

var errDown = errors.New("503 Service Unavailable")

// TestEachRequestExpiresByItsOwnMaxAge: a short max_age on one rule must not expire
// another rule's requests. Each request carries its own maximum age; a request without one
// (written by an older version) gets the flushing Queue's.
func TestEachRequestExpiresByItsOwnMaxAge(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	ctx := context.Background()
	for _, e := range []struct {
		payload string
		opts    []EnqueueOption
	}{
		{"short", []EnqueueOption{ExpireAfter(time.Hour)}},
		{"old format", nil},
		{"long", []EnqueueOption{ExpireAfter(7 * 24 * time.Hour)}},
	} {
		if _, err := q.Enqueue(ctx, "d", []byte(e.payload), e.opts...); err != nil {
			t.Fatal(err)
		}
	}
	c.Advance(2 * time.Hour)
	// A run whose own rule says 90 minutes flushes the destination while it is down.
	short, err := Open(context.Background(), q.Dir(), WithClock(c.Now), WithMaxAge(90*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	s := sink{outcome: func(Item, int) error { return errDown }}
	res := mustFlush(t, short, "d", s.deliver)
	if res.Expired != 2 || res.Remaining != 1 || res.Status != StatusStopped {
		t.Errorf("result %+v, want the 1 h and the old-format request expired, the 7-day one kept", res)
	}
	failed, err := short.Failed(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, f := range failed {
		reasons = append(reasons, f.Reason[:strings.Index(f.Reason, " (")])
	}
	if diff := cmp.Diff([]string{"expired after 1h0m0s", "expired after 1h30m0s"}, reasons); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	wantMaxAges := []time.Duration{time.Hour, 0, 7 * 24 * time.Hour}
	for i, it := range s.items {
		if it.MaxAge != wantMaxAges[i] || it.Expiring != (i < 2) {
			t.Errorf("item %d: MaxAge %v, Expiring %v; want %v, %v", i, it.MaxAge, it.Expiring, wantMaxAges[i], i < 2)
		}
	}
	if _, err := q.Enqueue(ctx, "d", nil, ExpireAfter(0)); err == nil {
		t.Error("ExpireAfter(0) accepted")
	}
}

// TestClockJumpDoesNotExpireUntriedRequests: a forward jump of the clock makes every queued
// request look too old; each is tried once more, and delivered if the destination takes it.
// Only a request whose try after it became too old failed is expired, and its reason file
// records that try.
func TestClockJumpDoesNotExpireUntriedRequests(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	enqueueAll(t, q, "d", "1", "2", "3")
	c.Advance(400 * 24 * time.Hour) // a VM resumed after a year
	var s sink
	res := mustFlush(t, q, "d", s.deliver)
	if res.Delivered != 3 || res.Expired != 0 || res.Status != StatusDone {
		t.Errorf("after the jump, destination up: %+v, want all 3 delivered", res)
	}
	for _, it := range s.items {
		if !it.Expiring {
			t.Errorf("%s was not marked as its last try", it.ID)
		}
	}

	// The destination is down: the first try of each old request expires it; a request
	// that is not too old stops the destination, as always.
	enqueueAll(t, q, "d", "4", "5")
	c.Advance(8 * 24 * time.Hour)
	enqueueAll(t, q, "d", "fresh")
	s = sink{outcome: func(Item, int) error { return errDown }}
	res = mustFlush(t, q, "d", s.deliver)
	if res.Expired != 2 || res.Remaining != 1 || res.Status != StatusStopped || !errors.Is(res.Err, errDown) {
		t.Errorf("destination down: %+v, want 4 and 5 expired after their tries, fresh kept", res)
	}
	if diff := cmp.Diff([]string{"4", "5", "fresh"}, s.payloads()); diff != "" {
		t.Errorf("tried (-want +got):\n%s", diff)
	}
	failed, err := q.Failed(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wantEnd := "never delivered; the last try at " + c.Now().UTC().Format(time.RFC3339) + " failed: 503 Service Unavailable)"
	if len(failed) != 2 || !strings.HasSuffix(failed[0].Reason, wantEnd) {
		t.Errorf("failed = %+v, want 2 whose reason ends %q", failed, wantEnd)
	}
}

// TestExpiryAfterRateLimitOrEndOfContext: a rate limit is a failed try (the request
// expires and the destination is held); a try cut short by the caller's own context is not.
func TestExpiryAfterRateLimitOrEndOfContext(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	enqueueAll(t, q, "d", "1", "2")
	c.Advance(8 * 24 * time.Hour)

	ctx, cancel := context.WithCancel(context.Background())
	res, err := q.Flush(ctx, "d", func(ctx context.Context, it Item) error {
		cancel() // the run's budget ends during the try
		return ctx.Err()
	})
	if !errors.Is(err, context.Canceled) || res.Expired != 0 || res.Remaining != 2 {
		t.Errorf("try cut short: %+v, %v; want nothing expired", res, err)
	}

	res = mustFlush(t, q, "d", func(context.Context, Item) error {
		return rateLimited(errors.New("429 Too Many Requests"), 0)
	})
	if res.Expired != 1 || res.Remaining != 1 || !res.HeldUntil.Equal(c.Now().Add(MinHold)) {
		t.Errorf("rate limited: %+v, want 1 expired and the destination held", res)
	}
}

// TestPassedHoldsAreRemovedAndLongOnesCapped: a hold file whose time has passed is removed;
// a hold is never honoured for more than an hour from when it is read, whether it was
// written for a day or under a clock that was a year fast, and the file is rewritten with
// the capped time so that it ends.
func TestPassedHoldsAreRemovedAndLongOnesCapped(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	enqueueAll(t, q, "d", "x")
	hold := filepath.Join(q.pendingPath("d"), holdFile)
	if err := q.Hold(context.Background(), "d", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	c.Advance(2 * time.Minute)
	res := mustFlush(t, q, "d", func(context.Context, Item) error { return errDown })
	if _, err := os.Lstat(hold); !errors.Is(err, fs.ErrNotExist) || res.Status != StatusStopped {
		t.Errorf("after a passed hold: %+v, hold file Lstat %v; want it tried and the file gone", res, err)
	}

	for name, until := range map[string]time.Time{
		"a 24-hour hold":                c.Now().Add(24 * time.Hour),
		"a hold from a clock year fast": c.Now().Add(365*24*time.Hour + MinHold),
	} {
		if err := os.WriteFile(hold, until.AppendFormat(nil, time.RFC3339Nano), 0o600); err != nil {
			t.Fatal(err)
		}
		capped := c.Now().Add(MaxHold)
		if got, err := q.HeldUntil(context.Background(), "d"); err != nil || !got.Equal(capped) {
			t.Errorf("%s: HeldUntil = %v, %v; want %v", name, got, err, capped)
		}
		res := mustFlush(t, q, "d", (&sink{}).deliver)
		if res.Status != StatusHeld || !res.HeldUntil.Equal(capped) {
			t.Errorf("%s: %+v, want held until %v", name, res, capped)
		}
		c.Advance(30 * time.Minute)
		if got, _ := q.HeldUntil(context.Background(), "d"); !got.Equal(capped) {
			t.Errorf("%s: 30 minutes later HeldUntil = %v, want still %v (the cap is kept, not moved)", name, got, capped)
		}
		c.Advance(30 * time.Minute)
		if res := mustFlush(t, q, "d", (&sink{}).deliver); res.Status != StatusDone || res.Delivered != 1 {
			t.Errorf("%s: an hour after it was read: %+v, want delivered", name, res)
		}
		enqueueAll(t, q, "d", "x")
	}
	if err := q.Hold(context.Background(), "d", c.Now().Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := q.HeldUntil(context.Background(), "d"); !got.Equal(c.Now().Add(MaxHold)) {
		t.Errorf("Hold for 48 h holds until %v, want %v", got, c.Now().Add(MaxHold))
	}
}

// FuzzParseHold: no content panics; what is accepted is a time that writes back the same.
func FuzzParseHold(f *testing.F) {
	for _, s := range []string{"2026-11-21T05:50:10.123456789Z", " 2026-11-21T05:50:10Z\n", "", "garbage", "2026-11-21T05:50:10+01:00", "9999-12-31T23:59:59Z"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		until, err := parseHold(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		again, err := parseHold(until.UTC().AppendFormat(nil, time.RFC3339Nano))
		if err != nil || !again.Equal(until) {
			t.Fatalf("%q: %v written back reads as %v, %v", data, until, again, err)
		}
		if now := time.Unix(0, 0); capHold(until, now).After(now.Add(MaxHold)) {
			t.Fatalf("capHold(%v) beyond MaxHold", until)
		}
	})
}

// TestCounterLostOrGarbledWhileTheClockWentBack: after the seq file is lost or garbled and
// the clock went back, a new request still gets a number above every queued one.
func TestCounterLostOrGarbledWhileTheClockWentBack(t *testing.T) {
	t.Parallel()
	for name, damage := range map[string]func(path string) error{
		"lost":      os.Remove,
		"garbled":   func(path string) error { return os.WriteFile(path, []byte("garbage\n"), 0o600) },
		"truncated": func(path string) error { return os.Truncate(path, 5) },
		"too long":  func(path string) error { return os.WriteFile(path, []byte(seqName(1, "\n")+"junk"), 0o600) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newClock(t0)
			q := openQueue(t, WithClock(c.Now))
			enqueueAll(t, q, "d", "first", "second")
			if err := damage(filepath.Join(q.pendingPath("d"), seqFile)); err != nil {
				t.Fatal(err)
			}
			c.Advance(-time.Hour)
			ids := enqueueAll(t, q, "d", "third")
			enqueueAll(t, q, "d", "fourth")
			var s sink
			mustFlush(t, q, "d", s.deliver)
			if diff := cmp.Diff([]string{"first", "second", "third", "fourth"}, s.payloads()); diff != "" {
				t.Errorf("delivered (-want +got): a later request overtook an earlier one\n%s", diff)
			}
			data, err := os.ReadFile(filepath.Join(q.pendingPath("d"), seqFile))
			if err != nil {
				t.Fatal(err)
			}
			if seq, ok := parseCounter(data); !ok || ID("d/"+seqName(seq-1, "")) != ids[0] {
				t.Errorf("seq file %q after the repair, want the last number given", data)
			}
		})
	}
}

// FuzzParseCounter: no content panics; what is accepted writes back the same bytes.
func FuzzParseCounter(f *testing.F) {
	for _, s := range []string{seqName(1763704200123456789, "\n"), "", "garbage\n", "0176", seqName(1, "\n") + "x", "18446744073709551616\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, ok := parseCounter(data)
		if ok && seqName(v, "\n") != string(data) {
			t.Fatalf("%q reads as %d, which writes as %q", data, v, seqName(v, "\n"))
		}
	})
}

// TestStaleTempFilesEverywhereAreRemoved: left-overs of killed processes outside
// pending/<destination>/ (the open probe in pending/, a reason file being written in
// failed/<destination>/) are removed as the ones inside it are; fresh ones are left alone.
// Their age is judged by the real clock, which set their modification times, so the test
// dates them on that clock and gives the queue none of its own.
func TestStaleTempFilesEverywhereAreRemoved(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	enqueueAll(t, q, "d", "x")
	if err := os.MkdirAll(q.failedPath("d"), dirPerm); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * staleTempAge)
	stale := []string{
		filepath.Join(q.Dir(), pendingDir, tempPrefix+"probe-killed"),
		filepath.Join(q.Dir(), failedDir, tempPrefix+"killed"),
		filepath.Join(q.failedPath("d"), tempPrefix+"killed"),
		filepath.Join(q.pendingPath("d"), tempPrefix+"killed"),
	}
	fresh := []string{
		filepath.Join(q.Dir(), pendingDir, tempPrefix+"probe-running"),
		filepath.Join(q.failedPath("d"), tempPrefix+"running"),
	}
	for _, p := range append(stale, fresh...) {
		if err := os.WriteFile(p, []byte("failed-at: "), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range stale {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Open(context.Background(), q.Dir()); err != nil { // the next run
		t.Fatal(err)
	}
	mustFlush(t, q, "d", (&sink{}).deliver)
	for _, p := range stale {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("stale %s is still there (Lstat: %v)", p, err)
		}
	}
	for _, p := range fresh {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("fresh %s was removed: %v", p, err)
		}
	}
}

// TestHandOffWaitIsBounded: when another process holds the seq lock and does not let go
// (stopped, or hung), the flush's final hand-off gives up when its context ends, or after
// a maximum when the context has no deadline, and says so, instead of waiting forever.
func TestHandOffWaitIsBounded(t *testing.T) {
	t.Parallel()
	for _, withDeadline := range []bool{true, false} {
		name := "context without deadline"
		if withDeadline {
			name = "context that ends"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			q := openQueue(t)
			if !withDeadline {
				q.handoffWait = 50 * time.Millisecond
			}
			enqueueAll(t, q, "d", "x")
			var other *os.File
			t.Cleanup(func() {
				if other != nil {
					other.Close()
				}
			})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			deliver := func(context.Context, Item) error {
				// Another process takes the seq lock during the delivery and keeps it.
				f, err := openStateFile(filepath.Join(q.pendingPath("d"), seqFile), os.Geteuid())
				if err != nil {
					return err
				}
				if ok, err := tryLock(f); !ok || err != nil {
					f.Close()
					return errors.New("could not take the seq lock")
				}
				other = f
				if withDeadline {
					cancel() // the run's deadline passes while the request is delivered
				}
				return nil
			}
			res, err := flushWatched(t, ctx, q, deliver, "Flush still waits for the seq lock after 30 s", func() {
				other.Close() // let it end
				other = nil
			})
			if err == nil || !strings.Contains(err.Error(), "hand-off") {
				t.Errorf("Flush error %v, want one about the hand-off", err)
			}
			if res.Status != StatusStopped || res.Delivered != 1 {
				t.Errorf("result %+v, want stopped after delivering", res)
			}
		})
	}
}

// TestDirectorySyncFailureStillReportsQueued: when syncing the directory fails after the
// rename, the request is queued: Enqueue returns its ID with a *NotDurableError (so the
// caller sends nothing directly), and EnqueueBatch says Durable false (so the relay does
// not answer 2xx). Each request is delivered exactly once.
func TestDirectorySyncFailureStillReportsQueued(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	enqueueAll(t, q, "d", "before") // creates the destination's directory
	eio := &os.PathError{Op: "fsync", Path: q.pendingPath("d"), Err: syscall.EIO}
	q.syncDirHook = func(dir string) error {
		if dir == q.pendingPath("d") {
			return eio
		}
		return nil
	}
	id, err := q.Enqueue(context.Background(), "d", []byte("single"))
	nd, ok := errors.AsType[*NotDurableError](err)
	if id == "" || !ok || !errors.Is(err, syscall.EIO) || len(nd.IDs) != 1 || nd.IDs[0] != id {
		t.Errorf("Enqueue = %q, %v; want its ID and a *NotDurableError naming it", id, err)
	}
	if err != nil && !strings.Contains(err.Error(), "queued, but not confirmed durable") {
		t.Errorf("message %q does not say it is queued", err)
	}
	res, err := q.EnqueueBatch(context.Background(), "d", batch("b1", "b2"))
	if nd, ok := errors.AsType[*NotDurableError](err); !ok || len(res.IDs) != 2 || res.Durable || len(nd.IDs) != 2 {
		t.Errorf("EnqueueBatch = %+v, %v; want both IDs, Durable false and a *NotDurableError", res, err)
	}
	q.syncDirHook = nil
	var s sink
	mustFlush(t, q, "d", s.deliver)
	if diff := cmp.Diff([]string{"before", "single", "b1", "b2"}, s.payloads()); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
}
