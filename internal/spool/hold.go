package spool

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Hold stops Flush from trying dest until the given time: Flush returns [StatusHeld] at once
// while held, and Enqueue still queues. The hold is stored durably in the destination's
// hold file, so it holds for every process that uses the queue. A zero or past until clears
// the hold. Flush sets a hold itself when a deliver function returns a rate limit.
func (q *Queue) Hold(dest string, until time.Time) error {
	if err := checkDestination(dest); err != nil {
		return err
	}
	dir := q.pendingPath(dest)
	path := filepath.Join(dir, holdFile)
	if until.IsZero() || !until.After(q.now()) {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("spool: clear hold of %s: %w", dest, err)
		}
		return nil
	}
	tmp, err := q.writeTemp(dir, until.UTC().AppendFormat(nil, time.RFC3339Nano))
	if err == nil {
		err = os.Rename(tmp, path)
		if err != nil {
			os.Remove(tmp)
		}
	}
	if err == nil {
		err = q.syncDir(dir)
	}
	if err != nil {
		return fmt.Errorf("spool: hold %s: %w", dest, err)
	}
	return nil
}

// HeldUntil returns the time until which dest is held, or the zero time if it is not held
// (never, or no longer). A damaged hold file yields an error wrapping [ErrCorrupt]; Flush
// then treats the destination as not held.
func (q *Queue) HeldUntil(dest string) (time.Time, error) {
	if err := checkDestination(dest); err != nil {
		return time.Time{}, err
	}
	data, err := readHead(filepath.Join(q.pendingPath(dest), holdFile), 128)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("spool: read hold of %s: %w", dest, err)
	}
	until, err := time.Parse(time.RFC3339Nano, string(bytes.TrimSpace(data)))
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: hold file of %s: %v", ErrCorrupt, dest, err)
	}
	if !until.After(q.now()) {
		return time.Time{}, nil
	}
	return until, nil
}
