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
	// StatusStopped: a temporary failure or rate limit ([FlushResult.Err]), the end of the
	// context or a failure of the queue itself stopped the destination; the rest stays
	// queued, in order.
	StatusStopped Status = "stopped"
	// StatusBusy: another flush (in this or another process) holds the destination's flush
	// lock. It delivers what is queued, including requests enqueued before this call, unless
	// it stops in turn (a failure, its pacing, its context, or its process killed): a caller
	// that must see its request delivered needs a later flush to follow (a retrier).
	StatusBusy Status = "busy"
	// StatusHeld: the destination is held after a rate limit until [FlushResult.HeldUntil];
	// nothing was tried.
	StatusHeld Status = "held"
	// StatusPaced: the flush's [Rate] allows no more sends before [FlushResult.PacedUntil];
	// the rest stays queued, in order. Requests may have been delivered before the budget
	// was used up.
	StatusPaced Status = "paced"
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	switch s {
	case StatusDone, StatusStopped, StatusBusy, StatusHeld, StatusPaced:
		return true
	}
	return false
}

// FlushResult reports what one [Queue.Flush] did.
type FlushResult struct {
	Status     Status
	Delivered  int       // deleted after the deliver function returned nil or a benign error
	Failed     int       // rejected (a permanent error), corrupt or untrusted, moved to failed/
	Expired    int       // older than their maximum age and failed once more, moved to failed/
	Remaining  int       // requests queued for the destination when Flush returned
	Err        error     // for StatusStopped: the failure that stopped the destination
	HeldUntil  time.Time // for StatusHeld, and after a rate limit: the end of the hold
	PacedUntil time.Time // for StatusPaced: when the next send is allowed
}

// handoffMaxWait bounds every wait of Flush for the destination's seq lock (which others
// hold for a rename and a small synced write), also when ctx has no deadline: a process
// stopped while holding it must not stop every flush for good.
const handoffMaxWait = 10 * time.Second

// Flush delivers the requests queued for dest, oldest first, through deliver, and acts on
// the error of each as [DeliverFunc] describes:
//
//   - Delivered (nil or benign) requests are deleted; rejected (permanent) ones move to
//     failed/ with the reason; both go on with the next request.
//   - A temporary failure or a rate limit (which also holds the destination) stops the
//     destination: the request and everything after it stay queued, in order.
//   - A request older than its maximum age (its own, [ExpireAfter], else the Queue's
//     [WithMaxAge]) is still tried, with [Item.Expiring] set; only if that try fails too
//     (temporarily, or by a rate limit) does it move to failed/ as expired, and the flush
//     goes on with the next request (after a rate limit it stops). So a request expires
//     only after it was tried and failed at least once after it became too old: a forward
//     jump of the clock never expires a request untried. The reason file, written and
//     synced before the request leaves pending/, records that try.
//   - A file that does not decode moves to failed/ as corrupt; one that is not a regular
//     file of this user (a link, a named pipe, a device, another user's file, one that
//     others may write) moves to failed/ unread, with the reason.
//
// Flush holds the destination's flush lock while it works. If another flush holds it,
// Flush returns [StatusBusy] at once instead of waiting: that flusher re-checks for new
// requests before it lets go of the lock, so nothing enqueued before this call is left
// behind while it runs. A held destination returns [StatusHeld] at once; a hold file whose
// hold has passed, or that is damaged, is removed.
//
// A request queued with a rate ([PaceAt]), or every request when the flush is given one
// ([WithRate]), is sent only if the rate allows it: each send is first recorded in the
// destination's pace file (under the flush lock, shared by every process); when the
// budget is used up, Flush stops with [StatusPaced]. Requests without a rate are not
// paced, and a flush that meets none neither reads nor writes the pace file.
//
// Delivery failures are reported in the result, not as an error. Flush returns an error
// when the queue itself fails (a file cannot be read, moved or deleted, a directory fails
// the trust check, the seq lock cannot be taken within ctx and 10 s) or when ctx ends; the
// result then says what was done so far.
func (q *Queue) Flush(ctx context.Context, dest string, deliver DeliverFunc, opts ...FlushOption) (FlushResult, error) {
	var res FlushResult
	if err := checkDestination(dest); err != nil {
		return res, err
	}
	if deliver == nil {
		return res, errors.New("spool: deliver function must not be nil")
	}
	var o flushOptions
	for _, opt := range opts {
		opt(&o)
	}
	if !o.rate.Valid() {
		return res, fmt.Errorf("spool: flush %s: invalid rate %d per %v (want 1 to %d per positive interval, or the zero Rate)", dest, o.rate.N, o.rate.Per, MaxRateN)
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("spool: flush %s: %w", dest, context.Cause(ctx))
	}
	dir, err := q.trustedDir(false, pendingDir, dest)
	if errors.Is(err, fs.ErrNotExist) {
		res.Status = StatusDone // nothing was ever enqueued for dest
		return res, nil
	}
	if err != nil {
		res.Status = StatusStopped
		return res, flushError(dest, err)
	}
	f := flusher{q: q, dest: dest, dir: dir, deliver: deliver, rate: o.rate, rateSet: o.rateSet, res: &res}
	// Removals are not synced to disk: after a crash a delivered request may come back
	// and be delivered again, which the queue allows (at least once, never lost), and a
	// sync per flush would cost every notification run another disk flush.
	err = f.run(ctx)
	f.pacer.close()
	q.removeFailedTemps(dest)
	if n, lerr := q.Len(context.WithoutCancel(ctx), dest); lerr == nil {
		res.Remaining = n
	} else if err == nil {
		err = lerr
	}
	return res, err
}

