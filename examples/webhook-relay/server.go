package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/healthchecks"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/redact"
	"github.com/alertbridge/alertbridge/internal/spool"
	"github.com/alertbridge/alertbridge/level"
)

// The spool destinations of the relay. Requests are self-contained (see
// examples/internal/delivery), so a process sharing the queue directory may deliver them too.
const (
	destILert    = "ilert"
	destAlertOps = "alertops"
	destCheckmk  = "checkmk"
)

// relayQueues are the relay's destination names, in the order /healthz lists them.
var relayQueues = []string{destILert, destAlertOps, destCheckmk}

// The sources of webhooks, as logs and metrics name them.
const (
	sourceHealthchecks = "healthchecks"
	sourceLevel        = "level"
	sourceILert        = "ilert"
)

// userAgent identifies the relay to iLert and AlertOps.
const userAgent = "alertbridge-webhook-relay (+https://github.com/alertbridge/alertbridge)"

// server is the relay: the HTTP handlers, the queue and one delivering goroutine per
// destination. Create it with newServer, serve server.handler(), and call close when the
// HTTP server has shut down.
type server struct {
	cfg     config
	log     *slog.Logger
	red     *redact.Redactor
	queue   *spool.Queue
	ilert   *destination // nil when not configured
	alerts  *destination // AlertOps; nil when not configured
	checkmk *destination // two-way sync; nil when not configured
	seen    *dedupe      // the iLert webhooks already queued; nil without two-way sync
	met     *relayMetrics
	limit   *limiter
	handler http.Handler

	stop     chan struct{}      // closed by close: the goroutines make a last flush and end
	cancel   context.CancelFunc // ends the destinations' flushes
	wg       sync.WaitGroup     // the destinations' and enqueuers' goroutines
	stopOnce sync.Once
}

// queueError is newServer's error when the queue directory cannot be used: the relay
// refuses to start (exit code 2), because it would lose what it cannot queue.
type queueError struct {
	dir string
	err error
}

func (e *queueError) Error() string {
	return fmt.Sprintf("the queue directory %s cannot be used: %v", e.dir, e.err)
}

func (e *queueError) Unwrap() error { return e.err }

// newServer opens the queue, builds the clients and handlers, and starts delivering
// whatever is queued. It fails when the queue directory cannot be used (a *queueError).
func newServer(ctx context.Context, cfg config, log *slog.Logger) (*server, error) {
	q, err := spool.Open(ctx, cfg.QueueDir, spool.WithMaxAge(cfg.MaxAge))
	if err != nil {
		return nil, &queueError{dir: cfg.QueueDir, err: err}
	}
	s := &server{cfg: cfg, log: log, red: redactFor(cfg), queue: q, stop: make(chan struct{}), met: newRelayMetrics()}
	s.limit = newLimiter(cfg.MaxInFlight, cfg.MaxInFlightBytes, log, func(source string) { s.met.shed.inc(source) })
	// The clients try once per flush: the queue retries, in order, with backoff.
	sender := &delivery.Sender{}
	if cfg.ILertKey != "" {
		sender.ILert, err = ilert.NewClient(
			ilert.WithBaseURL(cfg.ILertURL),
			ilert.WithUserAgent(userAgent),
			ilert.WithProxy(http.ProxyFromEnvironment),
			ilert.WithRequestTimeout(cfg.SendTimeout),
			ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: 1, NoRetryOnRateLimit: true}),
		)
		if err != nil {
			return nil, err
		}
	}
	if cfg.AlertOpsURL != "" {
		sender.AlertOps, err = alertops.NewClient(
			alertops.WithUserAgent(userAgent),
			alertops.WithProxy(http.ProxyFromEnvironment),
			alertops.WithRequestTimeout(cfg.SendTimeout),
			alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 1, NoRetryOnRateLimit: true}),
		)
		if err != nil {
			return nil, err
		}
	}
	if cfg.twoWay() {
		if sender.Checkmk, err = newCheckmkClient(cfg); err != nil {
			return nil, err
		}
		if s.seen, err = openDedupe(q.Dir(), time.Now); err != nil {
			return nil, &queueError{dir: cfg.QueueDir, err: err}
		}
	}
	if sender.ILert != nil {
		s.ilert = s.newDestination(destILert, sender)
	}
	if sender.AlertOps != nil {
		s.alerts = s.newDestination(destAlertOps, sender)
	}
	if sender.Checkmk != nil {
		s.checkmk = s.newDestination(destCheckmk, sender)
	}
	if s.handler, err = s.routes(); err != nil {
		if s.seen != nil {
			_ = s.seen.close()
		}
		return nil, err
	}
	s.warnOrphans(ctx)

	// The workers outlive newServer's ctx: they stop with Close.
	work, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	for _, d := range s.destinations() {
		s.wg.Add(2)
		go func() {
			defer s.wg.Done()
			d.run(work, s.stop)
		}()
		go func() {
			defer s.wg.Done()
			d.enq.run(s.stop)
		}()
	}
	return s, nil
}

