package main

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/redact"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// busyRetry is how soon a destination is tried again when another process was flushing
// it: that process delivers what is queued, so this is only a safety net.
const busyRetry = time.Second

// firstBackoff is the wait before the first retry of a failing destination.
const firstBackoff = time.Second

// destination is one queue of the spool ("ilert", "alertops" or "checkmk") and the goroutine that
// delivers it. Webhook handlers enqueue a request, then wait a little for its result
// ([destination.await]); the goroutine flushes the queue whenever it is kicked and
// periodically, backs off while the sink fails and honours the spool's holds.
type destination struct {
	name   string
	queue  *spool.Queue
	sender *delivery.Sender
	log    *slog.Logger
	red    *redact.Redactor
	poll   time.Duration
	maxOff time.Duration
	met    *relayMetrics

	kick chan struct{} // capacity 1: "something was enqueued"
	enq  *enqueuer

	mu      sync.Mutex
	waiters map[string]chan<- result // by delivery.Request.Ref
	state   destState
}

// result is what a waiting webhook learns about its request.
type result struct {
	state  delivery.State // sent, nothing to do or rejected; "" while still queued
	reason string         // why it is still queued, or why it was rejected
}

// String is the word the request log shows, the notifier's word for the same state.
func (r result) String() string {
	if r.state == "" {
		return string(delivery.StateQueued)
	}
	return string(r.state)
}

// destState is what /healthz reports about a destination.
type destState struct {
	down      bool      // the last flush stopped on a failure or hold: do not wait for it
	retryAt   time.Time // when the next attempt is due, while down
	lastError string    // redacted and cut to maxReasonLen characters
	delivered uint64    // since the start
	rejected  uint64    // moved to failed/ since the start
	// oldest is the enqueue time of the oldest queued request as the last flush saw it:
	// the one a failure stopped at; zero when the queue was empty.
	oldest time.Time
	kept   bool // the flush running now stopped at a request (oldest is its time)
}

func newDestination(name string, q *spool.Queue, s *delivery.Sender, log *slog.Logger, red *redact.Redactor, poll, maxBackoff time.Duration, met *relayMetrics) *destination {
	return &destination{
		name: name, queue: q, sender: s, log: log.With("destination", name), red: red,
		poll: poll, maxOff: maxBackoff, met: met,
		kick:    make(chan struct{}, 1),
		enq:     newEnqueuer(q, name),
		waiters: map[string]chan<- result{},
	}
}

// await registers interest in the request with reference ref before it is enqueued, so
// that its result cannot be missed. It returns nil when the destination is down: the
// request will be queued and there is no point in waiting. Call forget when done.
func (d *destination) await(ref string) <-chan result {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.state.down {
		return nil
	}
	ch := make(chan result, 1)
	d.waiters[ref] = ch
	return ch
}

// forget drops the interest in ref.
func (d *destination) forget(ref string) {
	d.mu.Lock()
	delete(d.waiters, ref)
	d.mu.Unlock()
}

// wake asks the goroutine for a flush; it never blocks.
func (d *destination) wake() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// settle tells the webhook waiting for ref, if any, what became of its request.
func (d *destination) settle(ref string, r result) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch r.state {
	case delivery.StateSent, delivery.StateNothingToDo:
		d.state.delivered++
	case delivery.StateRejected:
		d.state.rejected++
	}
	if ch, ok := d.waiters[ref]; ok && ref != "" {
		ch <- r
		delete(d.waiters, ref)
	}
}

// releaseAll tells every waiting webhook that its request stays queued, because the
// flush stopped before reaching it.
func (d *destination) releaseAll(reason string) {
	for ref, ch := range d.waiters {
		ch <- result{reason: reason}
		delete(d.waiters, ref)
	}
}

// deliver is the spool.DeliverFunc: decode, send, tell the waiter, log. The queue acts on
// the error it returns, shown redacted.
func (d *destination) deliver(ctx context.Context, it spool.Item) error {
	req, err := delivery.Decode(it.Payload)
	if err == nil {
		_, err = d.sender.Send(ctx, req)
	}
	r := result{state: delivery.StateOf(err)}
	if err != nil {
		r.reason = d.red.String(err.Error())
	}
	source := sourceOfRef(req.Ref)
	switch r.state {
	case delivery.StateRejected:
		d.log.Error("rejected, moved to failed/", "id", it.ID, "ref", req.Ref, "err", r.reason)
		d.met.rejected.inc(source, d.name)
	case delivery.StateNothingToDo, delivery.StateSent:
		if r.state == delivery.StateSent {
			d.log.Debug("sent", "id", it.ID, "ref", req.Ref)
		} else {
			d.log.Info("nothing to do at the destination", "id", it.ID, "ref", req.Ref, "err", r.reason)
		}
		d.met.delivered.inc(source, d.name)
		d.met.latency.observe(max(time.Since(it.Enqueued), 0).Seconds(), d.name)
	default:
		// A failure stops the flush; run logs it once for the whole queue.
		r.state = ""
		d.met.failed.inc(source, d.name)
		d.mu.Lock()
		d.state.oldest, d.state.kept = it.Enqueued, true
		d.mu.Unlock()
	}
	d.settle(req.Ref, r)
	return delivery.WithReason(err, r.reason)
}

