package main

import (
	"context"
	"errors"
	"time"

	"github.com/alertbridge/alertbridge/internal/spool"
)

// maxBatch bounds the requests one group commit writes.
const maxBatch = 128

// enqueueTimeout bounds one group commit's wait for the destination's enqueue lock.
const enqueueTimeout = 10 * time.Second

// enqueuer writes the requests of concurrent webhooks for one destination to the queue
// as group commits ([spool.Queue.EnqueueBatch]): while one batch is being synced, the
// requests that arrive wait and go into the next. An idle relay writes a single request
// at once, so batching adds no latency; a busy one pays the disk's sync cost once per
// batch instead of once per webhook.
type enqueuer struct {
	queue   *spool.Queue
	dest    string
	in      chan enqueueRequest
	stopped chan struct{} // closed when run returns
}

type enqueueRequest struct {
	payload []byte
	done    chan<- error // receives nil once the request is durably queued, else why not
}

func newEnqueuer(q *spool.Queue, dest string) *enqueuer {
	return &enqueuer{queue: q, dest: dest, in: make(chan enqueueRequest), stopped: make(chan struct{})}
}

// enqueue queues payload durably, in a batch with whatever else is waiting, and returns
// once it is on disk. It waits for the batch even if ctx ends, because a request may be
// queued by then and the caller must not report it as lost; ctx only bounds the wait for
// the enqueuer to take the request.
func (e *enqueuer) enqueue(ctx context.Context, payload []byte) error {
	done := make(chan error, 1)
	select {
	case e.in <- enqueueRequest{payload: payload, done: done}:
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-e.stopped:
		return errShuttingDown
	}
	return <-done
}

// errShuttingDown answers a webhook that arrives after the enqueuer stopped (only when
// the HTTP server's shutdown deadline passed with the webhook still in progress).
var errShuttingDown = errors.New("the relay is shutting down")

// run writes batches until stop is closed. The HTTP server must be shut down first, so
// that no webhook is waiting for it.
func (e *enqueuer) run(stop <-chan struct{}) {
	defer close(e.stopped)
	batch := make([]enqueueRequest, 0, maxBatch)
	payloads := make([][]byte, 0, maxBatch)
	for {
		select {
		case <-stop:
			return
		case r := <-e.in:
			batch = append(batch[:0], r)
		}
	collect:
		for len(batch) < maxBatch {
			select {
			case r := <-e.in:
				batch = append(batch, r)
			default:
				break collect
			}
		}
		payloads = payloads[:0]
		for _, r := range batch {
			payloads = append(payloads, r.payload)
		}
		ctx, cancel := context.WithTimeout(context.Background(), enqueueTimeout)
		res, err := e.queue.EnqueueBatch(ctx, e.dest, payloads)
		cancel()
		for i, r := range batch {
			if i < len(res.IDs) && res.Durable {
				r.done <- nil // on disk, even if a later one was not queued
			} else {
				// Not queued, or queued but not confirmed durable (a *spool.NotDurableError):
				// the webhook is not acknowledged and its sender retries; a queued request is
				// delivered anyway, at worst twice.
				r.done <- err
			}
		}
		clear(batch) // drop the payloads
	}
}
