package spool

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// maxParallelSyncs bounds the goroutines that one EnqueueBatch uses to sync its files.
const maxParallelSyncs = 16

// BatchResult says what [Queue.EnqueueBatch] queued, and whether it is durable.
type BatchResult struct {
	// IDs are the requests that are queued, in the order of the payloads: all of them, or
	// a prefix when an error stopped the batch part-way. Each will be delivered by a later
	// Flush, whatever the error says.
	IDs []ID

	// Durable reports whether IDs are confirmed on disk (request files, sequence counter
	// and directory synced). This is the batch's durable point: acknowledge a request to
	// its sender (a webhook's 2xx) only when Durable is true and its index is below
	// len(IDs). A queued request that is not durable must not be reported as lost or sent
	// another way either (see [NotDurableError]).
	Durable bool
}

// EnqueueBatch durably queues payloads for dest, in order. The result is that of calling
// [Queue.Enqueue] for each payload in turn, with the same guarantees (no other request for
// dest comes between them), but as one group commit: the request files are synced together
// and the directory once, so a batch costs about as much disk time as one Enqueue. A
// program that receives requests concurrently (the webhook relay) collects what arrives
// while one batch is written into the next.
//
// All payloads and options are checked before anything is written; an invalid destination
// or a payload over [MaxPayloadSize] queues nothing. The outcomes:
//
//   - nil error: every payload is queued and durable (Durable is true).
//   - a [*NotDurableError]: the requests in IDs are queued but syncing the directory
//     failed, so they are not confirmed durable (Durable is false); if IDs is shorter than
//     payloads, the rest was not queued.
//   - any other error with IDs: renaming failed part-way; the requests in IDs are queued
//     and durable, the rest was not queued.
//   - any other error without IDs: nothing was queued, and no temporary file is left.
//
// The syncs run in goroutines that end before EnqueueBatch returns. An empty batch returns
// a zero BatchResult with Durable true and a nil error.
func (q *Queue) EnqueueBatch(ctx context.Context, dest string, payloads [][]byte, opts ...EnqueueOption) (BatchResult, error) {
	if err := checkDestination(dest); err != nil {
		return BatchResult{}, err
	}
	for i, p := range payloads {
		if len(p) > MaxPayloadSize {
			return BatchResult{}, fmt.Errorf("%w: payload %d is %d bytes, limit %d", ErrPayloadTooLarge, i, len(p), MaxPayloadSize)
		}
	}
	o, err := applyEnqueueOptions(opts)
	if err != nil {
		return BatchResult{}, err
	}
	if len(payloads) == 0 {
		return BatchResult{Durable: true}, nil
	}
	if ctx.Err() != nil {
		return BatchResult{}, fmt.Errorf("spool: enqueue batch for %s: %w", dest, context.Cause(ctx))
	}
	now := q.now()
	dir, err := q.trustedDir(true, pendingDir, dest)
	if err != nil {
		return BatchResult{}, batchError(dest, err)
	}
	files := make([]*os.File, 0, len(payloads))
	tmps := make([]string, 0, len(payloads))
	removeFrom := func(i int) {
		for _, t := range tmps[i:] {
			os.Remove(t)
		}
	}
	fail := func(err error) (BatchResult, error) {
		for _, f := range files {
			f.Close()
		}
		removeFrom(0)
		return BatchResult{}, batchError(dest, err)
	}
	for _, p := range payloads {
		data, err := encodeItem(dest, now, o.maxAge, o.rate, p)
		if err != nil {
			return fail(err)
		}
		f, err := createTemp(dir, tempPrefix, data)
		if err != nil {
			return fail(err)
		}
		files = append(files, f)
		tmps = append(tmps, f.Name())
	}
	if !q.noSync {
		if err := syncAll(files); err != nil {
			return fail(err)
		}
	}
	var closeErr error
	for _, f := range files {
		if err := f.Close(); err != nil && closeErr == nil {
			closeErr = err
		}
	}
	files = nil
	if closeErr != nil {
		return fail(closeErr)
	}

	seqs, err := q.publish(ctx, dir, tmps, uint64(max(now.UnixNano(), 0)), !q.noSync)
	res := BatchResult{IDs: make([]ID, len(seqs))}
	for i, seq := range seqs {
		res.IDs[i] = ID(dest + "/" + seqName(seq, ""))
	}
	if err != nil {
		removeFrom(len(seqs))
		if len(seqs) == 0 {
			return BatchResult{}, batchError(dest, err)
		}
		err = fmt.Errorf("%d of %d queued: %w", len(seqs), len(tmps), err)
		if serr := q.syncDir(dir); serr != nil {
			return res, &NotDurableError{IDs: res.IDs, Err: fmt.Errorf("enqueue batch for %s: %w", dest, errors.Join(err, serr))}
		}
		res.Durable = true
		return res, batchError(dest, err)
	}
	if err := q.syncDir(dir); err != nil {
		return res, &NotDurableError{IDs: res.IDs, Err: fmt.Errorf("enqueue batch for %s: sync directory: %w", dest, err)}
	}
	res.Durable = true
	return res, nil
}

// batchError wraps an error of EnqueueBatch.
func batchError(dest string, err error) error {
	return fmt.Errorf("spool: enqueue batch for %s: %w", dest, err)
}
