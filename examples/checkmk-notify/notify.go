package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/redact"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// item is one request of this run and what became of it.
type item struct {
	req     delivery.Request
	payload []byte // req encoded for the queue
	label   string
	id      spool.ID // "" when not queued
	done    bool     // outcome final
	res     result
	state   outcome
	detail  string // for queued: why it waits
}

// destination groups this run's requests for one destination, in order.
type destination struct {
	name    string // queue name, e.g. "ilert-3f2a9c0d1e4b"
	display string // "iLert" or "AlertOps", made unique when needed
	t       target
	items   []*item
	waiting int // requests queued for it when the run ended

	enqueueErr error // why requests could not be queued, if so
}

// notifyRun is one notification run: a single notification or a bulk.
type notifyRun struct {
	env      *environment
	log      *logger
	opts     options
	dests    []*destination
	errLines []string // configuration and context problems, one result line each
	exit     int
}

func (r *notifyRun) fail(code int, format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	r.errLines = append(r.errLines, line)
	r.exit = max(r.exit, code)
}

// runNotify handles a notification from the environment, or a bulk from standard input.
func runNotify(o options, env *environment, log *logger) int {
	start := time.Now()
	r := &notifyRun{env: env, log: log, opts: o}
	notes := r.readNotifications()

	// Settings of the run come from the first notification whose parameters are usable.
	setup, cancelSetup := context.WithTimeout(context.Background(), o.budget)
	defer cancelSetup()
	var settings *config
	type pending struct {
		n   *checkmk.Notification
		cfg config
	}
	var work []pending
	for _, n := range notes {
		cfg, err := configure(setup, n, env)
		if err != nil {
			r.fail(exitPermanent, "not sent (%s: configuration error: %v)", label(n), err)
			continue
		}
		if settings == nil {
			settings = &cfg
		}
		work = append(work, pending{n, cfg})
	}
	if settings == nil {
		return r.finish()
	}
	timeout, budget := o.timeout, o.budget
	if settings.timeout > 0 {
		timeout = settings.timeout
	}
	if settings.budget > 0 {
		budget = settings.budget
	}
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(budget))
	defer cancel()

	now := time.Now
	for _, w := range work {
		for _, t := range w.cfg.targets {
			req, skip := buildRequest(w.n, t, now)
			d := r.destination(t)
			it := &item{req: req, label: label(w.n)}
			var err error
			if skip {
				it.done, it.state = true, ignored
				it.detail = fmt.Sprintf("%s is not sent to iLert; only PROBLEM, ACKNOWLEDGEMENT and RECOVERY are", w.n.Type)
			} else if it.payload, err = req.Encode(); err != nil {
				it.done, it.state, it.detail = true, rejected, "cannot encode the request"
			}
			d.items = append(d.items, it)
		}
	}

	if o.dryRun {
		r.printDryRun()
		return r.finish()
	}

	var q *spool.Queue
	if settings.spool {
		dir := cmp.Or(settings.spoolDir, o.spoolDir, defaultSpoolDir(env))
		var err error
		if q, err = openQueue(dir, cmp.Or(settings.maxAge, o.maxAge)); err != nil {
			log.warnf("queue unavailable, sending without it: %v", err)
		}
	}
	retry := directRetry
	if q != nil {
		retry = queuedRetry
	}
	s := newSender(timeout, retry)
	if q != nil {
		for _, d := range r.dests {
			r.enqueue(q, d)
		}
		for _, d := range r.dests {
			r.flushOwn(ctx, q, s, d)
		}
	} else {
		for _, d := range r.dests {
			r.deliverDirect(ctx, s, d, settings.spool)
		}
	}
	if q != nil {
		own := map[string]bool{}
		for _, d := range r.dests {
			own[d.name] = true
		}
		flushOthers(ctx, q, s, log, own)
	}
	return r.finish()
}

func openQueue(dir string, maxAge time.Duration) (*spool.Queue, error) {
	var opts []spool.Option
	if maxAge > 0 {
		opts = append(opts, spool.WithMaxAge(maxAge))
	}
	return spool.Open(dir, opts...)
}

