package spool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Status says how a [Queue.Flush] ended.
type Status string

// The statuses of a flush.
const (
	// StatusDone: every request queued for the destination was handled (delivered, or moved
	// to failed/), including those enqueued while the flush ran.
	StatusDone Status = "done"
	// StatusStopped: a temporary failure or rate limit ([FlushResult.Err]) or the end of the
	// context stopped the destination; the rest stays queued, in order.
	StatusStopped Status = "stopped"
	// StatusBusy: another flush (in this or another process) holds the destination's flush
	// lock. It delivers what is queued, including requests enqueued before this call.
	StatusBusy Status = "busy"
	// StatusHeld: the destination is held after a rate limit until [FlushResult.HeldUntil];
	// nothing was tried.
	StatusHeld Status = "held"
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	switch s {
	case StatusDone, StatusStopped, StatusBusy, StatusHeld:
		return true
	}
	return false
}

// FlushResult reports what one [Queue.Flush] did.
type FlushResult struct {
	Status    Status
	Delivered int       // deleted after the deliver function returned nil or a benign error
	Failed    int       // rejected (a permanent error) or corrupt, moved to failed/
	Expired   int       // older than the maximum age, moved to failed/
	Remaining int       // requests queued for the destination when Flush returned
	Err       error     // for StatusStopped: the failure that stopped the destination
	HeldUntil time.Time // for StatusHeld, and after a rate limit: the end of the hold
}

// Flush delivers the requests queued for dest, oldest first, through deliver, and acts on
// the error of each as [DeliverFunc] describes:
//
//   - Delivered (nil or benign) requests are deleted; rejected (permanent) ones move to
//     failed/ with the reason; both go on with the next request.
//   - A temporary failure or a rate limit (which also holds the destination) stops the
//     destination: the request and everything after it stay queued, in order.
//   - Requests older than the maximum age are moved to failed/ as expired without being
//     tried; files that do not decode are moved to failed/ as corrupt.
//
// Flush holds the destination's flush lock while it works. If another flush holds it,
// Flush returns [StatusBusy] at once instead of waiting: that flusher re-checks for new
// requests before it lets go of the lock, so nothing enqueued before this call is left
// behind. A held destination returns [StatusHeld] at once.
//
// Delivery failures are reported in the result, not as an error. Flush returns an error
// when the queue itself fails (a file cannot be read, moved or deleted) or when ctx ends;
// the result then says what was done so far.
func (q *Queue) Flush(ctx context.Context, dest string, deliver DeliverFunc) (FlushResult, error) {
	var res FlushResult
	if err := checkDestination(dest); err != nil {
		return res, err
	}
	if deliver == nil {
		return res, errors.New("spool: deliver function must not be nil")
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("spool: flush %s: %w", dest, context.Cause(ctx))
	}
	f := flusher{q: q, dest: dest, dir: q.pendingPath(dest), deliver: deliver, res: &res}
	// Removals are not synced to disk: after a crash a delivered request may come back
	// and be delivered again, which the queue allows (at least once, never lost), and a
	// sync per flush would cost every notification run another disk flush.
	err := f.run(ctx)
	if n, lerr := q.Len(dest); lerr == nil {
		res.Remaining = n
	} else if err == nil {
		err = lerr
	}
	return res, err
}

// flusher is the state of one Flush call.
type flusher struct {
	q       *Queue
	dest    string
	dir     string
	deliver DeliverFunc
	res     *FlushResult
}

func (f *flusher) run(ctx context.Context) error {
	if until, err := f.q.HeldUntil(f.dest); err == nil && !until.IsZero() {
		f.res.Status, f.res.HeldUntil = StatusHeld, until
		return nil
	}
	flushLock, err := openStateFile(filepath.Join(f.dir, flushLockFile))
	if errors.Is(err, fs.ErrNotExist) {
		f.res.Status = StatusDone // nothing was ever enqueued for dest
		return nil
	}
	if err != nil {
		return f.errorf("open flush lock: %w", err)
	}
	defer flushLock.Close() // a second Close after the hand-off is harmless
	locked, err := tryLock(flushLock)
	if err != nil {
		return f.errorf("%w", err)
	}
	if !locked {
		f.res.Status = StatusBusy
		return nil
	}
	seqLock, err := openStateFile(filepath.Join(f.dir, seqFile))
	if err != nil {
		return f.errorf("open seq lock: %w", err)
	}
	defer seqLock.Close()

	var seqs []uint64
	for {
		// List under the seq lock: no request can appear half-way through the listing, so a
		// later request is never seen without the earlier ones.
		if err := lockWait(ctx, seqLock); err != nil {
			return f.stopped(ctx, err)
		}
		mark := readCounter(seqLock)
		var temps []string
		seqs, temps, err = listSeqs(f.dir, seqs)
		if uerr := unlock(seqLock); err == nil {
			err = uerr
		}
		if err != nil {
			return f.errorf("list: %w", err)
		}
		f.removeStaleTemps(temps)

		for _, seq := range seqs {
			if ctx.Err() != nil {
				return f.stopped(ctx, context.Cause(ctx))
			}
			stop, err := f.handle(ctx, seq)
			if err != nil {
				return err
			}
			if stop {
				f.res.Status = StatusStopped
				if ctx.Err() != nil {
					return f.errorf("%w", context.Cause(ctx))
				}
				return nil
			}
		}

		// Hand-off: an enqueuer that found the flush lock busy relies on us. Check under the
		// seq lock that nothing was enqueued since the listing, and let go of the flush lock
		// before the seq lock, so that every later enqueuer finds the flush lock free (or
		// held by a flusher that will make this same check after its enqueue).
		if err := lockWait(context.WithoutCancel(ctx), seqLock); err != nil {
			return f.errorf("%w", err)
		}
		if readCounter(seqLock) == mark {
			flushLock.Close()
			if err := unlock(seqLock); err != nil {
				return f.errorf("%w", err)
			}
			f.res.Status = StatusDone
			return nil
		}
		if err := unlock(seqLock); err != nil {
			return f.errorf("%w", err)
		}
	}
}

