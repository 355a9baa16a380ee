//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestStateSaysWhatWaitsAndWhen: what a retrier needs to sleep until a flush can do
// something: the count, the oldest request, the end of a hold and the next pace slot.
func TestStateSaysWhatWaitsAndWhen(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	ctx := context.Background()
	rate := Rate{N: 2, Per: time.Minute}

	st, err := q.State(ctx, "d", rate)
	if err != nil || st != (DestinationState{Destination: "d"}) {
		t.Errorf("State of an unknown destination = %+v, %v; want nothing waiting", st, err)
	}
	enqueueAll(t, q, "d", "1", "2", "3", "4")
	c.Advance(10 * time.Second)
	res, err := q.Flush(ctx, "d", (&sink{}).deliver, WithRate(rate))
	if err != nil || res.Status != StatusPaced {
		t.Fatalf("Flush = %+v, %v", res, err)
	}
	st, err = q.State(ctx, "d", rate)
	want := DestinationState{Destination: "d", Waiting: 2, Oldest: t0, PacedUntil: t0.Add(10*time.Second + time.Minute)}
	if diff := cmp.Diff(want, st); err != nil || diff != "" {
		t.Errorf("State (-want +got), %v:\n%s", err, diff)
	}
	if !st.NextAttempt().Equal(want.PacedUntil) {
		t.Errorf("NextAttempt = %v, want the pace slot %v", st.NextAttempt(), want.PacedUntil)
	}
	// Another rate (a larger budget) reads the same send times differently.
	if st, _ := q.State(ctx, "d", Rate{N: 3, Per: time.Minute}); !st.PacedUntil.IsZero() {
		t.Errorf("State with a budget of 3 = %+v, want a send allowed now", st)
	}
	if st, _ := q.State(ctx, "d", Rate{N: 1, Per: time.Minute}); !st.PacedUntil.Equal(want.PacedUntil) {
		t.Errorf("State with a budget of 1 = %+v, want paced until %v", st, want.PacedUntil)
	}

	if err := q.Hold(context.Background(), "d", c.Now().Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	st, _ = q.State(ctx, "d", Rate{})
	if !st.HeldUntil.Equal(c.Now().Add(5*time.Minute)) || !st.PacedUntil.IsZero() || !st.NextAttempt().Equal(st.HeldUntil) {
		t.Errorf("State while held, unpaced = %+v", st)
	}
	c.Advance(6 * time.Minute)
	if st, _ := q.State(ctx, "d", rate); !st.NextAttempt().IsZero() {
		t.Errorf("State after hold and pace passed = %+v, want an attempt allowed now", st)
	}
	if _, err := q.State(ctx, "../d", rate); !errors.Is(err, ErrInvalidDestination) {
		t.Errorf("State of an invalid name: %v", err)
	}
	if _, err := q.State(ctx, "d", Rate{N: 1}); err == nil {
		t.Error("State with an invalid rate succeeded")
	}
}

// TestWaitingListsDestinationsWithRequests: the retrier's work list, each destination with
// its own rate; it is empty once everything is delivered, which tells the retrier to end.
func TestWaitingListsDestinationsWithRequests(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	ctx := context.Background()
	enqueueAll(t, q, "ilert-a", "1", "2")
	enqueueAll(t, q, "alertops-b", "1")
	enqueueAll(t, q, "empty", "1")
	mustFlush(t, q, "empty", (&sink{}).deliver)
	rates := func(dest string) Rate {
		if strings.HasPrefix(dest, "ilert-") {
			return Rate{N: 1, Per: time.Minute}
		}
		return Rate{}
	}
	if _, err := q.Flush(ctx, "ilert-a", (&sink{}).deliver, WithRate(rates("ilert-a"))); err != nil {
		t.Fatal(err)
	}
	got, err := q.Waiting(ctx, rates)
	if err != nil {
		t.Fatal(err)
	}
	want := []DestinationState{
		{Destination: "alertops-b", Waiting: 1, Oldest: t0},
		{Destination: "ilert-a", Waiting: 1, Oldest: t0, PacedUntil: t0.Add(time.Minute)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Waiting (-want +got):\n%s", diff)
	}
	c.Advance(time.Minute)
	for _, d := range got {
		mustFlush(t, q, d.Destination, (&sink{}).deliver)
	}
	if got, err := q.Waiting(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("Waiting after delivering everything = %+v, %v; want none", got, err)
	}
}

// TestTryLockIsExclusiveUntilCloseOrDeath: the "one retrier per queue directory" lock:
// taken without waiting, refused to everyone else (another process, or another Lock of
// this one), and released by Close or by the death of its holder.
func TestTryLockIsExclusiveUntilCloseOrDeath(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	first, err := q.TryLock(context.Background(), "retrier")
	if err != nil {
		t.Fatal(err)
	}
	if first.Name() != "retrier" {
		t.Errorf("Name() = %q", first.Name())
	}
	if _, err := q.TryLock(context.Background(), "retrier"); !errors.Is(err, ErrLocked) {
		t.Errorf("a second TryLock in the same process: %v, want ErrLocked", err)
	}
	if other, err := q.TryLock(context.Background(), "other"); err != nil {
		t.Errorf("another name: %v", err)
	} else {
		other.Close()
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	cmd := helperCmd(t, "hold-lock", q.Dir(), "", helperNameEnv+"=retrier")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}
	if _, err := q.TryLock(context.Background(), "retrier"); !errors.Is(err, ErrLocked) {
		t.Errorf("TryLock while another process holds it: %v, want ErrLocked", err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	again, err := q.TryLock(context.Background(), "retrier")
	if err != nil {
		t.Fatalf("TryLock after its holder died: %v", err)
	}
	again.Close()

	for _, bad := range []string{"", "../x", "a/b"} {
		if _, err := q.TryLock(context.Background(), bad); !errors.Is(err, ErrInvalidDestination) {
			t.Errorf("TryLock(%q): %v", bad, err)
		}
	}
	link := filepath.Join(q.Dir(), "planted"+lockSuffix)
	if err := os.Symlink(filepath.Join(t.TempDir(), "victim"), link); err != nil {
		t.Fatal(err)
	}
	if _, err := q.TryLock(context.Background(), "planted"); !errors.As(err, new(*UnsafeError)) {
		t.Errorf("TryLock of a planted link: %v, want an *UnsafeError", err)
	}
}