// readNotifications reads the single notification from the environment or the bulk from
// standard input. In bulk mode the environment holds no notification and is not read.
func (r *notifyRun) readNotifications() []*checkmk.Notification {
	if !r.opts.bulk {
		n, err := checkmk.FromEnviron(r.env.environ)
		if err != nil {
			r.fail(exitPermanent, "not sent (%v)", err)
			return nil
		}
		return []*checkmk.Notification{n}
	}
	br := checkmk.NewBulkReader(r.env.stdin)
	var notes []*checkmk.Notification
	for n, err := range br.Notifications() {
		var bce *checkmk.BulkContextError
		switch {
		case errors.As(err, &bce):
			r.fail(exitPermanent, "not sent (bulk notification %d: %v)", bce.Index, bce.Err)
		case err != nil && !errors.Is(err, io.EOF):
			r.fail(exitPermanent, "not sent (reading the bulk failed: %v)", err)
		case n != nil:
			notes = append(notes, n)
		}
	}
	for _, l := range br.InvalidLines() {
		r.log.warnf("bulk: skipped %s", l)
	}
	if len(notes) == 0 && len(r.errLines) == 0 {
		r.fail(exitPermanent, "not sent (the bulk on standard input holds no notification)")
	}
	return notes
}

// destination returns this run's destination for t, creating it on first use.
func (r *notifyRun) destination(t target) *destination {
	name := t.spoolName()
	for _, d := range r.dests {
		if d.name == name {
			return d
		}
	}
	d := &destination{name: name, t: t, display: "AlertOps"}
	if t.isILert() {
		d.display = "iLert"
	}
	for _, o := range r.dests {
		if o.display == d.display || o.display == d.display+" "+o.name {
			o.display = o.t.displayBase() + " " + o.name
			d.display = d.display + " " + d.name
		}
	}
	r.dests = append(r.dests, d)
	return d
}

func (t target) displayBase() string {
	if t.isILert() {
		return "iLert"
	}
	return "AlertOps"
}

// enqueueTimeout bounds the wait for a destination's enqueue lock. Queueing does not
// depend on the run's time budget: a notification is made durable even when the budget is
// used up.
const enqueueTimeout = 10 * time.Second

// enqueue queues the destination's requests. A request that cannot be queued is left for
// flushOwn to send directly.
func (r *notifyRun) enqueue(q *spool.Queue, d *destination) {
	ctx, cancel := context.WithTimeout(context.Background(), enqueueTimeout)
	defer cancel()
	for _, it := range d.items {
		if it.done {
			continue
		}
		id, err := q.Enqueue(ctx, d.name, it.payload)
		if err != nil {
			d.enqueueErr = err
			r.log.warnf("%s: cannot queue (%v); sending directly", d.display, err)
			return
		}
		it.id = id
	}
}

// flushOwn flushes a destination after its requests were queued, so that no request
// overtakes an older one queued by an earlier run, and records what became of this run's
// requests.
func (r *notifyRun) flushOwn(ctx context.Context, q *spool.Queue, s *delivery.Sender, d *destination) {
	own := map[spool.ID]*item{}
	for _, it := range d.items {
		if it.id != "" {
			own[it.id] = it
		}
	}
	var (
		res spool.FlushResult
		err error
	)
	if ctx.Err() == nil {
		res, err = q.Flush(ctx, d.name, deliverFunc(s, r.log, d.display, own))
		if err != nil && ctx.Err() == nil {
			r.log.warnf("%s: queue: %v", d.display, err)
		}
		d.waiting = res.Remaining
	} else {
		d.waiting, _ = q.Len(d.name)
	}
	why := ""
	switch {
	case ctx.Err() != nil:
		why = "time budget of the run used up"
	case res.Status == spool.StatusHeld:
		why = "rate limited, held until " + res.HeldUntil.Local().Format("15:04:05")
	case res.Status == spool.StatusStopped && res.Err != nil:
		why = res.Err.Error()
	case err != nil:
		why = "queue error"
	}
	if !res.HeldUntil.IsZero() && res.Status != spool.StatusHeld {
		why += ", held until " + res.HeldUntil.Local().Format("15:04:05")
	}
	for _, it := range d.items {
		if it.done || it.id == "" {
			continue
		}
		it.done = true
		if res.Status == spool.StatusBusy {
			it.state, it.detail = busy, "another run is delivering"
			continue
		}
		it.state, it.detail = queued, why
		if it.res.outcome == failed && it.res.reason != "" {
			// This run tried it: say what the destination answered.
			it.detail = it.res.reason
			if ctx.Err() != nil {
				it.detail += "; time budget of the run used up"
			} else if !res.HeldUntil.IsZero() {
				it.detail += ", held until " + res.HeldUntil.Local().Format("15:04:05")
			}
		}
	}
	// Requests that could not be queued: send them directly, unless the destination is
	// stopped (they would overtake the queued ones).
	for _, it := range d.items {
		if it.done {
			continue
		}
		if res.Status != spool.StatusDone || ctx.Err() != nil {
			it.done, it.state, it.detail = true, failed, fmt.Sprintf("could not be queued (%v), and the destination is not reachable now", d.enqueueErr)
			continue
		}
		it.res = send(ctx, s, it.req)
		it.done, it.state, it.detail = true, it.res.outcome, it.res.reason
		if it.state == failed {
			it.detail += "; could not be queued"
		}
	}
}