// handle delivers, expires or fails one request. It reports whether the destination must
// stop (a temporary failure).
func (f *flusher) handle(ctx context.Context, seq uint64) (stop bool, err error) {
	path := filepath.Join(f.dir, seqName(seq, reqSuffix))
	data, err := readRequest(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil // removed by hand since the listing
	}
	var h header
	var payload []byte
	if err == nil {
		h, payload, err = decodeItem(data)
	}
	now := f.q.now()
	if err != nil {
		if !errors.Is(err, ErrCorrupt) {
			return true, f.errorf("read %s: %w", seqName(seq, reqSuffix), err)
		}
		f.res.Failed++
		return false, f.fail(seq, "corrupt request file: "+err.Error(), now)
	}
	if age := now.Sub(h.Enqueued); age > f.q.maxAge {
		f.res.Expired++
		reason := "expired after " + formatAge(f.q.maxAge) + " (enqueued " +
			h.Enqueued.UTC().Format(time.RFC3339) + ", never delivered)"
		return false, f.fail(seq, reason, now)
	}

	err = f.deliver(ctx, Item{
		ID:          ID(f.dest + "/" + seqName(seq, "")),
		Destination: f.dest,
		Enqueued:    h.Enqueued,
		Payload:     payload,
	})
	switch actionOf(err) {
	case actionDelete:
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return true, f.errorf("delete delivered %s: %w", seqName(seq, reqSuffix), err)
		}
		f.res.Delivered++
		return false, nil
	case actionFail:
		f.res.Failed++
		return false, f.fail(seq, "rejected: "+err.Error(), now)
	case actionHold:
		f.res.Err = err
		f.res.HeldUntil = now.Add(holdFor(err))
		if err := f.q.Hold(f.dest, f.res.HeldUntil); err != nil {
			return true, err
		}
		return true, nil
	default:
		f.res.Err = err
		return true, nil
	}
}

func (f *flusher) fail(seq uint64, reason string, now time.Time) error {
	if err := f.q.moveToFailed(f.dest, seq, reason, now); err != nil {
		return f.errorf("move %s to failed: %w", seqName(seq, reqSuffix), err)
	}
	return nil
}

// stopped ends the flush because ctx ended or the seq lock could not be taken.
func (f *flusher) stopped(ctx context.Context, err error) error {
	f.res.Status = StatusStopped
	if ctx.Err() != nil {
		f.res.Err = err
	}
	return f.errorf("%w", err)
}

func (f *flusher) errorf(format string, args ...any) error {
	if f.res.Status == "" {
		f.res.Status = StatusStopped
	}
	return fmt.Errorf("spool: flush "+f.dest+": "+format, args...)
}

// removeStaleTemps deletes temporary files left by killed processes. A temporary file of a
// running Enqueue is milliseconds old; one older than staleTempAge is a left-over. The age
// is measured on the real clock, the one that set the modification time, not q.now.
func (f *flusher) removeStaleTemps(temps []string) {
	for _, name := range temps {
		path := filepath.Join(f.dir, name)
		fi, err := os.Lstat(path)
		if err == nil && time.Since(fi.ModTime()) > staleTempAge {
			os.Remove(path) // best effort: a left-over is harmless, it is never a request
		}
	}
}

// readRequest reads a request file. A file larger than any valid request is reported as
// corrupt without being read.
func readRequest(path string) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return nil, err
	}
	const limit = maxHeaderLen + 1 + MaxPayloadSize
	if fi.Size() > limit {
		return nil, fmt.Errorf("%w: file is %d bytes, more than any request", ErrCorrupt, fi.Size())
	}
	data := make([]byte, fi.Size())
	if _, err := io.ReadFull(file, data); err != nil {
		return nil, err
	}
	return data, nil
}

// formatAge writes whole days as "7 days" and anything else as time.Duration does.
func formatAge(d time.Duration) string {
	const day = 24 * time.Hour
	if d >= day && d%day == 0 {
		if d == day {
			return "1 day"
		}
		return strconv.FormatInt(int64(d/day), 10) + " days"
	}
	return d.String()
}
