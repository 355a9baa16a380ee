//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/internal/spool"
)

// A notifier queues its request first, so that nothing is lost, then flushes the
// destination: older requests go out first, and a temporary failure leaves everything
// queued for the next run.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "spool-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	q, err := spool.Open(ctx, filepath.Join(dir, "site1"))
	if err != nil {
		fmt.Println(err) // the notifier exits 1: Checkmk may retry
		return
	}
	for _, event := range []string{`{"eventType":"ALERT"}`, `{"eventType":"RESOLVE"}`} {
		if _, err := q.Enqueue(ctx, "ilert-main", []byte(event)); err != nil {
			fmt.Println(err)
			return
		}
	}

	up := false
	deliver := func(ctx context.Context, it spool.Item) error {
		if !up {
			return errors.New("connection refused") // no methods: temporary
		}
		fmt.Printf("sent %s\n", it.Payload)
		return nil
	}

	res, err := q.Flush(ctx, "ilert-main", deliver)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %v; %d queued\n", res.Status, res.Err, res.Remaining)

	up = true
	res, err = q.Flush(ctx, "ilert-main", deliver)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d delivered, %d queued\n", res.Status, res.Delivered, res.Remaining)
	// Output:
	// stopped: connection refused; 2 queued
	// sent {"eventType":"ALERT"}
	// sent {"eventType":"RESOLVE"}
	// done: 2 delivered, 0 queued
}

// httpError is a sink's answer error. Like the ilert and alertops clients' errors, it says
// by its methods what the answer means; the queue asks nothing else.
type httpError struct{ status int }

func (e *httpError) Error() string {
	return fmt.Sprintf("%d %s", e.status, http.StatusText(e.status))
}
func (e *httpError) Retryable() bool           { return e.status == 429 || e.status >= 500 }
func (e *httpError) Permanent() bool           { return !e.Retryable() }
func (e *httpError) Benign() bool              { return false }
func (e *httpError) RateLimited() bool         { return e.status == 429 }
func (e *httpError) RetryAfter() time.Duration { return 0 }

