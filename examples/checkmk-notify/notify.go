package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// item is one request of this run and what happened to it. The run records facts here;
// settle decides the item's final state from them, in one place.
type item struct {
	req     delivery.Request
	payload []byte // req prepared for its sink and encoded for the queue
	label   string

	skipped    string   // the mapping skipped it (checkmk.ErrSkip): why
	encodeErr  error    // it could not be encoded
	dryRun     bool     // printed, not sent
	id         spool.ID // "" when not queued
	tried      *attempt // this run's send of it, if any (by a flush or directly)
	noQueue    string   // sent directly: why not through the queue
	notTried   string   // not sent in this run although it had to be: why
	notDurable string   // queued, but syncing it failed: why
	expired    bool     // its try failed past its maximum age: moved to failed/
}

// destination groups this run's requests for one destination, in order, and what became
// of its queue.
type destination struct {
	name    string // queue name, e.g. "ilert-3f2a9c0d1e4b"
	display string // "iLert" or "AlertOps", made unique when needed
	t       target
	items   []*item

	enqueueErr error              // why requests could not be queued, if so
	queueNote  string             // why the queue was not used for it: directory, problem, fix
	flushed    *spool.FlushResult // the flush of this run, if there was one
	flushErr   error              // the queue's own failure in that flush
	outOfTime  bool               // the run's time budget ended before or during the flush
	waiting    int                // requests queued for it when the run ended
	retrier    retrierState       // who delivers what waits
}

// notifyRun is one notification run: a single notification or a bulk.
type notifyRun struct {
	env      *environment
	log      *logger
	opts     options
	timeout  time.Duration // of one request: the rule's, else --timeout
	dests    []*destination
	errLines []string // configuration and context problems, one result line each
	exit     checkmk.ExitCode
}

func (r *notifyRun) fail(code checkmk.ExitCode, format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	r.errLines = append(r.errLines, line)
	r.exit = r.exit.Combine(code)
}

// runNotify handles a notification from the environment, or a bulk from standard input.
//
// Every request is queued first (without a disk flush: spool.DeferSync), then its
// destination is flushed, so that no request overtakes an older one; what is still
// waiting at the end is synced to disk before the run reports it queued, and a retrier is
// made sure of for it. A request delivered at once thus costs no disk flush.
func runNotify(parent context.Context, o options, env *environment, log *logger) checkmk.ExitCode {
	start := time.Now()
	r := &notifyRun{env: env, log: log, opts: o}
	notes := r.readNotifications()

	// Settings of the run come from the first notification whose parameters are usable.
	setup, cancelSetup := context.WithTimeout(parent, o.budget)
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
			r.fail(checkmk.ExitPermanent, "not sent (%s: configuration error: %v)", label(n), err)
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
	ctx, cancel := context.WithDeadline(parent, start.Add(budget))
	defer cancel()
	r.timeout = timeout

	s := newSender(timeout, queuedRetry)
	for _, w := range work {
		for _, t := range w.cfg.targets {
			req, err := buildRequest(w.n, t, time.Now)
			it := &item{req: req, label: label(w.n)}
			switch {
			case errors.Is(err, checkmk.ErrSkip):
				it.skipped = fmt.Sprintf("%s is not sent to iLert; only PROBLEM, ACKNOWLEDGEMENT and RECOVERY are", w.n.Type)
			case err != nil:
				it.encodeErr = err
			default:
				it.payload, it.encodeErr = prepare(s, req)
			}
			r.destination(t).add(it)
		}
	}

	if o.dryRun {
		r.printDryRun(ctx, s)
		return r.finish()
	}

	var q runQueue
	problem := ""
	if settings.spool {
		dir := cmp.Or(settings.spoolDir, o.spoolDir, defaultSpoolDir(env))
		var err error
		if q, err = env.openQueue(ctx, dir); err != nil {
			problem = queueProblem(dir, err)
			log.warnf("%s; sending without it", problem)
			q = nil
		}
	}
	if q == nil {
		direct := newSender(timeout, directRetry)
		why := "not queued (spool=off)"
		if settings.spool {
			why = problem
		}
		for _, d := range r.dests {
			d.queueNote = problem
			d.sendDirect(ctx, direct, why)
		}
		return r.finish()
	}
	maxAge := cmp.Or(settings.maxAge, o.maxAge)
	for _, d := range r.dests {
		r.enqueue(q, d, maxAge)
	}
	own := map[string]bool{}
	for _, d := range r.dests {
		r.flushOwn(ctx, q, s, d)
		own[d.name] = true
	}
	othersWait := flushOthers(ctx, q, s, log, own)
	r.syncQueued(q)
	waits := othersWait
	for _, d := range r.dests {
		waits = waits || d.waiting > 0 || (d.flushed != nil && d.flushed.Status == spool.StatusBusy)
	}
	if waits {
		st := ensureRetrier(context.WithoutCancel(ctx), q, env, log, settings.retrier && !o.noRetrier)
		for _, d := range r.dests {
			d.retrier = st
		}
	}
	return r.finish()
}

