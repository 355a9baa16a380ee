package spool

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxReasonLen bounds the reason text read back by Failed.
const maxReasonLen = 64 << 10

// FailedItem describes a request in failed/: rejected by its destination, corrupt on disk
// or expired. Nothing in failed/ is ever deleted by the queue; an administrator reads the
// reason, then deletes the files or moves the request back to pending/ to retry it (it is
// then delivered in sequence-number order, possibly after newer requests).
type FailedItem struct {
	ID          ID
	Destination string
	Enqueued    time.Time // zero if the request file is unreadable
	FailedAt    time.Time // zero if the reason file is missing or unreadable
	Reason      string
	Path        string // the request file
}

// Failed lists the requests in failed/, sorted by destination and ID. It reads only the
// metadata of each request, not its payload.
func (q *Queue) Failed(ctx context.Context) ([]FailedItem, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("spool: list failed: %w", err)
	}
	root := filepath.Join(q.dir, failedDir)
	dests, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("spool: list failed: %w", err)
	}
	var items []FailedItem
	for _, d := range dests {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("spool: list failed: %w", err)
		}
		if !d.IsDir() || !ValidDestination(d.Name()) {
			continue
		}
		dir := filepath.Join(root, d.Name())
		var bases []string
		err := scanDir(dir, func(name string) {
			if base, ok := strings.CutSuffix(name, reqSuffix); ok && base != "" && !strings.HasPrefix(name, tempPrefix) {
				bases = append(bases, base)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("spool: list failed: %w", err)
		}
		slices.Sort(bases)
		for _, base := range bases {
			items = append(items, readFailed(dir, d.Name(), base, q.uid))
		}
	}
	return items, nil
}

// readFailed gathers what is known about one failed request; unreadable parts stay zero.
func readFailed(dir, dest, base string, uid int) FailedItem {
	it := FailedItem{
		ID:          ID(dest + "/" + base),
		Destination: dest,
		Path:        filepath.Join(dir, base+reqSuffix),
	}
	if head, err := readOwn(it.Path, maxHeaderLen+1, uid); err == nil {
		if nl := bytes.IndexByte(head, '\n'); nl >= 0 {
			var h header
			if json.Unmarshal(head[:nl], &h) == nil {
				it.Enqueued = h.Enqueued
			}
		}
	}
	text, err := readOwn(filepath.Join(dir, base+reasonSuffix), maxReasonLen, uid)
	if err != nil {
		return it
	}
	it.FailedAt, it.Reason = parseReason(string(text))
	return it
}

// formatReason is the content of a .reason file.
func formatReason(at time.Time, reason string) []byte {
	return []byte("failed-at: " + at.UTC().Format(time.RFC3339Nano) + "\nreason: " + reason + "\n")
}

// parseReason reads a .reason file; text in another shape is returned whole as the reason.
func parseReason(text string) (time.Time, string) {
	first, rest, ok := strings.Cut(text, "\n")
	stamp, isStamp := strings.CutPrefix(first, "failed-at: ")
	reason, isReason := strings.CutPrefix(rest, "reason: ")
	if !ok || !isStamp || !isReason {
		return time.Time{}, strings.TrimSpace(text)
	}
	at, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil {
		return time.Time{}, strings.TrimSpace(text)
	}
	return at, strings.TrimSpace(reason)
}

// moveToFailed moves the pending request seq of dest to failed/<dest>/, with the reason
// written (and synced) next to it first: a crash in between leaves the request pending,
// never a request without its reason, and nothing is lost. An existing failed request of
// the same name is never overwritten.
func (q *Queue) moveToFailed(dest string, seq uint64, reason string, now time.Time) error {
	fdir, err := q.trustedDir(true, failedDir, dest)
	if err != nil {
		return err
	}
	src := filepath.Join(q.pendingPath(dest), seqName(seq, reqSuffix))
	base := seqName(seq, "")
	for n := 1; ; n++ {
		_, err := os.Lstat(filepath.Join(fdir, base+reqSuffix))
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return err
		}
		base = seqName(seq, "") + "-" + strconv.Itoa(n)
	}
	tmp, err := q.writeTemp(fdir, formatReason(now, reason), !q.noSync)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(fdir, base+reasonSuffix)); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(src, filepath.Join(fdir, base+reqSuffix)); err != nil {
		return err
	}
	return q.syncDir(fdir)
}
