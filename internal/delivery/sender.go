package delivery

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/httpx"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// ErrNoClient means a request names a sink for which the [Sender] has no client. It is
// judged [VerdictRetry]: the request is fine, the program cannot send it (yet).
var ErrNoClient = errors.New("delivery: no client configured for the sink")

// Sender sends decoded requests with the clients it holds. A nil client means the sink
// is not configured. A Sender is safe for concurrent use if its clients are (the ilert and
// alertops clients are).
type Sender struct {
	ILert    *ilert.Client
	AlertOps *alertops.Client
}

// Send sends r with the client of its sink and returns the client's error (nil when the
// sink accepted it). Judge the error with [Judge].
func (s *Sender) Send(ctx context.Context, r Request) error {
	if err := r.Validate(); err != nil {
		return err
	}
	var err error
	switch r.Sink {
	case SinkILert:
		if s.ILert == nil {
			return fmt.Errorf("%w: %s", ErrNoClient, r.Sink)
		}
		_, err = s.ILert.Send(ctx, *r.ILert)
	case SinkILertCheckmk:
		if s.ILert == nil {
			return fmt.Errorf("%w: %s", ErrNoClient, r.Sink)
		}
		_, err = s.ILert.SendCheckmk(ctx, r.Checkmk.IntegrationKey, r.Checkmk.Context)
	case SinkAlertOps:
		if s.AlertOps == nil {
			return fmt.Errorf("%w: %s", ErrNoClient, r.Sink)
		}
		_, err = s.AlertOps.Send(ctx, r.AlertOpsURL, *r.AlertOps)
	}
	return err
}

// Deliver is a spool.DeliverFunc: it decodes the item's payload, sends it and returns the
// [Verdict]'s outcome. A payload that does not decode is rejected, so that it moves to the
// queue's failed requests with the reason.
func (s *Sender) Deliver(ctx context.Context, it spool.Item) spool.Outcome {
	v, err := s.DeliverItem(ctx, it)
	return v.Outcome(err)
}

// DeliverItem is [Sender.Deliver] for callers that log or count: it returns the verdict
// and the error instead of the outcome. Build the outcome with [Verdict.Outcome].
func (s *Sender) DeliverItem(ctx context.Context, it spool.Item) (Verdict, error) {
	r, err := Decode(it.Payload)
	if err != nil {
		return VerdictRejected, err
	}
	err = s.Send(ctx, r)
	return Judge(err), err
}

// Verdict is what the answer to a delivery means for the queued request.
type Verdict string

// The verdicts, named by what the queue does with the request.
const (
	// VerdictDelivered: the sink accepted the request; delete it.
	VerdictDelivered Verdict = "delivered"
	// VerdictBenign: the sink had nothing to do (iLert: no open alert to accept or
	// resolve); delete it like a delivered one.
	VerdictBenign Verdict = "benign"
	// VerdictRetry: a network error, a timeout, a 408 or 5xx, an ended context or a
	// missing client; keep it and stop the destination until later.
	VerdictRetry Verdict = "retry"
	// VerdictRateLimited: a 429; keep it and hold the destination.
	VerdictRateLimited Verdict = "rate-limited"
	// VerdictRejected: the sink refused it for good (4xx, invalid request or URL); move it
	// to the failed requests with the reason.
	VerdictRejected Verdict = "rejected"
)

// Valid reports whether v is one of the verdicts above.
func (v Verdict) Valid() bool {
	switch v {
	case VerdictDelivered, VerdictBenign, VerdictRetry, VerdictRateLimited, VerdictRejected:
		return true
	}
	return false
}

// Judge classifies the error of [Sender.Send] (or of an ilert or alertops client call).
// An error it does not recognise is judged VerdictRetry: keeping a request is always
// safe, dropping one is not.
func Judge(err error) Verdict {
	switch {
	case err == nil:
		return VerdictDelivered
	case ilert.IsBenign(err):
		return VerdictBenign
	case ilert.IsRateLimited(err), alertops.IsRateLimited(err):
		return VerdictRateLimited
	case errors.Is(err, ErrNoClient), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return VerdictRetry
	case errors.Is(err, ErrInvalidRequest):
		return VerdictRejected
	}
	var ie *ilert.APIError
	var ae *alertops.APIError
	var he *httpx.Error
	switch {
	case errors.As(err, &ie):
		return verdictOf(ie.Retryable())
	case errors.As(err, &ae):
		return verdictOf(ae.Retryable())
	case errors.As(err, &he):
		return verdictOf(he.Class == httpx.ClassRetryable)
	case errors.Is(err, ilert.ErrInvalidEvent), errors.Is(err, alertops.ErrInvalidAlert),
		errors.Is(err, alertops.ErrInvalidWebhookURL):
		return VerdictRejected
	}
	return VerdictRetry
}

func verdictOf(retryable bool) Verdict {
	if retryable {
		return VerdictRetry
	}
	return VerdictRejected
}

// Outcome turns the verdict and its error into what a spool deliver function returns. A
// rate limit holds the destination for the answer's Retry-After (the spool applies its
// minimum and maximum). The error's text becomes the reason of a rejected request; the
// clients' errors contain no secrets.
func (v Verdict) Outcome(err error) spool.Outcome {
	switch v {
	case VerdictDelivered, VerdictBenign:
		return spool.Delivered()
	case VerdictRateLimited:
		return spool.RateLimited(err, retryAfter(err))
	case VerdictRejected:
		return spool.Permanent(err)
	default:
		return spool.Temporary(err)
	}
}

// retryAfter returns the Retry-After of an API error, or 0.
func retryAfter(err error) time.Duration {
	var ie *ilert.APIError
	if errors.As(err, &ie) {
		return ie.RetryAfter
	}
	var ae *alertops.APIError
	if errors.As(err, &ae) {
		return ae.RetryAfter
	}
	return 0
}
