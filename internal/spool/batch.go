package spool

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
)

// maxParallelSyncs bounds the goroutines that one EnqueueBatch uses to sync its files.
const maxParallelSyncs = 16

// EnqueueBatch durably queues payloads for dest, in order, and returns their IDs. The
// result is that of calling [Queue.Enqueue] for each payload in turn, with the same
// guarantees (no other request for dest comes between them), but as one group commit:
// the request files are synced together and the directory once, so a batch costs about
// as much disk time as one Enqueue. A program that receives requests concurrently (the
// webhook relay) collects what arrives while one batch is written into the next.
//
// All payloads are checked before anything is written; an invalid destination or a
// payload over [MaxPayloadSize] queues nothing. If writing fails, nothing is queued and
// the temporary files are removed. If renaming fails part-way (or syncing the directory
// fails), the IDs returned with the error are those of the payloads that were queued, a
// prefix of payloads; they will be delivered. The syncs run in goroutines that end before
// EnqueueBatch returns. An empty batch returns nil, nil.
func (q *Queue) EnqueueBatch(ctx context.Context, dest string, payloads [][]byte) ([]ID, error) {
	if err := checkDestination(dest); err != nil {
		return nil, err
	}
	for i, p := range payloads {
		if len(p) > MaxPayloadSize {
			return nil, fmt.Errorf("%w: payload %d is %d bytes, limit %d", ErrPayloadTooLarge, i, len(p), MaxPayloadSize)
		}
	}
	if len(payloads) == 0 {
		return nil, nil
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("spool: enqueue batch for %s: %w", dest, context.Cause(ctx))
	}
	now := q.now()
	dir := q.pendingPath(dest)
	files := make([]*os.File, 0, len(payloads))
	tmps := make([]string, 0, len(payloads))
	removeFrom := func(i int) {
		for _, t := range tmps[i:] {
			os.Remove(t)
		}
	}
	fail := func(err error) ([]ID, error) {
		for _, f := range files {
			f.Close()
		}
		removeFrom(0)
		return nil, fmt.Errorf("spool: enqueue batch for %s: %w", dest, err)
	}
	for _, p := range payloads {
		data, err := encodeItem(dest, now, p)
		if err != nil {
			return fail(err)
		}
		f, err := createTemp(dir, data)
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

	seqs, err := q.publish(ctx, dir, tmps, uint64(max(now.UnixNano(), 0)))
	ids := make([]ID, len(seqs))
	for i, seq := range seqs {
		ids[i] = ID(dest + "/" + seqName(seq, ""))
	}
	if err != nil {
		removeFrom(len(seqs))
		if len(seqs) > 0 {
			if serr := q.syncDir(dir); serr != nil {
				err = errors.Join(err, serr)
			}
		}
		return ids, fmt.Errorf("spool: enqueue batch for %s: %d of %d queued: %w", dest, len(seqs), len(tmps), err)
	}
	if err := q.syncDir(dir); err != nil {
		return ids, fmt.Errorf("spool: enqueue batch for %s: sync directory: %w", dest, err)
	}
	return ids, nil
}

// syncAll syncs the files concurrently, so that the file system can commit them
// together, and returns every error.
func syncAll(files []*os.File) error {
	if len(files) == 1 {
		return files[0].Sync()
	}
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(len(files), maxParallelSyncs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = files[i].Sync()
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}
