//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestPacedFlushSendsExactlyNPerInterval is the storm of issue 11 §2: three times the
// budget is queued, and repeated flushes (by two processes sharing the queue) send exactly
// N per interval, in order, each stopping with StatusPaced and the time of the next slot.
func TestPacedFlushSendsExactlyNPerInterval(t *testing.T) {
	t.Parallel()
	const n = 5
	rate := Rate{N: n, Per: 10 * time.Second}
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	other, err := Open(context.Background(), q.Dir(), WithClock(c.Now))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 3 * n {
		want = append(want, strconv.Itoa(i))
	}
	enqueueAll(t, q, "ilert", want...)

	var s sink
	flush := func(q *Queue) FlushResult {
		t.Helper()
		res, err := q.Flush(context.Background(), "ilert", s.deliver, WithRate(rate))
		if err != nil {
			t.Fatalf("Flush: %v", err)
		}
		return res
	}
	for round := range 3 {
		start := t0.Add(time.Duration(round) * rate.Per)
		// Each process in turn, several times within the interval: only the first sends.
		for i, p := range []*Queue{q, other, q, other} {
			res := flush(p)
			sent := 0
			if i == 0 {
				sent = n
			}
			wantRes := FlushResult{Status: StatusPaced, Delivered: sent, Remaining: 3*n - (round+1)*n, PacedUntil: start.Add(rate.Per)}
			if round == 2 && i == 0 {
				wantRes = FlushResult{Status: StatusDone, Delivered: n}
			} else if round == 2 {
				wantRes = FlushResult{Status: StatusDone}
			}
			if diff := cmp.Diff(wantRes, res, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("round %d, flush %d (-want +got):\n%s", round, i, diff)
			}
			c.Advance(time.Second)
		}
		c.Advance(rate.Per - 4*time.Second - time.Nanosecond)
		if res := flush(q); round < 2 && (res.Status != StatusPaced || res.Delivered != 0) {
			t.Errorf("round %d, a nanosecond before the next slot: %+v, want paced", round, res)
		}
		c.Advance(time.Nanosecond)
	}
	if diff := cmp.Diff(want, s.payloads()); diff != "" {
		t.Errorf("sent (-want +got): all of them, in order, each once\n%s", diff)
	}
}

// TestPacingIsASlidingWindow: the budget counts the sends of the last interval, not of a
// fixed window: after 2 sends at t0 and 1 at t0+5s (N = 3 per 10 s), t0+10s frees two
// slots and t0+15s the third.
func TestPacingIsASlidingWindow(t *testing.T) {
	t.Parallel()
	rate := Rate{N: 3, Per: 10 * time.Second}
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	var s sink
	step := func(at time.Duration, enqueue int, wantSent int, wantStatus Status, wantNext time.Duration) {
		t.Helper()
		c.Advance(t0.Add(at).Sub(c.Now()))
		for range enqueue {
			enqueueAll(t, q, "d", "x")
		}
		before := len(s.payloads())
		res, err := q.Flush(context.Background(), "d", s.deliver, WithRate(rate))
		if err != nil {
			t.Fatal(err)
		}
		var next time.Time
		if wantStatus == StatusPaced {
			next = t0.Add(wantNext)
		}
		if got := len(s.payloads()) - before; got != wantSent || res.Status != wantStatus || !res.PacedUntil.Equal(next) {
			t.Errorf("at t0+%v: sent %d, %s until %v; want %d, %s until %v", at, got, res.Status, res.PacedUntil, wantSent, wantStatus, next)
		}
	}
	step(0, 2, 2, StatusDone, 0)
	step(5*time.Second, 3, 1, StatusPaced, 10*time.Second)
	step(10*time.Second-time.Nanosecond, 0, 0, StatusPaced, 10*time.Second)
	step(10*time.Second, 0, 2, StatusDone, 0)
	step(12*time.Second, 2, 0, StatusPaced, 15*time.Second)
	step(15*time.Second, 0, 1, StatusPaced, 20*time.Second)
	step(20*time.Second, 0, 1, StatusDone, 0)
}

