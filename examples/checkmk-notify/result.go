package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// Besides the states of package delivery, which both programs print, a request of this
// run may end as one of these: not sent (a temporary failure, and it could not be
// queued), ignored (the destination does not take this notification type), busy (queued;
// another run holds the destination and delivers it), expired (its try failed when it was
// already older than its maximum age: moved to failed/) or dry run (printed, not sent).
const (
	stateNotSent delivery.State = "not sent"
	stateIgnored delivery.State = "ignored"
	stateBusy    delivery.State = "busy"
	stateDryRun  delivery.State = "dry run"
	stateExpired delivery.State = "expired"
)

// settle decides what became of a request of this run, from what the run recorded about it
// and its destination: the state and the detail its result line gives. It is the one place
// that decides; nothing else sets an item's state.
func (d *destination) settle(it *item) (delivery.State, string) {
	st, detail := d.settleState(it)
	if it.notDurable != "" && (st == delivery.StateQueued || st == stateBusy) {
		detail += "; not confirmed on disk (" + it.notDurable + ")"
	}
	return st, detail
}

func (d *destination) settleState(it *item) (delivery.State, string) {
	now := time.Now()
	switch {
	case it.skipped != "":
		return stateIgnored, it.skipped
	case it.encodeErr != nil:
		return delivery.StateRejected, "cannot encode the request"
	case it.dryRun:
		return stateDryRun, ""
	case it.notTried != "":
		return stateNotSent, it.notTried
	case it.noQueue != "": // sent directly
		if it.tried.state == delivery.StateQueued {
			return stateNotSent, it.tried.reason + "; " + it.noQueue
		}
		return it.tried.state, it.tried.reason
	case it.tried != nil && it.tried.state != delivery.StateQueued:
		return it.tried.state, it.tried.reason // this run's flush delivered or rejected it
	case it.expired:
		return stateExpired, it.tried.reason
	case d.flushed != nil && d.flushed.Status == spool.StatusBusy:
		return stateBusy, "another run is delivering"
	}
	// Queued, and still waiting.
	held := ""
	if d.flushed != nil && !d.flushed.HeldUntil.IsZero() {
		held = "held until " + clock(d.flushed.HeldUntil, now)
	}
	if it.tried != nil {
		// This run tried it: say what the destination answered.
		switch {
		case d.outOfTime:
			return delivery.StateQueued, it.tried.reason + "; time budget of the run used up"
		case held != "":
			return delivery.StateQueued, it.tried.reason + ", " + held
		}
		return delivery.StateQueued, it.tried.reason
	}
	why := ""
	switch {
	case d.outOfTime:
		why = "time budget of the run used up"
	case d.flushed.Status == spool.StatusHeld:
		return delivery.StateQueued, "rate limited, " + held
	case d.flushed.Status == spool.StatusPaced:
		return delivery.StateQueued, pacedText(d.t.rate)
	case d.flushed.Status == spool.StatusStopped && d.flushed.Err != nil:
		why = d.flushed.Err.Error()
	case d.flushErr != nil:
		why = "queue error"
	}
	if held != "" {
		why += ", " + held
	}
	return delivery.StateQueued, why
}

// pacedText says why a request waits for its iLert key's pacing.
func pacedText(r spool.Rate) string {
	if r == defaultILertRate {
		return "paced: iLert accepts 50 per minute per alert source"
	}
	per := r.Per.String()
	if r.Per == time.Minute {
		per = "minute"
	}
	return fmt.Sprintf("paced: at most %d per %s per alert source (ilert_rate=%s)", r.N, per, strings.TrimSuffix(r.String(), "/1m0s"))
}

// retriedBy says who delivers what waits for the destination.
func (d *destination) retriedBy() string {
	if d.retrier.background() {
		return "retrying in the background"
	}
	return "retried on the next run or by flush"
}

// exitCode is the exit code a state calls for.
func exitCode(s delivery.State) checkmk.ExitCode {
	switch s {
	case delivery.StateRejected, stateExpired:
		return checkmk.ExitPermanent
	case stateNotSent:
		return checkmk.ExitTemporary
	}
	return checkmk.ExitSent
}

