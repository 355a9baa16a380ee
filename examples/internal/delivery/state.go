package delivery

import (
	"slices"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// State is what became of a queued request, in the words both programs print: the
// Checkmk notifier in its result lines, the webhook relay in its request log. A send's
// error leads to one of them ([StateOf]):
//
//   - StateSent: the sink accepted the request.
//   - StateNothingToDo: the sink had nothing to do (a benign answer, such as iLert's
//     NONE_OPEN_FOR_KEY when resolving an alert that is no longer open); as good as sent.
//   - StateQueued: a temporary failure or a rate limit; the request waits in the queue.
//   - StateRejected: the sink (or this package) refused it for good; a queue moves it to
//     failed/ with the reason.
type State string

// The states, described at [State].
const (
	StateSent        State = "sent"
	StateNothingToDo State = "nothing to do"
	StateQueued      State = "queued"
	StateRejected    State = "rejected"
)

var states = []State{StateSent, StateNothingToDo, StateQueued, StateRejected}

// Valid reports whether s is one of the states above.
func (s State) Valid() bool { return slices.Contains(states, s) }

// StateOf is the state a send's error leads to for a queued request. It asks the error's
// methods as the queue does (spool.DeliverFunc), so the word a program prints is what the
// queue does: nil sent, Benign() nothing to do, RateLimited() queued, Permanent()
// rejected, anything else queued.
func StateOf(err error) State {
	switch {
	case err == nil:
		return StateSent
	case httpx.IsBenign(err):
		return StateNothingToDo
	case httpx.IsRateLimited(err):
		return StateQueued
	case httpx.IsPermanent(err):
		return StateRejected
	}
	return StateQueued
}
