//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func batch(payloads ...string) [][]byte {
	out := make([][]byte, len(payloads))
	for i, p := range payloads {
		out[i] = []byte(p)
	}
	return out
}

func TestEnqueueBatchKeepsOrder(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	ctx := context.Background()
	first := enqueueAll(t, q, "d", "1")
	res, err := q.EnqueueBatch(ctx, "d", batch("2", "3", "4"))
	if err != nil || !res.Durable {
		t.Fatalf("EnqueueBatch = %+v, %v", res, err)
	}
	ids := res.IDs
	last := enqueueAll(t, q, "d", "5")
	all := slices.Concat(first, ids, last)
	if !slices.IsSorted(all) || len(slices.Compact(slices.Clone(all))) != 5 {
		t.Errorf("IDs %v are not strictly increasing", all)
	}
	var s sink
	flushed := mustFlush(t, q, "d", s.deliver)
	if diff := cmp.Diff([]string{"1", "2", "3", "4", "5"}, s.payloads()); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
	var gotIDs []ID
	for _, it := range s.items {
		gotIDs = append(gotIDs, it.ID)
	}
	if diff := cmp.Diff(all, gotIDs); diff != "" {
		t.Errorf("delivered IDs (-want +got):\n%s", diff)
	}
	if flushed.Status != StatusDone || flushed.Delivered != 5 || flushed.Remaining != 0 {
		t.Errorf("Flush = %+v", flushed)
	}
}

func TestEnqueueBatchChecksFirst(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	ctx := context.Background()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		dest    string
		payload [][]byte
		want    error
	}{
		{"invalid destination", ctx, "../d", batch("x"), ErrInvalidDestination},
		{"one payload too large", ctx, "d", [][]byte{[]byte("x"), make([]byte, MaxPayloadSize+1)}, ErrPayloadTooLarge},
		{"canceled", canceled, "d", batch("x"), context.Canceled},
	}
	for _, tt := range tests {
		res, err := q.EnqueueBatch(tt.ctx, tt.dest, tt.payload)
		if ids := res.IDs; !errors.Is(err, tt.want) || ids != nil {
			t.Errorf("%s: EnqueueBatch = %v, %v; want nil, %v", tt.name, ids, err, tt.want)
		}
	}
	if res, err := q.EnqueueBatch(ctx, "d", nil); res.IDs != nil || err != nil {
		ids := res.IDs
		t.Errorf("empty batch = %v, %v; want nil, nil", ids, err)
	}
	if n := mustLen(t, q, "d"); n != 0 {
		t.Errorf("%d queued after rejected batches, want 0", n)
	}
}

// TestEnqueueBatchLockTimeout: a batch that cannot get the seq lock queues nothing and
// leaves no temporary file behind.
func TestEnqueueBatchLockTimeout(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	enqueueAll(t, q, "d", "before")
	lock, err := openStateFile(filepath.Join(q.pendingPath("d"), seqFile), os.Geteuid())
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if ok, err := tryLock(lock); !ok || err != nil {
		t.Fatalf("tryLock = %v, %v", ok, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	res, err := q.EnqueueBatch(ctx, "d", batch("a", "b"))
	if ids := res.IDs; !errors.Is(err, context.DeadlineExceeded) || len(ids) != 0 {
		t.Fatalf("EnqueueBatch = %v, %v; want no IDs and DeadlineExceeded", ids, err)
	}
	if err := unlock(lock); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(q.pendingPath("d"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	if n := mustLen(t, q, "d"); n != 1 {
		t.Errorf("%d queued, want 1", n)
	}
}

func TestEnqueueBatchUnwritable(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	// A file where the destination's directory belongs fails even as root.
	if err := os.WriteFile(q.pendingPath("d"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := q.EnqueueBatch(context.Background(), "d", batch("a", "b")); err == nil || res.IDs != nil {
		ids := res.IDs
		t.Fatalf("EnqueueBatch = %v, %v; want an error", ids, err)
	}
}

// TestEnqueueBatchConcurrent mixes batches and single enqueues from many goroutines:
// everything is delivered exactly once, and each goroutine's requests in its order.
func TestEnqueueBatchConcurrent(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	const writers, rounds = 8, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for r := range rounds {
				var err error
				if r%2 == 0 {
					_, err = q.EnqueueBatch(ctx, "d", batch(fmt.Sprintf("%d/%d/a", w, r), fmt.Sprintf("%d/%d/b", w, r)))
				} else {
					_, err = q.Enqueue(ctx, "d", []byte(fmt.Sprintf("%d/%d/a", w, r)))
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	var s sink
	mustFlush(t, q, "d", s.deliver)
	got := s.payloads()
	if want := writers * (rounds + rounds/2); len(got) != want {
		t.Fatalf("delivered %d, want %d", len(got), want)
	}
	seen := map[string]bool{}
	last := map[string]string{}
	for _, p := range got {
		if seen[p] {
			t.Errorf("%s delivered twice", p)
		}
		seen[p] = true
		w, rest, _ := strings.Cut(p, "/")
		if prev, ok := last[w]; ok && !lessRound(prev, rest) {
			t.Errorf("writer %s: %s delivered after %s", w, rest, prev)
		}
		last[w] = rest
	}
}

// lessRound orders "round/part" strings of one writer.
func lessRound(a, b string) bool {
	var ra, rb int
	var pa, pb string
	fmt.Sscanf(strings.Replace(a, "/", " ", 1), "%d %s", &ra, &pa)
	fmt.Sscanf(strings.Replace(b, "/", " ", 1), "%d %s", &rb, &pb)
	return ra < rb || ra == rb && pa < pb
}
