package spool

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// EnqueueOption configures one [Queue.Enqueue] or [Queue.EnqueueBatch].
type EnqueueOption func(*enqueueOptions) error

// enqueueOptions are the settings an EnqueueOption changes.
type enqueueOptions struct {
	maxAge    time.Duration
	rate      Rate
	deferSync bool
}

// ExpireAfter stores d in the request as its maximum age: a Flush moves the request to
// failed/ as expired once it is older than d (and one more try failed), whatever maximum
// age the Queue that flushes it was opened with. Without it the flushing Queue's
// [WithMaxAge] applies. d must be positive.
func ExpireAfter(d time.Duration) EnqueueOption {
	return func(o *enqueueOptions) error {
		if d <= 0 {
			return fmt.Errorf("spool: max age must be positive, got %v", d)
		}
		o.maxAge = d
		return nil
	}
}

// PaceAt stores r in the request as its rate: a Flush sends the request only when r
// allows one more send to the destination ([Rate]: at most r.N sends in any interval of
// r.Per, counted across every process and every request of the destination), unless the
// Flush is given its own rate with [WithRate]. A request over the budget stays queued, in
// order, and Flush returns [StatusPaced]. So a program whose later flushes have no
// configuration to read the rate from (the Checkmk notifier's flush and retrier) still
// paces each request as its rule said. r must be valid and not [Rate.Off]; the zero Rate
// is the default: not paced.
func PaceAt(r Rate) EnqueueOption {
	return func(o *enqueueOptions) error {
		if r.Off() || !r.Valid() {
			return fmt.Errorf("spool: rate %d per %v: want 1 to %d per positive interval", r.N, r.Per, MaxRateN)
		}
		o.rate = r
		return nil
	}
}

// DeferSync makes [Queue.Enqueue] publish the request without syncing anything: the file,
// the sequence counter and the directory are written but not flushed to disk. The request
// is queued all the same (every Flush sees it, in order, and it outlives the process
// however the process ends), but until [Queue.Sync] returns nil for it, a crash of the
// machine may lose it. It is for a caller that delivers at once and answers only after
// that (the Checkmk notifier): a request delivered by the caller's own Flush needs no sync
// at all, and one still waiting is synced with Queue.Sync before the caller reports it
// queued. EnqueueBatch ignores DeferSync.
func DeferSync() EnqueueOption {
	return func(o *enqueueOptions) error {
		o.deferSync = true
		return nil
	}
}

func applyEnqueueOptions(opts []EnqueueOption) (enqueueOptions, error) {
	var o enqueueOptions
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return o, err
		}
	}
	return o, nil
}

// NotDurableError reports requests that ARE queued (their files were renamed into
// pending/) but that the queue could not confirm durable, because syncing the directory
// failed. They will be delivered by a later Flush like any other; they may be lost only if
// the machine crashes before the file system writes the directory by itself. A caller must
// therefore neither report them as "not queued" nor send them another way (that would
// deliver them twice), and must not acknowledge them to a sender as safely stored (a relay
// answers 503, so that the sender retries: at worst a duplicate).
type NotDurableError struct {
	IDs []ID  // the requests that are queued but not confirmed durable
	Err error // why they could not be confirmed
}

// Error says that the requests are queued but not confirmed on disk.
func (e *NotDurableError) Error() string {
	return fmt.Sprintf("spool: %d request(s) queued, but not confirmed durable: %v", len(e.IDs), e.Err)
}

// Unwrap returns the file-system error.
func (e *NotDurableError) Unwrap() error { return e.Err }

// Enqueue durably queues payload for dest and returns its ID (with [DeferSync]: queues it,
// to be made durable by [Queue.Sync]). The payload is opaque to the
// queue and may contain secrets; it is stored in a file of mode 0600 whose name does not
// derive from it.
//
// The request is queued if and only if the returned ID is not empty, and durable (file,
// sequence counter and directory synced) if and only if the error is nil. An ID with an
// error means queued but not confirmed durable: the error is a [*NotDurableError]; do not
// send the request another way. Without an ID nothing was queued, and the caller may send
// the payload directly. A queued request is handed to a deliver function by a later Flush of
// dest, after every request enqueued for dest before it.
//
// ctx bounds the wait for the destination's short enqueue lock. The directories of the
// queue are checked again (see [Open]); one that fails yields an [*UnsafeError].
func (q *Queue) Enqueue(ctx context.Context, dest string, payload []byte, opts ...EnqueueOption) (ID, error) {
	if err := checkDestination(dest); err != nil {
		return "", err
	}
	if len(payload) > MaxPayloadSize {
		return "", fmt.Errorf("%w: %d bytes, limit %d", ErrPayloadTooLarge, len(payload), MaxPayloadSize)
	}
	o, err := applyEnqueueOptions(opts)
	if err != nil {
		return "", err
	}
	if ctx.Err() != nil {
		return "", fmt.Errorf("spool: enqueue for %s: %w", dest, context.Cause(ctx))
	}
	now := q.now()
	data, err := encodeItem(dest, now, o.maxAge, o.rate, payload)
	if err != nil {
		return "", err
	}
	dir, err := q.trustedDir(true, pendingDir, dest)
	if err != nil {
		return "", enqueueError(dest, err)
	}
	sync := !q.noSync && !o.deferSync
	tmp, err := q.writeTemp(dir, data, sync)
	if err != nil {
		return "", enqueueError(dest, err)
	}
	seqs, err := q.publish(ctx, dir, []string{tmp}, uint64(max(now.UnixNano(), 0)), sync)
	if err != nil {
		os.Remove(tmp)
		return "", enqueueError(dest, err)
	}
	id := ID(dest + "/" + seqName(seqs[0], ""))
	if !sync {
		return id, nil
	}
	if err := q.syncDir(dir); err != nil {
		return id, &NotDurableError{IDs: []ID{id}, Err: fmt.Errorf("enqueue for %s: sync directory: %w", dest, err)}
	}
	return id, nil
}

