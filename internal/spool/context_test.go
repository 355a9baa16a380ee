//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCanceledContextStopsEveryCall: every call of the queue that touches the disk takes a
// context and, given one that is done, does nothing and returns an error wrapping the
// context's error.
func TestCanceledContextStopsEveryCall(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	enqueueAll(t, q, "ilert", "one")
	done, cancel := context.WithCancel(context.Background())
	cancel()
	until := time.Now().Add(time.Minute)
	calls := map[string]func() error{
		"Destinations": func() error { _, err := q.Destinations(done); return err },
		"Len":          func() error { _, err := q.Len(done, "ilert"); return err },
		"Failed":       func() error { _, err := q.Failed(done); return err },
		"Hold":         func() error { return q.Hold(done, "ilert", until) },
		"HeldUntil":    func() error { _, err := q.HeldUntil(done, "ilert"); return err },
		"TryLock": func() error {
			l, err := q.TryLock(done, "retrier")
			if l != nil {
				l.Close()
			}
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: error %v, want one wrapping context.Canceled", name, err)
		}
	}
	// Nothing happened: no hold was written, and the lock is free.
	if held, err := q.HeldUntil(context.Background(), "ilert"); err != nil || !held.IsZero() {
		t.Errorf("HeldUntil after a canceled Hold = %v, %v; want no hold", held, err)
	}
	l, err := q.TryLock(context.Background(), "retrier")
	if err != nil {
		t.Fatalf("TryLock after a canceled TryLock: %v", err)
	}
	l.Close()
	if n, err := q.Len(context.Background(), "ilert"); err != nil || n != 1 {
		t.Errorf("Len = %d, %v; want 1", n, err)
	}
}

// TestOpenWithCanceledContextCreatesNothing: Open given a done context neither creates
// the queue directory nor anything in it.
func TestOpenWithCanceledContextCreatesNothing(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "queue")
	done, cancel := context.WithCancel(context.Background())
	cancel()
	q, err := Open(done, dir)
	if !errors.Is(err, context.Canceled) || q != nil {
		t.Fatalf("Open with a canceled context = %v, %v; want nil and an error wrapping context.Canceled", q, err)
	}
	if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open with a canceled context left %s behind (Lstat: %v)", dir, err)
	}
}