// run delivers the destination until stop is closed, then makes a last attempt. Every
// flush uses ctx, which the caller cancels when the shutdown deadline passes.
func (d *destination) run(ctx context.Context, stop <-chan struct{}) {
	timer := time.NewTimer(0) // at once: deliver what earlier runs left queued
	defer timer.Stop()
	var backoff time.Duration
	for {
		select {
		case <-stop:
			d.flush(ctx, &backoff, true)
			return
		case <-d.kick:
			if d.isDown() {
				continue // the timer decides when to retry a failing destination
			}
		case <-timer.C:
		}
		timer.Reset(d.flush(ctx, &backoff, false))
	}
}

// isDown reports whether the last flush stopped on a failure or hold.
func (d *destination) isDown() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.state.down
}

// flush runs one Flush of the queue and returns when to run the next one.
func (d *destination) flush(ctx context.Context, backoff *time.Duration, last bool) time.Duration {
	res, err := d.queue.Flush(ctx, d.name, d.deliver)
	now := time.Now()
	next := d.poll
	var down bool
	var reason string
	switch {
	case err != nil:
		down, reason = true, d.red.String(err.Error())
		*backoff = nextBackoff(*backoff, d.maxOff)
		next = *backoff
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			d.log.Warn("delivery interrupted by shutdown", "queued", res.Remaining)
		} else {
			d.log.Error("queue failure", "err", reason, "retry_in", next.Round(time.Millisecond))
		}
	case res.Status == spool.StatusDone:
		if d.isDown() {
			d.log.Info("destination up again", "delivered", res.Delivered)
		}
		*backoff = 0
	case res.Status == spool.StatusHeld:
		down, reason = true, "rate limited until "+res.HeldUntil.Format(time.RFC3339)
		next = max(time.Until(res.HeldUntil), busyRetry)
	case res.Status == spool.StatusBusy:
		reason = "another process is delivering this queue"
		next = busyRetry
	default: // stopped by a failure or a rate limit
		down = true
		reason = d.red.String(errText(res.Err))
		if !res.HeldUntil.IsZero() {
			next = max(time.Until(res.HeldUntil), busyRetry)
		} else {
			*backoff = nextBackoff(*backoff, d.maxOff)
			next = *backoff
		}
		d.log.Warn("destination failing, requests stay queued", "err", reason,
			"queued", res.Remaining, "retry_in", next.Round(time.Millisecond))
	}
	if res.Expired > 0 {
		d.log.Error("requests expired, moved to failed/", "expired", res.Expired)
		d.met.expired.add(float64(res.Expired), d.name)
	}
	if last && res.Remaining > 0 {
		d.log.Warn("requests stay queued for the next start", "queued", res.Remaining)
	}

	d.mu.Lock()
	d.state.down = down
	if down {
		d.state.retryAt = now.Add(next)
		d.state.lastError = cutReason(reason)
	} else {
		d.state.retryAt = time.Time{}
	}
	switch {
	case res.Remaining == 0:
		d.state.oldest = time.Time{}
	case d.state.kept:
		// oldest is the request the flush stopped at
	case res.Status == spool.StatusDone || d.state.oldest.IsZero():
		d.state.oldest = now // enqueued while the flush ended, or not seen yet: at most this old
	}
	d.state.kept = false
	if down || res.Status == spool.StatusBusy || last {
		d.releaseAll(reason)
	}
	d.mu.Unlock()
	return next
}

// nextBackoff doubles the previous wait up to limit, with jitter: between half and all
// of it, so that relays restarted together do not retry in step.
func nextBackoff(prev, limit time.Duration) time.Duration {
	b := min(max(2*prev, firstBackoff), limit)
	return b/2 + rand.N(b/2+1)
}

// errText is err's message, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// status returns what /healthz shows about the destination.
func (d *destination) status() destState {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.state
}