// prepare makes the payload the queue keeps for req: the request prepared for its sink
// (the body encoded once, delivery.Sender.Prepare) in the queue's format.
func prepare(s *delivery.Sender, req delivery.Request) ([]byte, error) {
	p, err := s.Prepare(req)
	if err != nil {
		return nil, err
	}
	return p.Encode()
}

// runQueue is what a run needs of its queue. *spool.Queue is one; tests wrap it to make
// the disk fail.
type runQueue interface {
	Dir() string
	Enqueue(ctx context.Context, dest string, payload []byte, opts ...spool.EnqueueOption) (spool.ID, error)
	Flush(ctx context.Context, dest string, deliver spool.DeliverFunc, opts ...spool.FlushOption) (spool.FlushResult, error)
	Sync(ctx context.Context, ids ...spool.ID) error
	Len(ctx context.Context, dest string) (int, error)
	Destinations(ctx context.Context) ([]string, error)
	TryLock(ctx context.Context, name string) (*spool.Lock, error)
}

// openQueue opens the queue in dir, which the queue's trust check must accept (see
// spool.Open): a directory another user could redirect or empty is refused. The run
// enqueues at once and sends directly what it cannot queue, so Open's write probe is left
// out (two directory changes of every run).
func openQueue(ctx context.Context, dir string) (runQueue, error) {
	return spool.Open(ctx, dir, spool.WithoutWriteProbe())
}

// queueProblem says, for the result lines, why the queue in dir is not used: the
// directory, what is wrong with it and how to fix it.
func queueProblem(dir string, err error) string {
	if u, ok := errors.AsType[*spool.UnsafeError](err); ok {
		return fmt.Sprintf("the queue %s is not used: %s %s; %s", dir, u.Path, u.Problem, u.Fix)
	}
	return fmt.Sprintf("the queue %s is unusable (%s)", dir, strings.TrimPrefix(err.Error(), "spool: open queue: "))
}

// add appends it to the destination's requests.
func (d *destination) add(it *item) { d.items = append(d.items, it) }

// toSend are the destination's requests that go out: not skipped, encoded, not a dry run.
func (d *destination) toSend() []*item {
	var out []*item
	for _, it := range d.items {
		if it.skipped == "" && it.encodeErr == nil && !it.dryRun {
			out = append(out, it)
		}
	}
	return out
}

// readNotifications reads the single notification from the environment or the bulk from
// standard input. In bulk mode the environment holds no notification and is not read.
func (r *notifyRun) readNotifications() []*checkmk.Notification {
	if !r.opts.bulk {
		n, err := checkmk.FromEnviron(r.env.environ)
		if err != nil {
			r.fail(checkmk.ExitPermanent, "not sent (%v)", err)
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
			r.fail(checkmk.ExitPermanent, "not sent (bulk notification %d: %v)", bce.Index, bce.Err)
		case err != nil && !errors.Is(err, io.EOF):
			r.fail(checkmk.ExitPermanent, "not sent (reading the bulk failed: %v)", err)
		case n != nil:
			notes = append(notes, n)
		}
	}
	for _, l := range br.InvalidLines() {
		r.log.warnf("bulk: skipped %s", l)
	}
	if len(notes) == 0 && len(r.errLines) == 0 {
		r.fail(checkmk.ExitPermanent, "not sent (the bulk on standard input holds no notification)")
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
	d := &destination{name: name, t: t, display: t.displayBase()}
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

// enqueueTimeout bounds the wait for a destination's enqueue lock, and syncTimeout the
// syncs of what stays queued. Neither depends on the run's time budget: a notification is
// made durable even when the budget is used up.
const (
	enqueueTimeout = 10 * time.Second
	syncTimeout    = 10 * time.Second
)

// enqueue queues the destination's requests, without a disk flush (syncQueued makes
// durable what is still waiting when the run ends), each with the rule's maximum age and
// the rate of its iLert key. A request that cannot be queued is left for flushOwn to send
// directly.
func (r *notifyRun) enqueue(q runQueue, d *destination, maxAge time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), enqueueTimeout)
	defer cancel()
	opts := []spool.EnqueueOption{spool.DeferSync()}
	if maxAge > 0 {
		opts = append(opts, spool.ExpireAfter(maxAge))
	}
	if !d.t.rate.Off() {
		opts = append(opts, spool.PaceAt(paceRate(d.t.rate)))
	}
	for _, it := range d.toSend() {
		id, err := q.Enqueue(ctx, d.name, it.payload, opts...)
		if id != "" {
			// Queued, even if not confirmed durable: sending it directly too would deliver
			// it twice.
			it.id = id
			if err != nil {
				it.notDurable = err.Error()
				r.log.warnf("%s: %v", d.display, err)
			}
			continue
		}
		if err != nil {
			d.enqueueErr = err
			if _, unsafe := errors.AsType[*spool.UnsafeError](err); unsafe {
				d.queueNote = queueProblem(q.Dir(), err)
			}
			r.log.warnf("%s: cannot queue (%v); sending directly", d.display, err)
			return
		}
	}
}

