package spool

import (
	"context"
	"errors"
	"io/fs"
	"os"
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

// openStateFile opens a lock or state file for reading and writing, creating it with mode
// 0600 (set explicitly, whatever the umask) if it does not exist.
func openStateFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, filePerm)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(filePerm); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