// flushError wraps an error of Flush.
func flushError(dest string, err error) error {
	return fmt.Errorf("spool: flush %s: %w", dest, err)
}

// flusher is the state of one Flush call.
type flusher struct {
	q       *Queue
	dest    string
	dir     string
	deliver DeliverFunc
	rate    Rate   // WithRate's, when rateSet
	rateSet bool   // the rate applies to every request, in place of their own
	pacer   *pacer // opened before the first paced send, with the rate of that request
	res     *FlushResult
}

func (f *flusher) run(ctx context.Context) error {
	if h := f.q.readHold(f.dir, f.q.now()); !h.until.IsZero() && !h.capped {
		f.res.Status, f.res.HeldUntil = StatusHeld, h.until
		return nil
	}
	flushLock, err := openStateFile(filepath.Join(f.dir, flushLockFile), f.q.uid)
	if errors.Is(err, fs.ErrNotExist) {
		f.res.Status = StatusDone // the directory was removed by hand
		return nil
	}
	if err != nil {
		return f.errorf("open flush lock: %w", err)
	}
	defer release(flushLock) // a second release after the hand-off is harmless
	locked, err := tryLock(flushLock)
	if err != nil {
		return f.errorf("%w", err)
	}
	if !locked {
		f.res.Status = StatusBusy
		return nil
	}
	if held, err := f.settleHold(); held || err != nil {
		return err
	}
	seqLock, err := openStateFile(filepath.Join(f.dir, seqFile), f.q.uid)
	if err != nil {
		return f.errorf("open seq lock: %w", err)
	}
	defer release(seqLock)

	var seqs []uint64
	for {
		// List under the seq lock: no request can appear half-way through the listing, so a
		// later request is never seen without the earlier ones.
		if err := f.lockSeq(ctx, seqLock); err != nil {
			return f.stopped(ctx, err)
		}
		mark, _ := readCounter(seqLock)
		var temps []string
		seqs, temps, err = listSeqs(f.dir, seqs)
		if uerr := unlock(seqLock); err == nil {
			err = uerr
		}
		if err != nil {
			return f.errorf("list: %w", err)
		}
		removeStaleTemps(f.dir, temps)

		for _, seq := range seqs {
			if ctx.Err() != nil {
				return f.stopped(ctx, context.Cause(ctx))
			}
			stop, err := f.handle(ctx, seq)
			if err != nil {
				return err
			}
			if stop {
				if f.res.Status == "" {
					f.res.Status = StatusStopped
				}
				if ctx.Err() != nil {
					return f.errorf("%w", context.Cause(ctx))
				}
				return nil
			}
		}

		// Hand-off: an enqueuer that found the flush lock busy relies on us. Check under the
		// seq lock that nothing was enqueued since the listing, and let go of the flush lock
		// before the seq lock, so that every later enqueuer finds the flush lock free (or
		// held by a flusher that will make this same check after its enqueue). The wait is
		// bounded: if it fails, the result says stopped, and what may have been enqueued
		// meanwhile waits for the next flush.
		if err := f.lockSeq(ctx, seqLock); err != nil {
			return f.stopped(ctx, fmt.Errorf("hand-off: %w", err))
		}
		if now, _ := readCounter(seqLock); now == mark {
			release(flushLock)
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

// lockSeq waits for the seq lock, at most until ctx ends or for handoffMaxWait. The lock
// is tried once before ctx is looked at, so a free lock is taken even after ctx ended.
func (f *flusher) lockSeq(ctx context.Context, seqLock *os.File) error {
	wait := f.q.handoffWait
	if wait <= 0 {
		wait = handoffMaxWait
	}
	ctx, cancel := context.WithTimeoutCause(ctx, wait,
		fmt.Errorf("the seq lock of %s was held by another process for more than %v", f.dest, wait))
	defer cancel()
	return lockWait(ctx, seqLock)
}

// settleHold looks at the hold file again under the flush lock, where no flush of another
// process can change it: a hold that has passed or is damaged is removed; one beyond
// MaxHold from now is rewritten with the capped time. It reports whether the destination is
// held.
func (f *flusher) settleHold() (bool, error) {
	now := f.q.now()
	h := f.q.readHold(f.dir, now)
	switch {
	case !h.until.IsZero():
		f.res.Status, f.res.HeldUntil = StatusHeld, h.until
		if h.capped {
			if err := f.q.writeHold(f.dir, h.until); err != nil {
				return true, f.errorf("cap hold: %w", err)
			}
		}
		return true, nil
	case h.stale():
		err := os.Remove(filepath.Join(f.dir, holdFile))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false, f.errorf("clear passed hold: %w", err)
		}
	}
	return false, nil
}

// handle delivers, expires or fails one request. It reports whether the destination must
// stop (a temporary failure, a rate limit or pacing).
func (f *flusher) handle(ctx context.Context, seq uint64) (stop bool, err error) {
	name := seqName(seq, reqSuffix)
	path := filepath.Join(f.dir, name)
	now := f.q.now()
	// Only a regular file of this user is ever opened: a named pipe would block the flush,
	// a link could point anywhere, and another user's file could be a forged request.
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil // removed by hand since the listing
	}
	if err != nil {
		return true, f.errorf("read %s: %w", name, err)
	}
	var data []byte
	err = checkOwnFile(path, fi, f.q.uid)
	if err == nil {
		data, err = readRequest(path, f.q.uid)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if unsafe, ok := errors.AsType[*UnsafeError](err); ok {
		f.res.Failed++
		return false, f.fail(seq, "not used, moved aside unread: it "+unsafe.Problem, now)
	}
	var h header
	var payload []byte
	if err == nil {
		h, payload, err = decodeItem(data)
	}
	if err != nil {
		if !errors.Is(err, ErrCorrupt) {
			return true, f.errorf("read %s: %w", name, err)
		}
		f.res.Failed++
		return false, f.fail(seq, "corrupt request file: "+err.Error(), now)
	}
	maxAge := time.Duration(h.MaxAge)
	if maxAge <= 0 {
		maxAge = f.q.maxAge
	}
	overdue := now.Sub(h.Enqueued) > maxAge

	rate := Rate(h.Rate)
	if f.rateSet {
		rate = f.rate
	}
	if !rate.Off() {
		if f.pacer != nil && f.pacer.rate != rate {
			f.pacer.close() // requests queued with another rate: reshape the file for this one
			f.pacer = nil
		}
		if f.pacer == nil {
			if f.pacer, err = f.q.openPacer(f.dir, rate, now); err != nil {
				return true, f.errorf("pace file: %w", err)
			}
		}
		if next := f.pacer.next(now); next.After(now) {
			f.res.Status, f.res.PacedUntil = StatusPaced, next
			return true, nil
		}
		if err := f.pacer.record(now); err != nil {
			return true, f.errorf("pace file: %w", err)
		}
	}

	err = f.deliver(ctx, Item{
		ID:          ID(f.dest + "/" + seqName(seq, "")),
		Destination: f.dest,
		Enqueued:    h.Enqueued,
		MaxAge:      time.Duration(h.MaxAge),
		Payload:     payload,
		Expiring:    overdue,
	})
	// A failure because our own context ended says nothing about the destination.
	lastTry := overdue && ctx.Err() == nil
	switch actionOf(err) {
	case actionDelete:
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return true, f.errorf("delete delivered %s: %w", name, err)
		}
		f.res.Delivered++
		return false, nil
	case actionFail:
		f.res.Failed++
		return false, f.fail(seq, "rejected: "+err.Error(), now)
	case actionHold:
		f.res.Err = err
		f.res.HeldUntil = capHold(now.Add(holdFor(err)), now)
		if err := f.q.writeHold(f.dir, f.res.HeldUntil); err != nil {
			return true, f.errorf("hold: %w", err)
		}
		if lastTry {
			return true, f.expire(seq, h, maxAge, err, now)
		}
		return true, nil
	default:
		if lastTry {
			return false, f.expire(seq, h, maxAge, err, now)
		}
		f.res.Err = err
		return true, nil
	}
}

// expire moves a request that failed its last try to failed/ as expired.
func (f *flusher) expire(seq uint64, h header, maxAge time.Duration, cause error, now time.Time) error {
	f.res.Expired++
	reason := "expired after " + formatAge(maxAge) + " (enqueued " +
		h.Enqueued.UTC().Format(time.RFC3339) + ", never delivered; the last try at " +
		now.UTC().Format(time.RFC3339) + " failed: " + cause.Error() + ")"
	return f.fail(seq, reason, now)
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

// removeFailedTemps removes stale temporary files (reason files a killed process was
// writing) in failed/<dest>/, as Flush does in pending/<dest>/.
func (q *Queue) removeFailedTemps(dest string) {
	dir, err := q.trustedDir(false, failedDir, dest)
	if err != nil {
		return // nothing there, or not ours to clean
	}
	var temps []string
	if scanDir(dir, func(name string) {
		if isTemp(name) {
			temps = append(temps, name)
		}
	}) == nil {
		removeStaleTemps(dir, temps)
	}
}

// readRequest reads a request file (see openOwn). A file larger than any valid request is
// reported as corrupt without being read.
func readRequest(path string, uid int) ([]byte, error) {
	file, fi, err := openOwn(path, os.O_RDONLY, 0, uid)
	if err != nil {
		return nil, err
	}
	defer file.Close()
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
