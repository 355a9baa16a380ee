//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/alertbridge/alertbridge/internal/spool"
)

// A notifier queues its request first, so that nothing is lost, then flushes the
// destination: older requests go out first, and a temporary failure leaves everything
// queued for the next run.
func Example() {
	dir, err := os.MkdirTemp("", "spool-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	q, err := spool.Open(filepath.Join(dir, "site1"))
	if err != nil {
		fmt.Println(err) // the notifier exits 1: Checkmk may retry
		return
	}
	ctx := context.Background()
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
	dir, err := os.MkdirTemp("", "spool-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	q, err := spool.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
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
	dir, err := os.MkdirTemp("", "spool-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	q, err := spool.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
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
	failed, err := q.Failed()
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
