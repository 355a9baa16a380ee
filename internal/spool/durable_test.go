//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// syncRecorder records what a queue syncs (files and directories, by base name relative to
// the queue) and can make the sync of one path fail.
type syncRecorder struct {
	mu     sync.Mutex
	q      *Queue
	synced []string
	fail   string // a path whose sync fails with EIO
}

func recordSyncs(q *Queue) *syncRecorder {
	r := &syncRecorder{q: q}
	hook := func(path string) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		rel, _ := filepath.Rel(q.Dir(), path)
		if strings.HasPrefix(filepath.Base(rel), tempPrefix) {
			rel = filepath.Join(filepath.Dir(rel), tempPrefix+"*")
		}
		r.synced = append(r.synced, rel)
		if path == r.fail {
			return &os.PathError{Op: "fsync", Path: path, Err: syscall.EIO}
		}
		return nil
	}
	q.syncHook, q.syncDirHook = hook, hook
	return r
}

func (r *syncRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.synced
	r.synced = nil
	return out
}

// TestDeferSyncSyncsOnlyWhatStaysQueued: a request queued with DeferSync is queued at once
// (a Flush delivers it, in order) without a single sync; Sync then makes durable exactly
// the requests still pending (file, counter, directory), and nothing for one delivered
// meanwhile.
func TestDeferSyncSyncsOnlyWhatStaysQueued(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	enqueueAll(t, q, "d", "durable") // the destination's directory and seq file exist
	rec := recordSyncs(q)

	id, err := q.Enqueue(context.Background(), "d", []byte("deferred"), DeferSync())
	if err != nil || id == "" {
		t.Fatalf("Enqueue with DeferSync = %q, %v", id, err)
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("DeferSync synced %v, want nothing", got)
	}
	if n := mustLen(t, q, "d"); n != 2 {
		t.Errorf("%d requests queued, want 2", n)
	}
	if err := q.Sync(context.Background(), id); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	_, seq, _ := strings.Cut(string(id), "/")
	want := []string{filepath.Join(pendingDir, "d", seq+reqSuffix), filepath.Join(pendingDir, "d", seqFile), filepath.Join(pendingDir, "d")}
	if diff := cmp.Diff(want, rec.take()); diff != "" {
		t.Errorf("Sync synced (-want +got):\n%s", diff)
	}

	// Delivered before Sync: nothing left to sync.
	id2, err := q.Enqueue(context.Background(), "d", []byte("delivered at once"), DeferSync())
	if err != nil {
		t.Fatal(err)
	}
	var s sink
	mustFlush(t, q, "d", s.deliver)
	if diff := cmp.Diff([]string{"durable", "deferred", "delivered at once"}, s.payloads()); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
	rec.take()
	if err := q.Sync(context.Background(), id, id2); err != nil {
		t.Fatalf("Sync of delivered requests: %v", err)
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("Sync of delivered requests synced %v, want nothing", got)
	}
}

// TestSyncFailureReportsQueuedNotDurable: when Sync cannot sync, the error is a
// *NotDurableError naming the requests still pending, which stay queued and are delivered
// once.
func TestSyncFailureReportsQueuedNotDurable(t *testing.T) {
	t.Parallel()
	for _, failing := range []string{"request file", "directory"} {
		t.Run(failing, func(t *testing.T) {
			t.Parallel()
			q := openQueue(t)
			a, err := q.Enqueue(context.Background(), "d", []byte("a"), DeferSync())
			if err != nil {
				t.Fatal(err)
			}
			b, err := q.Enqueue(context.Background(), "other", []byte("b"), DeferSync())
			if err != nil {
				t.Fatal(err)
			}
			rec := recordSyncs(q)
			_, seq, _ := strings.Cut(string(a), "/")
			rec.fail = filepath.Join(q.Dir(), pendingDir, "d")
			if failing == "request file" {
				rec.fail = filepath.Join(q.Dir(), pendingDir, "d", seq+reqSuffix)
			}
			err = q.Sync(context.Background(), a, b)
			nd, ok := errors.AsType[*NotDurableError](err)
			if !ok || !errors.Is(err, syscall.EIO) || !slices.Equal(nd.IDs, []ID{a}) {
				t.Fatalf("Sync = %v, want a *NotDurableError naming only %s", err, a)
			}
			if !strings.Contains(err.Error(), "queued, but not confirmed durable") {
				t.Errorf("message %q does not say it is queued", err)
			}
			var s sink
			mustFlush(t, q, "d", s.deliver)
			mustFlush(t, q, "other", s.deliver)
			if diff := cmp.Diff([]string{"a", "b"}, s.payloads()); diff != "" {
				t.Errorf("delivered (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSyncRejectsWhatIsNotAnID: Sync names a bad ID instead of syncing anything.
func TestSyncRejectsWhatIsNotAnID(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	for _, id := range []ID{"d", "d/123", "../x/00000000000000000001", "d/0000000000000000000a", ""} {
		if err := q.Sync(context.Background(), id); err == nil {
			t.Errorf("Sync(%q) = nil, want an error", id)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := q.Sync(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Sync with an ended context = %v", err)
	}
	if err := q.Sync(context.Background(), "never/00000000000000000001"); err != nil {
		t.Errorf("Sync of an unknown destination = %v, want nil (nothing pending)", err)
	}
}