// destinations returns the configured destinations.
func (s *server) destinations() []*destination {
	var ds []*destination
	for _, d := range []*destination{s.ilert, s.alerts, s.checkmk} {
		if d != nil {
			ds = append(ds, d)
		}
	}
	return ds
}

// newDestination returns the destination name delivered by sender.
func (s *server) newDestination(name string, sender *delivery.Sender) *destination {
	return newDestination(name, s.queue, sender, s.log, s.red, s.cfg.PollInterval, s.cfg.MaxBackoff, s.met)
}

// webhook wraps the handler of a webhook endpoint: counted in the metrics, and within
// the limits of webhooks in progress.
func (s *server) webhook(source string, maxBody int64, h http.Handler) http.Handler {
	return s.countAnswers(source, s.limit.wrap(source, maxBody, h))
}

// routes builds the handler of every endpoint, wrapped in the request log.
func (s *server) routes() (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc(healthPath, s.health)
	mux.HandleFunc(metricsPath, s.metrics)
	if s.cfg.HealthchecksPath != "" {
		opts := []healthchecks.HandlerOption{
			healthchecks.WithMaxBodyBytes(s.cfg.HealthchecksMaxBody),
			healthchecks.WithErrorHook(s.noteError),
		}
		if s.cfg.HealthchecksBodyStatus {
			opts = append(opts, healthchecks.WithParseOptions(healthchecks.FallbackToBodyStatus()))
		}
		h, err := healthchecks.NewHandler(s.forwardHealthchecks, opts...)
		if err != nil {
			return nil, err
		}
		mux.Handle(s.cfg.HealthchecksPath, s.webhook(sourceHealthchecks, s.cfg.HealthchecksMaxBody, h))
	}
	if s.cfg.LevelPath != "" {
		opts := []level.HandlerOption{
			level.WithMaxBodyBytes(s.cfg.LevelMaxBody),
			level.WithErrorHook(s.noteError),
		}
		if len(s.cfg.LevelSecrets) > 0 {
			opts = append(opts, level.WithSecrets(s.cfg.LevelSecrets...))
		}
		h, err := level.NewHandler(s.forwardLevel, opts...)
		if err != nil {
			return nil, err
		}
		mux.Handle(s.cfg.LevelPath, s.webhook(sourceLevel, s.cfg.LevelMaxBody, h))
	}
	if s.checkmk != nil && s.cfg.ILertPath != "" {
		h, err := s.ilertHandler()
		if err != nil {
			return nil, err
		}
		mux.Handle(s.cfg.ILertPath, s.webhook(sourceILert, s.cfg.ILertMaxBody, h))
	}
	return s.logRequests(mux), nil
}

// close stops the destinations after a last flush each, waiting at most until ctx ends;
// then it cancels the flushes still running (their requests stay queued). Call it after
// the HTTP server has shut down, so that no webhook is being enqueued.
func (s *server) close(ctx context.Context) error {
	s.stopOnce.Do(func() { close(s.stop) })
	s.limit.shed.stop()
	defer func() {
		if s.seen != nil {
			_ = s.seen.close()
		}
	}()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.cancel()
		<-done
		return fmt.Errorf("last delivery cut short: %w", context.Cause(ctx))
	}
}

// outgoing is one request for one destination, built from a webhook.
type outgoing struct {
	dest *destination
	req  delivery.Request
}

// forwardHealthchecks maps a Healthchecks notification to each destination and forwards it.
func (s *server) forwardHealthchecks(ctx context.Context, n *healthchecks.Notification) error {
	var out []outgoing
	if s.ilert != nil {
		e, err := healthchecks.ToILert(n)
		if err != nil {
			return err // ErrSkip: the handler acknowledges it
		}
		e.IntegrationKey = s.cfg.ILertKey
		out = append(out, outgoing{s.ilert, delivery.ILert(e)})
	}
	if s.alerts != nil {
		a, err := healthchecks.ToAlertOps(n)
		if err != nil {
			return err
		}
		out = append(out, outgoing{s.alerts, delivery.AlertOps(s.cfg.AlertOpsURL, a)})
	}
	note(ctx, "source", sourceHealthchecks, "check_status", string(n.Status), "alert_key", n.Check.Key())
	return s.forward(ctx, sourceHealthchecks, out)
}