// word is how a state is counted in a summary line.
func word(s delivery.State) string {
	switch s {
	case stateBusy:
		return string(delivery.StateQueued)
	case stateDryRun:
		return "not sent (dry run)"
	}
	return string(s)
}

// severity orders states for choosing which one a summary explains.
func severity(s delivery.State) int {
	return slices.Index([]delivery.State{stateDryRun, delivery.StateSent, delivery.StateNothingToDo, stateIgnored,
		stateBusy, delivery.StateQueued, stateNotSent, stateExpired, delivery.StateRejected}, s)
}

// summary is the destination's result line and exit code.
func (d *destination) summary() (string, checkmk.ExitCode) {
	var code checkmk.ExitCode
	counts := map[string]int{}
	var worst *item
	var worstState delivery.State
	var worstDetail string
	for _, it := range d.items {
		st, detail := d.settle(it)
		counts[word(st)]++
		code = code.Combine(exitCode(st))
		if worst == nil || severity(st) > severity(worstState) {
			worst, worstState, worstDetail = it, st, detail
		}
	}
	if len(d.items) == 1 {
		return d.display + ": " + d.describe(worst, worstState, worstDetail), code
	}
	var parts []string
	for _, s := range []delivery.State{delivery.StateSent, delivery.StateNothingToDo, stateIgnored,
		delivery.StateQueued, delivery.StateRejected, stateExpired, stateNotSent, stateDryRun} {
		if n := counts[word(s)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, word(s)))
		}
	}
	line := fmt.Sprintf("%s: %d notifications: %s", d.display, len(d.items), strings.Join(parts, ", "))
	switch {
	case worstState != delivery.StateSent && worstState != stateDryRun:
		line += "; " + d.describe(worst, worstState, worstDetail)
	case d.queueNote != "":
		line += " — " + d.queueNote
	}
	return line, code
}

// describe is the part of a result line after "<destination>: ".
func (d *destination) describe(it *item, s delivery.State, detail string) string {
	switch s {
	case delivery.StateSent, delivery.StateNothingToDo:
		if d.queueNote != "" {
			return fmt.Sprintf("%s (%s, %s) — %s", s, detail, it.label, d.queueNote)
		}
		return fmt.Sprintf("%s (%s, %s)", s, detail, it.label)
	case stateIgnored:
		return fmt.Sprintf("ignored (%s)", detail)
	case stateBusy:
		if d.retrier.background() {
			return fmt.Sprintf("queued (%s; retrying in the background)", detail)
		}
		return fmt.Sprintf("queued (%s)", detail)
	case delivery.StateQueued:
		return fmt.Sprintf("queued (%s; %d waiting, %s)", detail, d.waiting, d.retriedBy())
	case delivery.StateRejected:
		if it.id != "" {
			return fmt.Sprintf("rejected (%s) — moved to failed/", detail)
		}
		return fmt.Sprintf("rejected (%s)", detail)
	case stateNotSent:
		return fmt.Sprintf("not sent (%s)", detail)
	case stateExpired:
		return fmt.Sprintf("expired (%s; older than its max_age) — moved to failed/", detail)
	case stateDryRun:
		return "dry run, nothing sent"
	}
	return "unknown state"
}

// displayForSpoolName names a queue in output: "iLert ilert-<hash>", "AlertOps …".
func displayForSpoolName(name string) string {
	switch {
	case strings.HasPrefix(name, "ilert-"):
		return "iLert " + name
	case strings.HasPrefix(name, "alertops-"):
		return "AlertOps " + name
	}
	return name
}

// clock shows t as the result lines and logs show a time: "15:04:05" when it is on the
// day of now, else with the date ("2026-11-22 00:10:05"), in local time.
func clock(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04:05")
	}
	return t.Format("2006-01-02 15:04:05")
}

// flushWhy says why a flush left requests queued; now is the time the result is shown at.
func flushWhy(res spool.FlushResult, now time.Time) string {
	switch res.Status {
	case spool.StatusHeld:
		return "rate limited, held until " + clock(res.HeldUntil, now)
	case spool.StatusPaced:
		return "paced, next send at " + clock(res.PacedUntil, now)
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