// TestPacingCountsASendThatCrashed: a send is recorded before the deliver function runs,
// so a process killed after the destination accepted it never lets the next run exceed the
// budget.
func TestPacingCountsASendThatCrashed(t *testing.T) {
	t.Parallel()
	rate := Rate{N: 2, Per: time.Minute}
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	enqueueAll(t, q, "d", "1", "2", "3")
	var s sink
	s.outcome = func(it Item, n int) error {
		if n == 1 {
			panic("killed after the destination accepted " + string(it.Payload))
		}
		return nil
	}
	func() {
		defer func() { _ = recover() }()
		_, _ = q.Flush(context.Background(), "d", s.deliver, WithRate(rate))
	}()
	s.outcome = nil
	res, err := q.Flush(context.Background(), "d", s.deliver, WithRate(rate))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusPaced || res.Delivered != 0 || !res.PacedUntil.Equal(t0.Add(time.Minute)) {
		t.Errorf("flush after the crash: %+v, want paced until t0+1m with nothing sent", res)
	}
	if diff := cmp.Diff([]string{"1", "2"}, s.payloads()); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// TestPaceFileDamageNeverRaisesTheBudget: a slot that does not decode counts as a send
// now, a time after now (a clock that was fast) as now, and the file is rewritten in the
// shape of the flush's rate, the most recent sends kept.
func TestPaceFileDamageNeverRaisesTheBudget(t *testing.T) {
	t.Parallel()
	slot := func(d time.Duration) string { return seqName(uint64(t0.Add(d).UnixNano()), "\n") }
	tests := []struct {
		name     string
		content  string
		rate     Rate
		wantSent int
	}{
		{name: "empty file", content: "", rate: Rate{N: 3, Per: time.Minute}, wantSent: 3},
		{name: "unused slots", content: strings.Repeat(seqName(0, "\n"), 3), rate: Rate{N: 3, Per: time.Minute}, wantSent: 3},
		{name: "a garbled slot", content: slot(-2*time.Minute) + "garbage-garbage-garb\n" + slot(-2*time.Minute), rate: Rate{N: 3, Per: time.Minute}, wantSent: 2},
		{name: "a torn last slot", content: slot(-2*time.Minute) + slot(-2*time.Minute) + "0000", rate: Rate{N: 3, Per: time.Minute}, wantSent: 2},
		{name: "a time a year ahead", content: slot(365*24*time.Hour) + slot(-time.Hour) + slot(-time.Hour), rate: Rate{N: 3, Per: time.Minute}, wantSent: 2},
		{name: "a larger budget before", content: strings.Repeat(slot(-30*time.Second), 5) + slot(-2*time.Minute), rate: Rate{N: 2, Per: time.Minute}, wantSent: 0},
		{name: "a smaller budget before", content: slot(-30 * time.Second), rate: Rate{N: 4, Per: time.Minute}, wantSent: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClock(t0)
			q := openQueue(t, WithClock(c.Now))
			enqueueAll(t, q, "d", "1", "2", "3", "4")
			path := filepath.Join(q.pendingPath("d"), paceFile)
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			res, err := q.Flush(context.Background(), "d", (&sink{}).deliver, WithRate(tt.rate))
			if err != nil {
				t.Fatal(err)
			}
			if res.Delivered != tt.wantSent {
				t.Errorf("sent %d, want %d (%+v)", res.Delivered, tt.wantSent, res)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			slots := parsePace(data)
			if len(data) != tt.rate.N*paceSlotLen || len(slots) != tt.rate.N {
				t.Fatalf("pace file %q: want %d slots", data, tt.rate.N)
			}
			for _, s := range slots {
				if s == damagedSlot || s > t0.UnixNano() {
					t.Errorf("pace file %q keeps damage or a future time", data)
				}
			}
		})
	}
}

// TestUnpacedFlushLeavesNoPaceFile: without a rate nothing is read or written for pacing.
func TestUnpacedFlushLeavesNoPaceFile(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	enqueueAll(t, q, "d", "1", "2")
	mustFlush(t, q, "d", (&sink{}).deliver)
	if _, err := os.Lstat(filepath.Join(q.pendingPath("d"), paceFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pace file after an unpaced flush: %v", err)
	}
	if _, err := q.Flush(context.Background(), "d", (&sink{}).deliver, WithRate(Rate{N: -1})); err == nil {
		t.Error("Flush with an invalid rate succeeded")
	}
}

func TestParseRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Rate
		wantErr string
	}{
		{in: "50", want: Rate{N: 50, Per: time.Minute}},
		{in: "5/10s", want: Rate{N: 5, Per: 10 * time.Second}},
		{in: "1/1h30m", want: Rate{N: 1, Per: 90 * time.Minute}},
		{in: "0", want: Rate{}},
		{in: "10000/1ms", want: Rate{N: MaxRateN, Per: time.Millisecond}},
		{in: "10001", wantErr: "the count must be 1 to 10000"},
		{in: "0/1m", wantErr: "a count of 0 turns pacing off"},
		{in: "5/0s", wantErr: "the interval positive"},
		{in: "5/-1s", wantErr: "the interval positive"},
		{in: "-5", wantErr: "not a whole number"},
		{in: "+5", wantErr: "not a whole number"},
		{in: "", wantErr: "not a whole number"},
		{in: "fifty", wantErr: "not a whole number"},
		{in: "5/", wantErr: "not a duration"},
		{in: "5/10", wantErr: "not a duration"},
		{in: "5/10s/2", wantErr: "not a duration"},
		{in: strings.Repeat("9", 40), wantErr: `"` + strings.Repeat("9", 32) + `"…`},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseRate(%q) = %v, %v; want an error saying %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if again, err := ParseRate(got.String()); err != nil || again != got {
			t.Errorf("ParseRate(%q.String() = %q) = %v, %v", tt.in, got.String(), again, err)
		}
	}
}

