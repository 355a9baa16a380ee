//go:build unix

package spool

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// TestReleaseFreesTheLockWhileACopyOfTheDescriptorLives: a child process being started by
// another goroutine holds a copy of every descriptor from fork to exec. Closing the
// locked file alone would leave the lock held by that copy (and so a second Enqueue or
// Flush would find the queue busy); release unlocks first, so the lock is free at once.
func TestReleaseFreesTheLockWhileACopyOfTheDescriptorLives(t *testing.T) {
	t.Parallel()
	q := openQueue(t)

	t.Run("state file", func(t *testing.T) {
		path := filepath.Join(q.Dir(), "pending", "probe.lock")
		f, err := openStateFile(path, q.uid)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := tryLock(f); !ok || err != nil {
			t.Fatalf("tryLock = %v, %v", ok, err)
		}
		dup(t, int(f.Fd()))
		if err := release(f); err != nil {
			t.Fatalf("release: %v", err)
		}
		other, err := openStateFile(path, q.uid)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if ok, err := tryLock(other); !ok || err != nil {
			t.Errorf("tryLock after release with a copy of the descriptor open = %v, %v; want the lock free", ok, err)
		}
		if err := release(f); err == nil {
			t.Error("a second release returned no error, want the one of closing a closed file")
		}
	})

	t.Run("TryLock", func(t *testing.T) {
		l, err := q.TryLock(context.Background(), "retrier")
		if err != nil {
			t.Fatal(err)
		}
		dup(t, int(l.file.Fd()))
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		again, err := q.TryLock(context.Background(), "retrier")
		if err != nil {
			t.Fatalf("TryLock after Close with a copy of the descriptor open: %v; want the lock free", err)
		}
		again.Close()
		if err := l.Close(); err == nil {
			t.Error("a second Close returned no error")
		}
		if _, err := q.TryLock(context.Background(), "retrier"); errors.Is(err, ErrLocked) {
			t.Error("the lock is still held after Close")
		}
	})
}

// dup copies fd as a child process between fork and exec would, and closes the copy when
// the test ends.
func dup(t *testing.T, fd int) int {
	t.Helper()
	c, err := syscall.Dup(fd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(c) })
	return c
}
