package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// runFlush delivers what is queued, for every destination, within the time budget. It is
// meant for cron (or by hand); every notification run does the same for its destinations.
//
// When requests are still waiting at the end, it makes sure that a retrier runs for the
// queue (unless --no-retrier or ALERTBRIDGE_RETRIER=off: cron's flush every minute does
// without). With --log (cron) its lines go to the alertbridge log, and a flush that finds
// nothing queued says nothing.
//
// Exit codes: 0 everything delivered (or nothing queued, or another run is delivering);
// 1 requests remain queued (a destination is down or rate limited); 2 requests were
// rejected or expired and moved to failed/, or the queue is unusable.
func runFlush(ctx context.Context, o options, env *environment, log *logger) checkmk.ExitCode {
	dir := o.spoolDir
	if dir == "" {
		dir = defaultSpoolDir(env)
	}
	if o.dryRun {
		return dryRunFlush(ctx, dir, newSender(o.timeout, queuedRetry), log)
	}
	quiet := o.logFile
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		if !quiet {
			log.printf("queue %s: nothing queued", dir)
		}
		return checkmk.ExitSent
	}
	var opts []spool.Option
	if o.maxAge > 0 {
		opts = append(opts, spool.WithMaxAge(o.maxAge)) // for requests queued without their own
	}
	q, err := spool.Open(ctx, dir, opts...)
	if err != nil {
		log.warnf("%s", queueProblem(dir, err))
		return checkmk.ExitPermanent
	}
	// Listing and counting go on after the budget is used up: each destination's line says
	// what waits, and what waits needs a retrier.
	count := ctx
	ctx, cancel := context.WithTimeout(ctx, o.budget)
	defer cancel()
	names, err := q.Destinations(count)
	if err != nil {
		log.warnf("queue unusable: %v", err)
		return checkmk.ExitPermanent
	}
	s := newSender(o.timeout, queuedRetry)
	code := checkmk.ExitSent
	total, waiting := 0, 0
	for _, name := range names {
		if !ownQueue(name) {
			continue // another program's queue, e.g. the webhook relay's
		}
		n, err := q.Len(count, name)
		if err != nil {
			log.warnf("%s: %v", name, err)
			code = code.Combine(checkmk.ExitPermanent)
			continue
		}
		if n == 0 {
			continue
		}
		total += n
		display := displayForSpoolName(name)
		if ctx.Err() != nil {
			log.warnf("%s: %d waiting (time budget of the run used up)", display, n)
			code = code.Combine(checkmk.ExitTemporary)
			waiting += n
			continue
		}
		res, err := q.Flush(ctx, name, deliverFunc(s, log, display, nil))
		if err != nil && ctx.Err() == nil {
			log.warnf("%s: queue: %v", display, err)
			code = code.Combine(checkmk.ExitPermanent)
		}
		line := fmt.Sprintf("%s: %d delivered", display, res.Delivered)
		if res.Failed > 0 {
			line += fmt.Sprintf(", %d rejected", res.Failed)
		}
		if res.Expired > 0 {
			line += fmt.Sprintf(", %d expired", res.Expired)
		}
		if res.Failed+res.Expired > 0 {
			line += " (moved to failed/)"
			code = code.Combine(checkmk.ExitPermanent)
		}
		line += fmt.Sprintf(", %d waiting", res.Remaining)
		waiting += res.Remaining
		if res.Remaining > 0 {
			line += " (" + flushWhy(res, time.Now()) + ")"
			if res.Status != spool.StatusBusy {
				code = code.Combine(checkmk.ExitTemporary)
			}
		}
		if code != checkmk.ExitSent {
			log.warnf("%s", line)
		} else {
			log.printf("%s", line)
		}
	}
	if total == 0 && !quiet {
		log.printf("queue %s: nothing queued", dir)
	}
	if waiting > 0 {
		switch ensureRetrier(context.WithoutCancel(ctx), q, env, log, !o.noRetrier) {
		case retrierStarted:
			log.printf("queue %s: %d waiting; started a retrier, which retries in the background", q.Dir(), waiting)
		case retrierRunning:
			log.printf("queue %s: %d waiting; a retrier is running and retries in the background", q.Dir(), waiting)
		}
	}
	return code
}
