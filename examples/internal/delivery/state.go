package delivery

import "errors"

// State is what became of a request, in the words both programs print: the Checkmk
// notifier in its result lines, the webhook relay in its request log.
type State string

// The states. A send's error leads to the first four ([StateOf]); the programs add the
// others for what they do not send.
const (
	// StateSent: the sink accepted the request.
	StateSent State = "sent"
	// StateNothingToDo: the sink had nothing to do (a benign answer, such as iLert's
	// NONE_OPEN_FOR_KEY when resolving an alert that is no longer open); as good as sent.
	StateNothingToDo State = "nothing to do"
	// StateQueued: a temporary failure or a rate limit; the request waits in the queue.
	StateQueued State = "queued"
	// StateRejected: the sink (or this package) refused it for good; a queue moves it to
	// failed/ with the reason.
	StateRejected State = "rejected"
	// StateNotSent: a temporary failure, and the request could not be queued.
	StateNotSent State = "not sent"
	// StateIgnored: the sink does not take this input (the source's mapping skipped it).
	StateIgnored State = "ignored"
)

// Valid reports whether s is one of the states above.
func (s State) Valid() bool {
	switch s {
	case StateSent, StateNothingToDo, StateQueued, StateRejected, StateNotSent, StateIgnored:
		return true
	}
	return false
}

// StateOf is the state a send's error leads to for a queued request. It asks the error's
// methods as the queue does (spool.DeliverFunc), so the word a program prints is what the
// queue does: nil sent, Benign() nothing to do, RateLimited() queued, Permanent()
// rejected, anything else queued.
func StateOf(err error) State {
	if err == nil {
		return StateSent
	}
	if e, ok := errors.AsType[interface {
		error
		Benign() bool
	}](err); ok && e.Benign() {
		return StateNothingToDo
	}
	if e, ok := errors.AsType[interface {
		error
		RateLimited() bool
	}](err); ok && e.RateLimited() {
		return StateQueued
	}
	if e, ok := errors.AsType[interface {
		error
		Permanent() bool
	}](err); ok && e.Permanent() {
		return StateRejected
	}
	return StateQueued
}