// forwardLevel maps a Level event to each destination and forwards it; events that are
// not alerts are acknowledged and dropped (level.ErrNotAlert makes the handler say so).
func (s *server) forwardLevel(ctx context.Context, e *level.Event) error {
	note(ctx, "source", sourceLevel, "event", string(e.Type))
	if !e.Type.IsAlert() {
		note(ctx, "result", "ignored (not an alert)")
		s.met.ignored.inc(sourceLevel)
		return level.ErrNotAlert
	}
	var out []outgoing
	if s.ilert != nil {
		ev, err := level.ToILert(e)
		if err != nil {
			return err
		}
		ev.IntegrationKey = s.cfg.ILertKey
		out = append(out, outgoing{s.ilert, delivery.ILert(ev)})
	}
	if s.alerts != nil {
		a, err := level.ToAlertOps(e)
		if err != nil {
			return err
		}
		out = append(out, outgoing{s.alerts, delivery.AlertOps(s.cfg.AlertOpsURL, a)})
	}
	note(ctx, "alert_key", e.AlertKey())
	return s.forward(ctx, sourceLevel, out)
}

// forward queues each request durably, wakes its destination and waits up to
// cfg.DeliverWait for the results. It returns nil once every request is delivered or
// queued. It returns an error when a request could not be queued: the handler then
// answers 503 and the sender retries (requests queued before the failing one stay
// queued, so a retried webhook may be delivered to them twice; iLert and AlertOps
// deduplicate on the alert key). And it returns a *rejection (Permanent, so the handler
// answers 422 with the reason) when a destination rejected its request for good within
// the wait: retrying cannot help, and the sender's admin should see why.
func (s *server) forward(ctx context.Context, source string, out []outgoing) error {
	ref := newRef(source)
	note(ctx, "ref", ref)
	waits := make([]<-chan result, len(out))
	for i, o := range out {
		payload, err := o.req.WithRef(ref).Encode()
		if err != nil {
			return err
		}
		waits[i] = o.dest.await(ref)
		if err := o.dest.enq.enqueue(ctx, payload); err != nil {
			for _, p := range out[:i+1] {
				p.dest.forget(ref)
			}
			note(ctx, o.dest.name, "not queued")
			return fmt.Errorf("queue for %s: %w", o.dest.name, err)
		}
		s.met.queued.inc(source, o.dest.name)
		o.dest.wake()
	}
	timer := time.NewTimer(s.cfg.DeliverWait)
	defer timer.Stop()
	var rej *rejection
	for i, o := range out {
		r := result{reason: o.dest.status().lastError}
		if waits[i] != nil {
			select {
			case r = <-waits[i]:
			case <-timer.C:
				r = result{reason: "not delivered within -deliver-wait"}
			case <-ctx.Done():
			}
			o.dest.forget(ref)
		}
		note(ctx, o.dest.name, r.String())
		if r.state == delivery.StateRejected && rej == nil {
			rej = &rejection{dest: o.dest.name, reason: cutReason(r.reason)}
		}
	}
	if rej != nil {
		rejected(ctx, rej.Error())
		return rej
	}
	return nil
}

// rejection is forward's error when a destination rejected a request for good.
type rejection struct {
	dest, reason string // reason: redacted and cut
}

func (e *rejection) Error() string { return e.dest + " rejected the event: " + e.reason }

// Permanent reports true: the handlers answer 422.
func (e *rejection) Permanent() bool { return true }

// noteError is the handlers' error hook: it adds the reason to the request log. The
// handlers' messages and our own contain no secret; the redactor is a second line.
func (s *server) noteError(r *http.Request, status int, err error) {
	note(r.Context(), "err", s.red.String(err.Error()))
}

// healthPath is the health endpoint.
const healthPath = "/healthz"

// newRef returns a reference for one webhook: its source, "-" and 16 hex digits, unique
// enough to tell the webhooks of one process apart in its logs and waiters. The queue
// keeps it with the request, so a delivery counts by its source in the metrics.
func newRef(source string) string {
	return fmt.Sprintf("%s-%016x", source, rand.Uint64())
}

// sourceOfRef returns the source a reference of newRef names, or "unknown" (requests
// queued before the references named their source).
func sourceOfRef(ref string) string {
	source, _, ok := strings.Cut(ref, "-")
	switch source {
	case sourceHealthchecks, sourceLevel, sourceILert:
		if ok {
			return source
		}
	}
	return "unknown"
}

// trimPath keeps logged paths short.
func trimPath(p string) string {
	if len(p) > 64 {
		return p[:64] + "…"
	}
	return strings.ToValidUTF8(p, "?")
}