// A deliver function returns the sink's error, and the queue acts on what its methods say:
// a 429 holds the destination, so that the next runs do not hammer it, and a rejection is
// kept in failed/ for the administrator.
func ExampleDeliverFunc() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "spool-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	q, err := spool.Open(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := q.Enqueue(ctx, "ilert-main", []byte(`{"eventType":"ALERT"}`)); err != nil {
		fmt.Println(err)
		return
	}
	res, err := q.Flush(ctx, "ilert-main", func(ctx context.Context, it spool.Item) error {
		return &httpError{status: http.StatusTooManyRequests}
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %v; held for at least %v\n", res.Status, res.Err, spool.MinHold)

	res, err = q.Flush(ctx, "ilert-main", func(ctx context.Context, it spool.Item) error {
		panic("not called while held")
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s; %d queued\n", res.Status, res.Remaining)
	// Output:
	// stopped: 429 Too Many Requests; held for at least 10s
	// held; 1 queued
}

// Requests the destination rejected stay on disk with the reason, for an administrator.
func ExampleQueue_Failed() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "spool-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	q, err := spool.Open(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := q.Enqueue(ctx, "alertops", []byte(`{}`)); err != nil {
		fmt.Println(err)
		return
	}
	_, err = q.Flush(ctx, "alertops", func(ctx context.Context, it spool.Item) error {
		return fmt.Errorf("check the integration URL: %w", &httpError{status: http.StatusNotFound})
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	failed, err := q.Failed(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range failed {
		fmt.Printf("%s: %s\n", f.Destination, f.Reason)
	}
	// Output:
	// alertops: rejected: check the integration URL: 404 Not Found
}

// Open refuses a queue directory that others could tamper with, and says how to fix it.
// A notifier then sends without the queue and reports why; a relay refuses to start.
func ExampleUnsafeError() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "spool-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	queue := filepath.Join(dir, "spool")
	if err := os.Mkdir(queue, 0o777); err != nil {
		fmt.Println(err)
		return
	}
	if err := os.Chmod(queue, 0o777); err != nil { // whatever the umask
		fmt.Println(err)
		return
	}

	_, err = spool.Open(ctx, queue)
	var unsafe *spool.UnsafeError
	if errors.As(err, &unsafe) {
		fmt.Println("not used:", unsafe.Problem)
		fmt.Println("fix:", strings.ReplaceAll(unsafe.Fix, queue, "DIR"))
	}
	// Output:
	// not used: is writable by group or others (mode 0777)
	// fix: chmod 700 DIR
}

// A paced flush sends at most N requests per interval, counting every process that
// flushes the destination, and says when the next send is allowed. The clock here stands
// still, so that the output does not depend on the time of day.
func ExampleWithRate() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "spool-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	start := time.Date(2026, 11, 21, 5, 50, 0, 0, time.UTC)
	q, err := spool.Open(ctx, dir, spool.WithClock(func() time.Time { return start }))
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range 5 {
		if _, err := q.Enqueue(ctx, "ilert-main", []byte(fmt.Sprintf(`{"n":%d}`, i))); err != nil {
			fmt.Println(err)
			return
		}
	}
	rate, err := spool.ParseRate("3/1m") // iLert's own limit is 50/1m
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := q.Flush(ctx, "ilert-main", func(ctx context.Context, it spool.Item) error {
		fmt.Printf("sent %s\n", it.Payload)
		return nil
	}, spool.WithRate(rate))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d sent, %d queued, next send at %s\n", res.Status, res.Delivered, res.Remaining, res.PacedUntil.Format("15:04:05"))
	// Output:
	// sent {"n":0}
	// sent {"n":1}
	// sent {"n":2}
	// paced: 3 sent, 2 queued, next send at 05:51:00
}

// A background retrier takes the queue's "retrier" lock for its lifetime, so that one runs
// per queue directory, and sleeps until the next attempt that can do something.
func ExampleQueue_Waiting() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "spool-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	now := time.Date(2026, 11, 21, 5, 50, 0, 0, time.UTC)
	q, err := spool.Open(ctx, dir, spool.WithClock(func() time.Time { return now }))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := q.Enqueue(ctx, "ilert-main", []byte(`{}`)); err != nil {
		fmt.Println(err)
		return
	}
	if err := q.Hold(ctx, "ilert-main", now.Add(30*time.Second)); err != nil { // after a 429
		fmt.Println(err)
		return
	}

	lock, err := q.TryLock(ctx, "retrier")
	if errors.Is(err, spool.ErrLocked) {
		fmt.Println("another retrier runs")
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lock.Close() // held until here, or until the process dies

	if _, err := q.TryLock(ctx, "retrier"); errors.Is(err, spool.ErrLocked) {
		fmt.Println("a second retrier would exit")
	}
	waiting, err := q.Waiting(ctx, func(dest string) spool.Rate { return spool.Rate{N: 50, Per: time.Minute} })
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range waiting {
		fmt.Printf("%s: %d waiting, next attempt in %v\n", st.Destination, st.Waiting, st.NextAttempt().Sub(now))
	}
	// Output:
	// a second retrier would exit
	// ilert-main: 1 waiting, next attempt in 30s
}

// A notifier that answers only after it tried to deliver queues with DeferSync, flushes,
// and syncs only what is still waiting: a request delivered at once never costs a sync.
func ExampleQueue_Sync() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "spool-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	q, err := spool.Open(ctx, filepath.Join(dir, "site1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	id, err := q.Enqueue(ctx, "ilert-main", []byte(`{"eventType":"ALERT"}`), spool.DeferSync())
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := q.Flush(ctx, "ilert-main", func(context.Context, spool.Item) error {
		return errors.New("connection refused")
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := q.Sync(ctx, id); err != nil {
		fmt.Println("queued, but not confirmed on disk:", err) // still queued: do not send it again
		return
	}
	fmt.Printf("%s: %v; %d queued and durable\n", res.Status, res.Err, res.Remaining)
	// Output:
	// stopped: connection refused; 1 queued and durable
}

// Each request carries the rate its rule set, so a later flush without a rule (a retrier,
// a cron job) paces it all the same.
func ExamplePaceAt() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "spool-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	q, err := spool.Open(ctx, filepath.Join(dir, "site1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	rate, err := spool.ParseRate("2/1h")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, event := range []string{"first", "second", "third"} {
		if _, err := q.Enqueue(ctx, "ilert-main", []byte(event), spool.PaceAt(rate)); err != nil {
			fmt.Println(err)
			return
		}
	}
	res, err := q.Flush(ctx, "ilert-main", func(_ context.Context, it spool.Item) error {
		fmt.Printf("sent %s\n", it.Payload)
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d delivered, %d queued until the next slot\n", res.Status, res.Delivered, res.Remaining)
	// Output:
	// sent first
	// sent second
	// paced: 2 delivered, 1 queued until the next slot
}