// deliverDirect sends without the queue (spool=off, or the queue is unusable).
func (r *notifyRun) deliverDirect(ctx context.Context, s *delivery.Sender, d *destination, spoolWanted bool) {
	var stop string
	for _, it := range d.items {
		if it.done {
			continue
		}
		if stop != "" {
			it.done, it.state, it.detail = true, failed, stop
			continue
		}
		it.res = send(ctx, s, it.req)
		it.done, it.state, it.detail = true, it.res.outcome, it.res.reason
		if it.state == failed {
			if spoolWanted {
				it.detail += "; the queue is unusable"
			} else {
				it.detail += "; not queued (spool=off)"
			}
			if it.res.rateLimited {
				stop = "not sent after a 429 in this run"
			}
		}
	}
}

// deliverFunc delivers queued requests for Flush; it records the results of this run's
// own requests and logs those of older ones.
func deliverFunc(s *delivery.Sender, log *logger, display string, own map[spool.ID]*item) spool.DeliverFunc {
	return func(ctx context.Context, it spool.Item) spool.Outcome {
		req, err := delivery.Decode(it.Payload)
		if err != nil {
			log.warnf("%s: queued request %s is unusable (%v); moved to failed/", display, it.ID, err)
			return spool.Permanent(err)
		}
		res := send(ctx, s, req)
		if mine := own[it.ID]; mine != nil {
			mine.res = res
			if res.outcome != failed {
				mine.done, mine.state, mine.detail = true, res.outcome, res.reason
			}
		} else {
			age := time.Since(it.Enqueued).Round(time.Second)
			switch res.outcome {
			case sent, benign:
				log.printf("%s: delivered queued %s (%s, queued %s ago)", display, req.Ref, res.reason, age)
			case rejected:
				log.warnf("%s: rejected queued %s (%s); moved to failed/", display, req.Ref, res.reason)
			default:
				log.warnf("%s: queued %s still not delivered (%s)", display, req.Ref, res.reason)
			}
		}
		return res.spoolOutcome(req.Ref)
	}
}

// flushOthers delivers what earlier runs queued for destinations this run did not use,
// within what is left of the time budget.
func flushOthers(ctx context.Context, q *spool.Queue, s *delivery.Sender, log *logger, own map[string]bool) {
	names, err := q.Destinations()
	if err != nil {
		log.warnf("queue: %v", err)
		return
	}
	for _, name := range names {
		if own[name] || !ownQueue(name) || ctx.Err() != nil {
			continue
		}
		if n, err := q.Len(name); err != nil || n == 0 {
			continue
		}
		display := displayForSpoolName(name)
		res, err := q.Flush(ctx, name, deliverFunc(s, log, display, nil))
		if err != nil && ctx.Err() == nil {
			log.warnf("%s: queue: %v", display, err)
		}
		if res.Remaining > 0 && res.Status != spool.StatusBusy {
			log.printf("%s: %d queued request(s) waiting (%s)", display, res.Remaining, flushWhy(res))
		}
	}
}

func displayForSpoolName(name string) string {
	switch {
	case len(name) > 6 && name[:6] == "ilert-":
		return "iLert " + name
	case len(name) > 9 && name[:9] == "alertops-":
		return "AlertOps " + name
	}
	return name
}

func flushWhy(res spool.FlushResult) string {
	switch res.Status {
	case spool.StatusHeld:
		return "rate limited, held until " + res.HeldUntil.Local().Format("15:04:05")
	case spool.StatusStopped:
		if res.Err != nil {
			return res.Err.Error()
		}
		return "time budget used up"
	case spool.StatusBusy:
		return "another run is delivering"
	}
	return "done"
}

