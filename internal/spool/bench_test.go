//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// BenchmarkEnqueue measures one durable Enqueue of a 2 KiB payload (the file and the
// directory fsynced, the counter fdatasynced).
func BenchmarkEnqueue(b *testing.B) {
	q := openQueue(b)
	payload := make([]byte, 2048)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := q.Enqueue(ctx, "d", payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEnqueueDeferSync measures an Enqueue of a 2 KiB payload with DeferSync (no
// sync), and BenchmarkEnqueueDeferSyncThenSync the same followed by Sync of the request:
// what a notification run pays for a request delivered at once, and for one that stays.
func BenchmarkEnqueueDeferSync(b *testing.B) {
	q := openQueue(b)
	payload := make([]byte, 2048)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := q.Enqueue(ctx, "d", payload, DeferSync()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEnqueueDeferSyncThenSync(b *testing.B) {
	q := openQueue(b)
	payload := make([]byte, 2048)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		id, err := q.Enqueue(ctx, "d", payload, DeferSync())
		if err == nil {
			err = q.Sync(ctx, id)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlush10000 measures a Flush of 10,000 queued 1 KiB requests with a deliver
// function that just succeeds. It reports the peak live heap seen during the flush, which
// must stay flat: payloads are read one at a time.
func BenchmarkFlush10000(b *testing.B) {
	const n = 10000
	q := openQueue(b)
	q.noSync = true // setting up 10,000 requests with fsync would dominate the run
	payload := make([]byte, 1024)
	ctx := context.Background()
	var peak uint64
	var ms runtime.MemStats
	count := 0
	deliver := func(context.Context, Item) error {
		count++
		if count%1000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for range n {
			if _, err := q.Enqueue(ctx, "d", payload); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		b.StartTimer()
		res, err := q.Flush(ctx, "d", deliver)
		if err != nil || res.Delivered != n {
			b.Fatalf("Flush: %+v, %v", res, err)
		}
	}
	b.ReportMetric(float64(peak), "peak-heap-B")
}

// BenchmarkLen10000 measures counting 10,000 queued requests (names only).
func BenchmarkLen10000(b *testing.B) {
	q := openQueue(b)
	q.noSync = true
	for i := range 10000 {
		if _, err := q.Enqueue(context.Background(), "d", []byte(fmt.Sprint(i))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if n, err := q.Len(context.Background(), "d"); err != nil || n != 10000 {
			b.Fatalf("Len = %d, %v", n, err)
		}
	}
}

// BenchmarkEnqueueBatch32 measures a durable EnqueueBatch of 32 payloads of 2 KiB and
// reports the cost per request (compare with BenchmarkEnqueue).
func BenchmarkEnqueueBatch32(b *testing.B) {
	q := openQueue(b)
	payloads := make([][]byte, 32)
	for i := range payloads {
		payloads[i] = make([]byte, 2048)
	}
	ctx := context.Background()
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		if _, err := q.EnqueueBatch(ctx, "d", payloads); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*len(payloads)), "ns/request")
}

// BenchmarkFlushPaced200 measures a paced Flush of 200 queued 1 KiB requests that the rate
// allows: each send is first recorded in the pace file and synced. Compare its ns/send with
// BenchmarkFlush10000's cost per request (ns/op ÷ 10,000), which records nothing.
func BenchmarkFlushPaced200(b *testing.B) {
	const n = 200
	c := newClock(t0)
	q := openQueue(b, WithClock(c.Now))
	payload := make([]byte, 1024)
	ctx := context.Background()
	rate := Rate{N: MaxRateN, Per: time.Hour}
	deliver := func(context.Context, Item) error { return nil }
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		q.noSync = true // setting up is not what is measured
		for range n {
			if _, err := q.Enqueue(ctx, "d", payload); err != nil {
				b.Fatal(err)
			}
		}
		q.noSync = false
		c.Advance(rate.Per) // a fresh budget
		b.StartTimer()
		res, err := q.Flush(ctx, "d", deliver, WithRate(rate))
		if err != nil || res.Delivered != n {
			b.Fatalf("Flush: %+v, %v", res, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/send")
}
