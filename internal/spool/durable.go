package spool

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Sync makes the requests ids durable that [Queue.Enqueue] queued with [DeferSync]: for
// each destination it syncs the request files that are still pending, then the sequence
// counter and the directory, as Enqueue does without DeferSync. A request that is no
// longer pending (delivered by a Flush, or moved to failed/, which syncs its own move)
// needs nothing and is skipped, as is an ID of a destination that has no directory.
//
// The error is nil when every request still pending is durable. When a sync fails it is a
// [*NotDurableError] with the requests that are queued but not confirmed durable: they are
// queued all the same (do not send them another way). An ID that is not one of this
// queue's yields an error wrapping [ErrInvalidDestination] or naming the ID. Sync waits
// for nothing; ctx is only checked before it starts.
func (q *Queue) Sync(ctx context.Context, ids ...ID) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("spool: sync: %w", context.Cause(ctx))
	}
	byDest := map[string][]ID{}
	var dests []string
	for _, id := range ids {
		dest, seq, ok := strings.Cut(string(id), "/")
		if err := checkDestination(dest); err != nil {
			return err
		}
		if _, valid := parseSeqName(seq, ""); !ok || !valid || len(seq) != seqDigits {
			return fmt.Errorf("spool: sync: %q is not a request ID", truncateName(string(id)))
		}
		if byDest[dest] == nil {
			dests = append(dests, dest)
		}
		byDest[dest] = append(byDest[dest], id)
	}
	var notDurable []ID
	var errs []error
	for _, dest := range dests {
		pending, err := q.syncDest(dest, byDest[dest])
		if err != nil {
			notDurable = append(notDurable, pending...)
			errs = append(errs, fmt.Errorf("sync %s: %w", dest, err))
		}
	}
	if len(errs) > 0 {
		return &NotDurableError{IDs: notDurable, Err: errors.Join(errs...)}
	}
	return nil
}

// syncDest syncs the pending files of ids (all of dest), the seq file and the directory.
// It returns the IDs still pending, which an error leaves not confirmed.
func (q *Queue) syncDest(dest string, ids []ID) ([]ID, error) {
	dir, err := q.trustedDir(false, pendingDir, dest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return ids, err
	}
	var pending []ID
	var syncErr error
	for _, id := range ids {
		_, seq, _ := strings.Cut(string(id), "/")
		f, _, err := openOwn(filepath.Join(dir, seq+reqSuffix), os.O_RDONLY, 0, q.uid)
		if errors.Is(err, fs.ErrNotExist) {
			continue // delivered, or moved to failed/
		}
		pending = append(pending, id)
		if err == nil && !q.noSync {
			err = q.syncFile(f)
		}
		if f != nil {
			f.Close()
		}
		if err != nil && syncErr == nil {
			syncErr = err
		}
	}
	if syncErr != nil || len(pending) == 0 {
		return pending, syncErr
	}
	lock, err := openStateFile(filepath.Join(dir, seqFile), q.uid)
	if err != nil {
		return pending, err
	}
	if !q.noSync {
		err = q.syncCounter(lock)
	}
	lock.Close()
	if err != nil {
		return pending, err
	}
	return pending, q.syncDir(dir)
}