// printDryRun prints the requests the run would send, secrets redacted.
func (r *notifyRun) printDryRun() {
	for _, d := range r.dests {
		for _, it := range d.items {
			if it.done {
				continue
			}
			printRequest(r.log, d.display, it.req)
			it.done, it.state = true, dryRun
		}
	}
}

// finish prints the result lines, one per destination, and returns the exit code.
func (r *notifyRun) finish() int {
	for _, l := range r.errLines {
		r.log.warnf("checkmk-notify: %s", l)
	}
	for _, d := range r.dests {
		line, code := d.summary()
		r.exit = max(r.exit, code)
		if code != exitOK {
			r.log.warnf("%s", line)
		} else {
			r.log.printf("%s", line)
		}
	}
	return r.exit
}

// summary is the destination's result line and exit code.
func (d *destination) summary() (string, int) {
	code := exitOK
	counts := map[outcome]int{}
	var worst *item
	for _, it := range d.items {
		counts[it.state]++
		code = max(code, it.state.exitCode())
		if worst == nil || severity(it.state) > severity(worst.state) {
			worst = it
		}
	}
	if len(d.items) == 1 {
		return d.display + ": " + describeItem(d, worst), code
	}
	var parts []string
	for _, o := range []outcome{sent, benign, ignored, queued, busy, rejected, failed, dryRun} {
		if counts[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[o], o.word()))
		}
	}
	line := fmt.Sprintf("%s: %d notifications: %s", d.display, len(d.items), joinComma(parts))
	if worst.state != sent && worst.state != dryRun {
		line += "; " + describeItem(d, worst)
	}
	return line, code
}

// severity orders outcomes for choosing which one a summary explains.
func severity(o outcome) int {
	return slices.Index([]outcome{dryRun, sent, benign, ignored, busy, queued, failed, rejected}, o)
}

func (o outcome) word() string {
	return [...]string{"sent", "nothing to do", "ignored", "queued", "queued", "rejected", "failed", "not sent (dry run)"}[o]
}

// describeItem is the part of a result line after "<destination>: ".
func describeItem(d *destination, it *item) string {
	switch it.state {
	case sent:
		return fmt.Sprintf("sent (%s, %s)", it.detail, it.label)
	case benign:
		return fmt.Sprintf("nothing to do (%s, %s)", it.detail, it.label)
	case ignored:
		return fmt.Sprintf("ignored (%s)", it.detail)
	case busy:
		return "queued (another run is delivering)"
	case queued:
		return fmt.Sprintf("queued (%s; %d waiting, retried on the next run or by flush)", it.detail, d.waiting)
	case rejected:
		if it.id != "" {
			return fmt.Sprintf("rejected (%s) — moved to failed/", it.detail)
		}
		return fmt.Sprintf("rejected (%s)", it.detail)
	case failed:
		return fmt.Sprintf("not sent (%s)", it.detail)
	case dryRun:
		return "dry run, nothing sent"
	}
	return "unknown outcome"
}

func joinComma(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}

// printRequest shows a request as it would be sent, with its secrets redacted.
func printRequest(log *logger, display string, req delivery.Request) {
	red := redact.New(req.Secrets()...)
	base := ilert.DefaultBaseURL
	if req.Transport != nil && req.Transport.ILertURL != "" {
		base = req.Transport.ILertURL
	}
	var (
		u    string
		body any
	)
	switch req.Sink {
	case delivery.SinkILertCheckmk:
		u, body = base+"/api/v1/events/checkmk-ext/"+req.Checkmk.IntegrationKey, req.Checkmk.Context
	case delivery.SinkILert:
		u, body = base+"/api/events", req.ILert
	case delivery.SinkILertNagios:
		log.printf("%s: would send %s (POST %s)", display, req.Ref, red.RawURL(base+"/api/v1/events/nagios"))
		log.raw("    " + red.String(string(ilert.NagiosXML(req.Nagios.IntegrationKey, req.Nagios.Variables))) + "\n")
		return
	case delivery.SinkAlertOps:
		u, body = req.AlertOpsURL, req.AlertOps
	}
	shown := red.RawURL(u)
	if req.Sink == delivery.SinkAlertOps {
		shown = alertops.RedactWebhookURL(u)
	}
	log.printf("%s: would send %s (POST %s)", display, req.Ref, shown)
	b, err := jsonMarshal(body)
	if err != nil {
		log.raw("    (the body does not encode as JSON)\n")
		return
	}
	log.raw(red.String(indentJSON(b)) + "\n")
}
