//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestRequestsArePacedByTheirOwnRate: a request queued with PaceAt is paced by a Flush
// that is given no rate (the Checkmk notifier's flush and retrier, which have no rule to
// read it from); State reports its next slot; WithRate overrides it, and WithRate(Rate{})
// turns pacing off.
func TestRequestsArePacedByTheirOwnRate(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	ctx := context.Background()
	rate := Rate{N: 2, Per: 10 * time.Second}
	for _, p := range []string{"1", "2", "3", "4", "5", "6"} {
		if _, err := q.Enqueue(ctx, "ilert", []byte(p), PaceAt(rate)); err != nil {
			t.Fatal(err)
		}
	}
	var s sink
	res := mustFlush(t, q, "ilert", s.deliver)
	want := FlushResult{Status: StatusPaced, Delivered: 2, Remaining: 4, PacedUntil: t0.Add(rate.Per)}
	if diff := cmp.Diff(want, res, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("first flush (-want +got):\n%s", diff)
	}
	st, err := q.State(ctx, "ilert", Rate{})
	if err != nil || !st.PacedUntil.Equal(t0.Add(rate.Per)) || st.Waiting != 4 {
		t.Errorf("State without a rate = %+v, %v; want paced by the oldest request's rate until %v", st, err, t0.Add(rate.Per))
	}
	ws, err := q.Waiting(ctx, nil)
	if err != nil || len(ws) != 1 || !ws[0].NextAttempt().Equal(t0.Add(rate.Per)) {
		t.Errorf("Waiting(nil) = %+v, %v; want the next slot", ws, err)
	}

	// A flush with its own larger budget counts the same sends.
	res, err = q.Flush(ctx, "ilert", s.deliver, WithRate(Rate{N: 3, Per: 10 * time.Second}))
	if err != nil || res.Status != StatusPaced || res.Delivered != 1 {
		t.Errorf("flush with a budget of 3 = %+v, %v; want one more send", res, err)
	}
	// Pacing off for one flush: everything goes.
	res, err = q.Flush(ctx, "ilert", s.deliver, WithRate(Rate{}))
	if err != nil || res.Status != StatusDone || res.Delivered != 3 {
		t.Errorf("flush with WithRate(Rate{}) = %+v, %v; want the rest sent", res, err)
	}
	if diff := cmp.Diff([]string{"1", "2", "3", "4", "5", "6"}, s.payloads()); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
}

// TestPacingFollowsEachRequestsRate: when a rule's rate changes, each request is sent as
// the rate it was queued with allows, counting the destination's sends of both.
func TestPacingFollowsEachRequestsRate(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	ctx := context.Background()
	slow, fast := Rate{N: 1, Per: time.Minute}, Rate{N: 3, Per: time.Minute}
	for i, r := range []Rate{slow, fast, fast, fast, {}} {
		var opts []EnqueueOption
		if !r.Off() {
			opts = append(opts, PaceAt(r))
		}
		if _, err := q.Enqueue(ctx, "ilert", []byte{byte('a' + i)}, opts...); err != nil {
			t.Fatal(err)
		}
	}
	var s sink
	// a (1 per minute) goes; b, c (3 per minute) go; d would be the fourth: paced.
	res := mustFlush(t, q, "ilert", s.deliver)
	if res.Status != StatusPaced || res.Delivered != 3 || !res.PacedUntil.Equal(t0.Add(time.Minute)) {
		t.Errorf("flush = %+v, want a, b and c sent, d paced until %v", res, t0.Add(time.Minute))
	}
	c.Advance(time.Minute)
	res = mustFlush(t, q, "ilert", s.deliver)
	if res.Status != StatusDone || res.Delivered != 2 {
		t.Errorf("flush a minute later = %+v, want d and the unpaced e sent", res)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d", "e"}, s.payloads()); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
}

// TestPaceAtIsStoredAndChecked: the rate is in the request's metadata line, as ParseRate
// reads it, and PaceAt refuses a rate that paces nothing or is invalid.
func TestPaceAtIsStoredAndChecked(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	id, err := q.Enqueue(context.Background(), "d", []byte("x"), PaceAt(Rate{N: 5, Per: 10 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	_, seq, _ := strings.Cut(string(id), "/")
	data, err := os.ReadFile(filepath.Join(q.pendingPath("d"), seq+reqSuffix))
	if err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(string(data), "\n"); !strings.Contains(head, `"rate":"5/10s"`) {
		t.Errorf("metadata %s does not hold the rate", head)
	}
	for _, r := range []Rate{{}, {N: 0, Per: time.Minute}, {N: 1}, {N: MaxRateN + 1, Per: time.Minute}, {N: -1, Per: time.Second}} {
		if _, err := q.Enqueue(context.Background(), "d", []byte("x"), PaceAt(r)); err == nil {
			t.Errorf("PaceAt(%+v) accepted", r)
		}
	}
	if n := mustLen(t, q, "d"); n != 1 {
		t.Errorf("%d requests queued, want only the first", n)
	}
}