// paceRate is the rate the queue paces an iLert key with: the rule's, with a margin of a
// thirtieth of the interval (2 s a minute) for the time a request takes to reach iLert,
// which counts by arrival in fixed windows.
func paceRate(r spool.Rate) spool.Rate {
	return spool.Rate{N: r.N, Per: r.Per + r.Per/30}
}

// flushOwn flushes a destination after its requests were queued, so that no request
// overtakes an older one queued by an earlier run, and records what the flush did.
// Requests that could not be queued are then sent directly, unless the destination is
// stopped (they would overtake the queued ones). A queue that turns out not to be trusted
// in the flush (a link planted as its lock) is not relied on: this run's requests are sent
// directly as well.
func (r *notifyRun) flushOwn(ctx context.Context, q runQueue, s *delivery.Sender, d *destination) {
	own := map[spool.ID]*item{}
	for _, it := range d.items {
		if it.id != "" {
			own[it.id] = it
		}
	}
	if ctx.Err() == nil {
		res, err := q.Flush(ctx, d.name, deliverFunc(s, r.log, d.display, own))
		if err != nil && ctx.Err() == nil {
			r.log.warnf("%s: queue: %v", d.display, err)
		}
		d.flushed, d.flushErr, d.waiting = &res, err, res.Remaining
		if _, unsafe := errors.AsType[*spool.UnsafeError](err); unsafe {
			d.queueNote = queueProblem(q.Dir(), err)
		}
	} else {
		// The budget is used up: count what waits all the same, so that a retrier starts.
		d.waiting, _ = q.Len(context.WithoutCancel(ctx), d.name)
	}
	if d.queueNote != "" {
		// The destination's queue is not to be trusted (a link or another user's file in
		// it): what it holds waits for the administrator, and this run's requests go
		// directly, so that none is lost (a queued copy may be delivered again later).
		direct := newSender(r.timeout, directRetry)
		for _, it := range d.toSend() {
			if it.tried == nil {
				a := send(ctx, direct, it.req)
				it.tried, it.noQueue = &a, d.queueNote
			}
		}
		return
	}
	d.outOfTime = ctx.Err() != nil
	stopped := d.flushed == nil || d.flushed.Status != spool.StatusDone || d.outOfTime
	for _, it := range d.toSend() {
		switch {
		case it.id != "":
		case stopped:
			it.notTried = fmt.Sprintf("could not be queued (%v), and the destination is not reachable now", d.enqueueErr)
		default:
			a := send(ctx, s, it.req)
			it.tried, it.noQueue = &a, "could not be queued"
		}
	}
}

// syncQueued makes durable this run's requests that are still queued (delivered ones need
// nothing). A request whose sync fails stays queued and is reported so: it is not sent
// another way.
func (r *notifyRun) syncQueued(q runQueue) {
	var ids []spool.ID
	byID := map[spool.ID]*item{}
	for _, d := range r.dests {
		for _, it := range d.items {
			if it.id != "" {
				ids = append(ids, it.id)
				byID[it.id] = it
			}
		}
	}
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	err := q.Sync(ctx, ids...)
	if err == nil {
		return
	}
	r.log.warnf("queue: %v", err)
	nd, ok := errors.AsType[*spool.NotDurableError](err)
	if !ok {
		// Not even tried (a bad ID cannot happen here): every request is in doubt.
		for _, it := range byID {
			it.notDurable = err.Error()
		}
		return
	}
	for _, id := range nd.IDs {
		if it := byID[id]; it != nil {
			it.notDurable = nd.Err.Error()
		}
	}
}

