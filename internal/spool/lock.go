package spool

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Waiting for the short seq lock: start at 50 µs, double up to 5 ms. The lock is held for a
// rename and a small write (or, by a flusher, for one directory listing).
const (
	lockPollMin = 50 * time.Microsecond
	lockPollMax = 5 * time.Millisecond
)

// lockWait takes an exclusive lock on f, polling until it succeeds or ctx ends.
func lockWait(ctx context.Context, f *os.File) error {
	delay := lockPollMin
	var timer *time.Timer
	for {
		ok, err := tryLock(f)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if timer == nil {
			timer = time.NewTimer(delay)
		} else {
			timer.Reset(delay)
		}
		select {
		case <-ctx.Done():
			timer.Stop()
			return context.Cause(ctx)
		case <-timer.C:
		}
		delay = min(2*delay, lockPollMax)
	}
}

// Lock is an exclusive, named lock in the queue directory, taken with [Queue.TryLock]. It
// is held until Close, or until the process ends however it ends (flock(2): the kernel
// releases it with the last open file description). It is not inherited by programs the
// process starts.
//
// Keep the *Lock reachable for as long as it must hold: an unreachable Lock's file is
// closed by the garbage collector, which releases the lock. A program that holds one for
// its lifetime calls Close (or runtime.KeepAlive) at its end.
type Lock struct {
	file *os.File
	name string
}

// TryLock takes the lock named name (a name as for a destination, see [ValidDestination];
// the file <dir>/<name>.lock) without waiting. If another process, or another Lock of this
// one, holds it, TryLock returns an error wrapping [ErrLocked] at once.
//
// The Checkmk notifier uses TryLock("retrier") for "one retrier per queue directory": a
// retrier takes the lock when it starts and exits if it is taken. So that no request is
// left waiting without a retrier, a retrier that finds nothing waiting first releases the
// lock, then looks once more ([Queue.Waiting]) and, if something arrived, takes the lock
// again (and exits if that fails: someone else has it); and a run that leaves requests
// waiting starts a retrier whenever it can take the lock itself, after it enqueued. A probe
// (TryLock, then Close) must be followed by starting a retrier when it succeeded: a
// retrier starting while the probe held the lock has exited.
func (q *Queue) TryLock(ctx context.Context, name string) (*Lock, error) {
	if !ValidDestination(name) {
		return nil, fmt.Errorf("%w: lock name %q", ErrInvalidDestination, truncateName(name))
	}
	if err := ctx.Err(); err != nil {
		return nil, lockError(name, err)
	}
	dir, err := q.trustedDir(false)
	if err != nil {
		return nil, lockError(name, err)
	}
	f, err := openStateFile(filepath.Join(dir, name+lockSuffix), q.uid)
	if err != nil {
		return nil, lockError(name, err)
	}
	ok, err := tryLock(f)
	if err == nil && !ok {
		err = ErrLocked
	}
	if err != nil {
		f.Close()
		return nil, lockError(name, err)
	}
	return &Lock{file: f, name: name}, nil
}

// Name returns the lock's name.
func (l *Lock) Name() string { return l.name }

// Close releases the lock. Closing it again does nothing and returns an error.
func (l *Lock) Close() error {
	return release(l.file)
}

// release unlocks f, then closes it. Closing alone is not enough: a child process that
// another goroutine is starting holds a copy of every descriptor from fork to exec, and with
// it the lock, which would then outlive the Close for as long as the child takes to exec.
// Unlocking releases the lock for every copy at once.
func release(f *os.File) error {
	_ = unlock(f) // fails only if f is closed already, which Close reports
	return f.Close()
}

func lockError(name string, err error) error {
	return fmt.Errorf("spool: lock %s: %w", name, err)
}
