package spool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// maxHoldFileLen bounds what is read of a hold file: one RFC 3339 time and a newline.
const maxHoldFileLen = 128

// Hold stops Flush from trying dest until the given time, at most [MaxHold] from now: Flush
// returns [StatusHeld] at once while held, and Enqueue still queues. The hold is stored
// durably in the destination's hold file, so it holds for every process that uses the
// queue. A zero or past until clears the hold. Flush sets a hold itself when a deliver
// function returns a rate limit, and removes the hold file once the hold has passed.
func (q *Queue) Hold(ctx context.Context, dest string, until time.Time) error {
	if err := checkDestination(dest); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("spool: hold %s: %w", dest, err)
	}
	now := q.now()
	if until.IsZero() || !until.After(now) {
		dir, err := q.trustedDir(false, pendingDir, dest)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err == nil {
			err = os.Remove(filepath.Join(dir, holdFile))
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("spool: clear hold of %s: %w", dest, err)
		}
		return nil
	}
	dir, err := q.trustedDir(true, pendingDir, dest)
	if err == nil {
		err = q.writeHold(dir, capHold(until, now))
	}
	if err != nil {
		return fmt.Errorf("spool: hold %s: %w", dest, err)
	}
	return nil
}

// writeHold stores until in the hold file of the destination directory dir, replacing
// whatever is there (never following a link).
func (q *Queue) writeHold(dir string, until time.Time) error {
	return q.replaceFile(dir, filepath.Join(dir, holdFile), until.UTC().AppendFormat(nil, time.RFC3339Nano))
}

// HeldUntil returns the time until which dest is held, or the zero time if it is not held
// (never, or no longer). A hold is never honoured beyond [MaxHold] from now, whatever its
// file says (a hold written under a clock that was fast, or by hand): the result is capped
// there, and the next Flush rewrites the file with the capped time. A damaged hold file
// yields an error wrapping [ErrCorrupt], and one that is not a regular file of this user an
// [*UnsafeError]; Flush then treats the destination as not held and removes the file.
func (q *Queue) HeldUntil(ctx context.Context, dest string) (time.Time, error) {
	if err := checkDestination(dest); err != nil {
		return time.Time{}, err
	}
	if err := ctx.Err(); err != nil {
		return time.Time{}, fmt.Errorf("spool: read hold of %s: %w", dest, err)
	}
	h := q.readHold(q.pendingPath(dest), q.now())
	if h.err != nil {
		return time.Time{}, fmt.Errorf("spool: read hold of %s: %w", dest, h.err)
	}
	return h.until, nil
}

// holdState is what a hold file says at a given time.
type holdState struct {
	until  time.Time // the end of an active hold, capped at MaxHold from now; zero if none
	exists bool      // there is a hold file (active, passed or damaged)
	capped bool      // the file says later than MaxHold from now: until is the cap
	err    error     // the file is damaged (ErrCorrupt) or not to be trusted (*UnsafeError)
}

// stale reports whether the hold file should go: it exists and holds nothing any more.
func (h holdState) stale() bool { return h.exists && h.until.IsZero() }

// readHold reads the hold file of the destination directory dir at time now.
func (q *Queue) readHold(dir string, now time.Time) holdState {
	data, err := readOwn(filepath.Join(dir, holdFile), maxHoldFileLen, q.uid)
	if errors.Is(err, fs.ErrNotExist) {
		return holdState{}
	}
	h := holdState{exists: true}
	if err != nil {
		if _, ok := errors.AsType[*UnsafeError](err); !ok {
			err = fmt.Errorf("%w: hold file: %v", ErrCorrupt, err)
		}
		h.err = err
		return h
	}
	until, err := parseHold(data)
	if err != nil {
		h.err = err
		return h
	}
	if !until.After(now) {
		return h // passed
	}
	h.until = capHold(until, now)
	h.capped = !h.until.Equal(until)
	return h
}

// capHold returns until, but at most MaxHold after now.
func capHold(until, now time.Time) time.Time {
	if limit := now.Add(MaxHold); until.After(limit) {
		return limit
	}
	return until
}

// parseHold decodes the content of a hold file: one RFC 3339 time, surrounding white space
// allowed. Every problem is an error wrapping ErrCorrupt.
func parseHold(data []byte) (time.Time, error) {
	text := bytes.TrimSpace(data)
	if len(text) == 0 {
		return time.Time{}, fmt.Errorf("%w: hold file is empty", ErrCorrupt)
	}
	until, err := time.Parse(time.RFC3339Nano, string(text))
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: hold file: not an RFC 3339 time", ErrCorrupt)
	}
	return until, nil
}
