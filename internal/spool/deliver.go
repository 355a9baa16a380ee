package spool

import (
	"context"
	"errors"
	"time"
)

// MinHold is the shortest hold Flush places on a destination after a rate limit. iLert
// suggests waiting 10–30 s after a 429 and sends no Retry-After header.
const MinHold = 10 * time.Second

// MaxHold is the longest hold Flush places on a destination after a rate limit: a bogus
// Retry-After must not silence a destination for days.
const MaxHold = time.Hour

// DeliverFunc delivers one queued request. It is called for one destination at a time,
// oldest request first, and must honour ctx. What Flush does next it learns from the
// error alone, by asking the first error in its chain (errors.As) that has the method:
//
//   - nil, or an error whose Benign() bool is true (the destination had nothing to do,
//     such as iLert's NONE_OPEN_FOR_KEY on a RESOLVE): delivered; the request is deleted.
//   - RateLimited() bool true (a 429): the request stays queued, the destination stops and
//     is held for RetryAfter() time.Duration, at least [MinHold] and at most [MaxHold];
//     until then every Flush of it returns [StatusHeld] without trying it.
//   - Permanent() bool true (a 400, a wrong key, a request that cannot be decoded): the
//     request moves to failed/ with the error's text as the reason, and Flush goes on with
//     the next one. The text must not contain a secret.
//   - anything else, Retryable() true or no such method at all: a temporary failure; the
//     request stays queued and the destination stops, so that no later request overtakes
//     it. An error nobody classified never loses a request.
//
// The errors of the ilert and alertops clients have these methods. To give the queue
// another reason text, return an error whose Error method says it and whose Unwrap
// returns the original, so that the methods are still found.
type DeliverFunc func(ctx context.Context, it Item) error

// action is what Flush does with a request after its delivery.
type action uint8

const (
	actionKeep   action = iota // temporary failure: keep it, stop the destination
	actionDelete               // delivered, or nothing to do
	actionHold                 // rate limited: keep it, stop and hold the destination
	actionFail                 // rejected for good: move it to failed/
)

// The questions Flush asks of a deliver function's error.
type (
	benignError interface {
		error
		Benign() bool
	}
	rateLimitedError interface {
		error
		RateLimited() bool
	}
	permanentError interface {
		error
		Permanent() bool
	}
	retryAfterError interface {
		error
		RetryAfter() time.Duration
	}
)

// actionOf reads a deliver function's error by its methods, as DeliverFunc describes.
func actionOf(err error) action {
	if err == nil {
		return actionDelete
	}
	if e, ok := errors.AsType[benignError](err); ok && e.Benign() {
		return actionDelete
	}
	if e, ok := errors.AsType[rateLimitedError](err); ok && e.RateLimited() {
		return actionHold
	}
	if e, ok := errors.AsType[permanentError](err); ok && e.Permanent() {
		return actionFail
	}
	return actionKeep
}

// holdFor is how long a rate limit holds the destination: the error's RetryAfter, within
// MinHold and MaxHold.
func holdFor(err error) time.Duration {
	var wait time.Duration
	if e, ok := errors.AsType[retryAfterError](err); ok {
		wait = e.RetryAfter()
	}
	return min(max(wait, MinHold), MaxHold)
}