// FuzzParseRate: no input panics; an accepted rate is valid and survives String; an error
// repeats at most 32 bytes of the input: its quoted value is a prefix of the input of at most
// 32 bytes, and nothing outside the quotes repeats more. (The closing quote may coincide
// with a '"' that follows in the input; it is the format's, not an echo.)
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"50", "5/10s", "0", "0/1m", "10001", "1/1h30m", "-1", "5/", "9999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			msg, ok := strings.CutPrefix(err.Error(), "spool: rate ")
			if !ok {
				t.Fatalf("error %q does not start with the value", err)
			}
			quoted, qerr := strconv.QuotedPrefix(msg)
			if qerr != nil {
				t.Fatalf("error %q: the value is not quoted: %v", err, qerr)
			}
			shown, _ := strconv.Unquote(quoted)
			if len(shown) > 32 || !strings.HasPrefix(s, shown) {
				t.Fatalf("error %q shows %q, which is not a prefix of the input of at most 32 bytes", err, shown)
			}
			if rest := msg[len(quoted):]; len(s) > 32 && strings.Contains(rest, s[:33]) {
				t.Fatalf("error %q repeats more than 32 bytes of the input", err)
			}
			return
		}
		if !r.Valid() {
			t.Fatalf("ParseRate(%q) = %v, which is not valid", s, r)
		}
		if again, err := ParseRate(r.String()); err != nil || again != r {
			t.Fatalf("ParseRate(%q) = %v; its String %q reads back as %v, %v", s, r, r.String(), again, err)
		}
	})
}

// FuzzParsePace: no content panics; every byte belongs to exactly one slot; each slot is a
// time, unused or damaged; the valid slots encode back to the same bytes.
func FuzzParsePace(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte(seqName(uint64(t0.UnixNano()), "\n") + seqName(0, "\n")))
	f.Add([]byte("garbage-garbage-garb\n0000"))
	f.Add([]byte(seqName(1<<63, "\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		slots := parsePace(data)
		if want := (len(data) + paceSlotLen - 1) / paceSlotLen; len(slots) != want {
			t.Fatalf("%d slots for %d bytes, want %d", len(slots), len(data), want)
		}
		for i, s := range slots {
			if s < damagedSlot {
				t.Fatalf("slot %d is %d", i, s)
			}
			if s == damagedSlot {
				continue
			}
			if got := appendSlot(nil, s); !bytes.Equal(got, data[i*paceSlotLen:(i+1)*paceSlotLen]) {
				t.Fatalf("slot %d decodes to %d, which encodes to %q, not %q", i, s, got, data[i*paceSlotLen:(i+1)*paceSlotLen])
			}
		}
	})
}

func TestRateString(t *testing.T) {
	t.Parallel()
	for r, want := range map[Rate]string{{}: "0", {N: 50, Per: time.Minute}: "50/1m0s", {N: 5, Per: 10 * time.Second}: "5/10s"} {
		if got := fmt.Sprint(r); got != want {
			t.Errorf("%#v prints %q, want %q", r, got, want)
		}
	}
}
