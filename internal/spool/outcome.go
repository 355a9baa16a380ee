package spool

import (
	"errors"
	"time"
)

// MinHold is the shortest hold that [RateLimited] places on a destination. iLert suggests
// waiting 10–30 s after a 429 and sends no Retry-After header.
const MinHold = 10 * time.Second

// MaxHold is the longest hold that [RateLimited] places on a destination.
const MaxHold = time.Hour

type outcomeKind uint8

const (
	outcomeInvalid outcomeKind = iota // the zero Outcome: treated as a temporary failure
	outcomeDelivered
	outcomeTemporary
	outcomePermanent
	outcomeRateLimited
)

// Outcome is what a deliver function reports about one [Item]. Build it with [Delivered],
// [Temporary], [RateLimited] or [Permanent]. The zero Outcome is treated as a temporary
// failure, so a forgotten return value never deletes a request.
type Outcome struct {
	kind outcomeKind
	err  error
	wait time.Duration
}

// Delivered reports that the request reached its destination, or that the destination
// answered with a benign "nothing to do" (for example iLert's NONE_OPEN_FOR_KEY on a
// RESOLVE). Flush deletes the request.
func Delivered() Outcome { return Outcome{kind: outcomeDelivered} }

// Temporary reports a failure worth retrying later (network error, timeout, 5xx). Flush
// keeps the request and stops the destination, so that no later request overtakes it.
func Temporary(err error) Outcome {
	if err == nil {
		err = errors.New("temporary failure")
	}
	return Outcome{kind: outcomeTemporary, err: err}
}

// RateLimited reports that the destination refused the request for now (HTTP 429). Flush
// keeps the request, stops the destination and holds it for wait, at least [MinHold] and at
// most [MaxHold] (a bogus Retry-After must not silence a destination for days): until then
// every Flush of the destination returns [StatusHeld] without trying it.
func RateLimited(err error, wait time.Duration) Outcome {
	if err == nil {
		err = errors.New("rate limited")
	}
	return Outcome{kind: outcomeRateLimited, err: err, wait: min(max(wait, MinHold), MaxHold)}
}

// Permanent reports that the destination rejected the request for good (for example a 400
// or a wrong key). Flush moves it to failed/ with err's text as the reason, so that an
// administrator sees it, and goes on with the next request. err's text must not contain
// secrets.
func Permanent(err error) Outcome {
	if err == nil {
		err = errors.New("rejected")
	}
	return Outcome{kind: outcomePermanent, err: err}
}

// Err returns the failure an Outcome carries, or nil for Delivered.
func (o Outcome) Err() error {
	if o.kind == outcomeInvalid {
		return errZeroOutcome
	}
	return o.err
}

var errZeroOutcome = errors.New("spool: deliver function returned the zero Outcome")
