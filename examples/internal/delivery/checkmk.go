package delivery

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/alertbridge/alertbridge/checkmk"
)

// SinkCheckmk is Checkmk's REST API: a [checkmk.Action] (acknowledge, comment, remove an
// acknowledgement) carried out with the [Sender]'s Checkmk client. The webhook relay
// queues these for two-way sync with iLert.
const SinkCheckmk Sink = "checkmk"

// Checkmk returns a request that carries out a on a Checkmk site.
//
// Unlike the iLert and AlertOps requests, it holds no credentials: the Checkmk site's
// URL, automation user and secret are the Sender's (the program's configuration when it
// delivers), so a rotated automation secret does not strand queued requests.
func Checkmk(a checkmk.Action) Request { return Request{Sink: SinkCheckmk, CheckmkAction: &a} }

// validateCheckmk reports a Checkmk request without an action, or with one that
// [checkmk.Action.Apply] would refuse.
func (r Request) validateCheckmk() error {
	if r.CheckmkAction == nil {
		return fmt.Errorf("%w: no Checkmk action", ErrInvalidRequest)
	}
	if err := r.CheckmkAction.Validate(); err != nil {
		// The action's own error names the kind and what is missing, no value.
		return fmt.Errorf("%w: checkmk %s", ErrInvalidRequest, strings.TrimPrefix(err.Error(), checkmk.ErrInvalidRequest.Error()+": "))
	}
	return nil
}

// sendCheckmk carries out the request's action with the Sender's Checkmk client. The
// error is the client's *checkmk.APIError, which classifies itself: an acknowledgement of
// an object without a problem (422) reports Benign, so the queue deletes the request as
// delivered.
func (s *Sender) sendCheckmk(ctx context.Context, r Request) (int, error) {
	if s.Checkmk == nil {
		return 0, clientError(r.Sink, true, nil)
	}
	res, err := r.CheckmkAction.Apply(ctx, s.Checkmk)
	if err != nil {
		return 0, err
	}
	return res.StatusCode, nil
}

// errNoDryRun answers NewRequest for a Checkmk request: the checkmk client builds its
// requests inside each call.
var errNoDryRun = errors.New("delivery: no dry run for Checkmk actions")