// enqueueError wraps an error of Enqueue.
func enqueueError(dest string, err error) error {
	return fmt.Errorf("spool: enqueue for %s: %w", dest, err)
}

// publish allocates the next sequence numbers of the destination in dir under the seq lock
// and renames each of tmps (synced files), in order, to its request name. On error it
// returns the sequence numbers of the files it renamed: a prefix of tmps.
//
// A sequence number is max(notBefore, last+1), where notBefore is the enqueue time in
// nanoseconds and last the counter in the seq file; when the counter is missing or garbled,
// last is the highest request number in dir instead. The counter is written and synced
// before the first rename, so that after a crash it is never below a request that survived:
// numbers keep increasing across processes in lock order, even if the clock went back. A
// flusher that reads an unchanged counter under the same lock knows that no request
// appeared.
func (q *Queue) publish(ctx context.Context, dir string, tmps []string, notBefore uint64, sync bool) ([]uint64, error) {
	lock, err := openStateFile(filepath.Join(dir, seqFile), q.uid)
	if err != nil {
		return nil, err
	}
	defer release(lock)
	if err := lockWait(ctx, lock); err != nil {
		return nil, err
	}
	last, ok := readCounter(lock)
	if !ok {
		if last, err = highestSeq(dir); err != nil {
			return nil, err
		}
	}
	seqs := make([]uint64, 0, len(tmps))
	for range tmps {
		seq := max(notBefore, last+1)
		for {
			_, err := os.Lstat(filepath.Join(dir, seqName(seq, reqSuffix)))
			if errors.Is(err, fs.ErrNotExist) {
				break
			}
			if err != nil {
				return nil, err
			}
			seq++ // only if a request was put there by hand
		}
		seqs = append(seqs, seq)
		last = seq
	}
	if err := writeCounter(lock, last, !ok); err != nil {
		return nil, err
	}
	if sync {
		if err := q.syncCounter(lock); err != nil {
			return nil, err
		}
	}
	for i, tmp := range tmps {
		if err := os.Rename(tmp, filepath.Join(dir, seqName(seqs[i], reqSuffix))); err != nil {
			return seqs[:i], err
		}
	}
	return seqs, nil
}

// highestSeq returns the highest sequence number of a request in dir, 0 if there is none.
func highestSeq(dir string) (uint64, error) {
	var high uint64
	err := scanDir(dir, func(name string) {
		if seq, ok := parseSeqName(name, reqSuffix); ok {
			high = max(high, seq)
		}
	})
	return high, err
}

// counterLen is the size of the seq file: 20 digits and a newline.
const counterLen = seqDigits + 1

// readCounter returns the last sequence number stored in the seq file. It reports false if
// the file is empty, unreadable or garbled: anything but 20 digits and a newline.
func readCounter(f *os.File) (uint64, bool) {
	var buf [counterLen + 1]byte
	n, _ := f.ReadAt(buf[:], 0)
	return parseCounter(buf[:n])
}

// parseCounter decodes the content of a seq file (see readCounter).
func parseCounter(b []byte) (uint64, bool) {
	if len(b) != counterLen || b[seqDigits] != '\n' {
		return 0, false
	}
	return parseSeqName(string(b[:seqDigits]), "")
}

// writeCounter stores seq in the seq file as 20 digits and a newline. The width is fixed, so
// the write always replaces a valid previous value; after a garbled one (repair), the file
// is also cut to that length.
func writeCounter(f *os.File, seq uint64, repair bool) error {
	if _, err := f.WriteAt([]byte(seqName(seq, "\n")), 0); err != nil {
		return err
	}
	if repair {
		return f.Truncate(counterLen)
	}
	return nil
}

// syncAll syncs the files concurrently, so that the file system can commit them
// together, and returns every error. The goroutines end before it returns.
func syncAll(files []*os.File) error {
	if len(files) == 1 {
		return files[0].Sync()
	}
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(len(files), maxParallelSyncs) {
		wg.Go(func() {
			for i := range next {
				errs[i] = files[i].Sync()
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}