// sendDirect sends without the queue (spool=off, or the queue is unusable). After a 429
// nothing more goes to the destination in this run.
func (d *destination) sendDirect(ctx context.Context, s *delivery.Sender, why string) {
	stop := ""
	for _, it := range d.toSend() {
		if stop != "" {
			it.notTried = stop
			continue
		}
		a := send(ctx, s, it.req)
		it.tried, it.noQueue = &a, why
		if a.rateLimited {
			stop = "not sent after a 429 in this run"
		}
	}
}

// deliverFunc delivers queued requests for Flush; it records the attempts at this run's
// own requests and logs those at older ones. The queue acts on the error it returns.
func deliverFunc(s *delivery.Sender, log *logger, display string, own map[spool.ID]*item) spool.DeliverFunc {
	return func(ctx context.Context, it spool.Item) error {
		req, err := delivery.Decode(it.Payload)
		if err != nil {
			log.warnf("%s: queued request %s is unusable (%v); moved to failed/", display, it.ID, err)
			return err
		}
		a := send(ctx, s, req)
		// The queue moves a request that fails its last try past its maximum age to
		// failed/, unless the failure is the end of the flush's own time.
		expired := it.Expiring && a.state == delivery.StateQueued && ctx.Err() == nil
		if mine := own[it.ID]; mine != nil {
			mine.tried, mine.expired = &a, expired
		} else {
			age := time.Since(it.Enqueued).Round(time.Second)
			switch {
			case a.state == delivery.StateSent, a.state == delivery.StateNothingToDo:
				log.printf("%s: delivered queued %s (%s, queued %s ago)", display, req.Ref, a.reason, age)
			case a.state == delivery.StateRejected:
				log.warnf("%s: rejected queued %s (%s); moved to failed/", display, req.Ref, a.reason)
			case expired:
				log.warnf("%s: queued %s expired (%s, queued %s ago, older than its maximum age); moved to failed/", display, req.Ref, a.reason, age)
			default:
				log.warnf("%s: queued %s still not delivered (%s)", display, req.Ref, a.reason)
			}
		}
		return a.queueError(req.Ref)
	}
}

// flushOthers delivers what earlier runs queued for destinations this run did not use,
// within what is left of the time budget. It reports whether requests are still waiting
// there.
func flushOthers(ctx context.Context, q runQueue, s *delivery.Sender, log *logger, own map[string]bool) bool {
	// Listing and counting go on after the budget is used up: what waits needs a retrier.
	count := context.WithoutCancel(ctx)
	names, err := q.Destinations(count)
	if err != nil {
		log.warnf("queue: %v", err)
		return false
	}
	waiting := false
	for _, name := range names {
		if own[name] || !ownQueue(name) {
			continue
		}
		n, err := q.Len(count, name)
		if err != nil || n == 0 {
			continue
		}
		if ctx.Err() != nil {
			waiting = true
			continue
		}
		display := displayForSpoolName(name)
		res, err := q.Flush(ctx, name, deliverFunc(s, log, display, nil))
		if err != nil && ctx.Err() == nil {
			log.warnf("%s: queue: %v", display, err)
		}
		if res.Remaining > 0 {
			waiting = true
			if res.Status != spool.StatusBusy {
				log.printf("%s: %d queued request(s) waiting (%s)", display, res.Remaining, flushWhy(res, time.Now()))
			}
		}
	}
	return waiting
}

// printDryRun prints the requests the run would send, secrets redacted.
func (r *notifyRun) printDryRun(ctx context.Context, s *delivery.Sender) {
	for _, d := range r.dests {
		for _, it := range d.toSend() {
			printRequest(ctx, s, r.log, d.display, it.req)
			it.dryRun = true
		}
	}
}

// finish prints the result lines, one per destination, and returns the exit code.
func (r *notifyRun) finish() checkmk.ExitCode {
	for _, l := range r.errLines {
		r.log.warnf("checkmk-notify: %s", l)
	}
	for _, d := range r.dests {
		line, code := d.summary()
		r.exit = r.exit.Combine(code)
		if code != checkmk.ExitSent {
			r.log.warnf("%s", line)
		} else {
			r.log.printf("%s", line)
		}
	}
	return r.exit
}
