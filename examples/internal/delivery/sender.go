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
// alertops clients are) and, when set, its Clients.
type Sender struct {
	ILert    *ilert.Client
	AlertOps *alertops.Client
	// Clients, if set, is asked for the client of every request instead of the two
	// fields above: for requests that carry their [Transport] settings.
	Clients Clients
}

// Clients gives a [Sender] the client that reaches a sink as a request's [Transport]
// settings say (t is nil for a request without). A program keeps one client per setting
// behind it, for the connection pool. An error means the settings cannot make a client
// (the Sender judges the request rejected, or retry for an error wrapping [ErrNoClient]);
// its text must not contain a secret.
type Clients interface {
	ILert(t *Transport) (*ilert.Client, error)
	AlertOps(t *Transport) (*alertops.Client, error)
}

// Result is what became of one [Sender.Attempt]: the verdict, and what the sink answered
// as far as it is known, for result lines and logs.
type Result struct {
	Verdict Verdict
	// StatusCode is the HTTP status of the sink's final answer, success or not; 0 when
	// there was none (a transport failure, an invalid request).
	StatusCode int
	// Code is the sink's error code (iLert's "code", e.g. NONE_OPEN_FOR_KEY), if any.
	Code string
	// CorrelationID is iLert's correlation-id of an error answer, to quote to its support.
	CorrelationID string
	// Err is the error (nil when delivered): a client's error, which never holds the
	// request's key, or one wrapping [ErrInvalidRequest] or [ErrNoClient]. A transport
	// error may quote a proxy URL: redact [Request.Secrets] before showing it.
	Err error
}

// Outcome is what a spool deliver function returns for the result ([Verdict.Outcome]).
func (r Result) Outcome() spool.Outcome { return r.Verdict.Outcome(r.Err) }

// OutcomeWithReason is [Result.Outcome] with reason as the text the queue keeps (the
// reason file of a rejected request, the error of a stopped flush) instead of the error's;
// a rate limit's Retry-After still comes from the error. reason must not hold a secret.
func (r Result) OutcomeWithReason(reason string) spool.Outcome {
	if r.Err == nil {
		return r.Outcome()
	}
	return r.Verdict.Outcome(&reasonError{reason: reason, err: r.Err})
}

// reasonError shows a program's reason for an error it still wraps.
type reasonError struct {
	reason string
	err    error
}

func (e *reasonError) Error() string { return e.reason }
func (e *reasonError) Unwrap() error { return e.err }

// Send sends r with the client of its sink and returns the client's error (nil when the
// sink accepted it). Judge the error with [Judge]; [Sender.Attempt] does both.
func (s *Sender) Send(ctx context.Context, r Request) error {
	return s.Attempt(ctx, r).Err
}

// Attempt sends r with the client of its sink (which may try more than once, as its retry
// policy says) and returns the verdict on the answer with what the sink answered.
func (s *Sender) Attempt(ctx context.Context, r Request) Result {
	status, err := s.send(ctx, r)
	res := Result{Verdict: Judge(err), StatusCode: status, Err: err}
	var ie *ilert.APIError
	var ae *alertops.APIError
	switch {
	case errors.As(err, &ie):
		res.StatusCode, res.Code, res.CorrelationID = ie.StatusCode, ie.Code, ie.CorrelationID
	case errors.As(err, &ae):
		res.StatusCode = ae.StatusCode
	}
	return res
}

// send sends r and returns the status of a successful answer.
func (s *Sender) send(ctx context.Context, r Request) (int, error) {
	if err := r.Validate(); err != nil {
		return 0, err
	}
	switch r.Sink {
	case SinkILert, SinkILertCheckmk, SinkILertNagios:
		c, err := s.ilertClient(r)
		if err != nil {
			return 0, err
		}
		var res *ilert.Response
		switch r.Sink {
		case SinkILert:
			res, err = c.Send(ctx, *r.ILert)
		case SinkILertCheckmk:
			res, err = c.SendCheckmk(ctx, r.Checkmk.IntegrationKey, r.Checkmk.Context)
		default:
			res, err = c.SendNagios(ctx, r.Nagios.IntegrationKey, r.Nagios.Variables)
		}
		if err != nil {
			return 0, err
		}
		return res.StatusCode, nil
	default: // SinkAlertOps: Validate knows no other
		c, err := s.alertOpsClient(r)
		if err != nil {
			return 0, err
		}
		res, err := c.Send(ctx, r.AlertOpsURL, *r.AlertOps)
		if err != nil {
			return 0, err
		}
		return res.StatusCode, nil
	}
}

// ilertClient returns the iLert client for r.
func (s *Sender) ilertClient(r Request) (*ilert.Client, error) {
	if s.Clients != nil {
		c, err := s.Clients.ILert(r.Transport)
		return c, clientError(r.Sink, c == nil, err)
	}
	return s.ILert, clientError(r.Sink, s.ILert == nil, nil)
}

// alertOpsClient returns the AlertOps client for r.
func (s *Sender) alertOpsClient(r Request) (*alertops.Client, error) {
	if s.Clients != nil {
		c, err := s.Clients.AlertOps(r.Transport)
		return c, clientError(r.Sink, c == nil, err)
	}
	return s.AlertOps, clientError(r.Sink, s.AlertOps == nil, nil)
}

// clientError classifies the failure to get a client: a missing one is ErrNoClient, one
// the request's settings cannot make is an invalid request.
func clientError(sink Sink, missing bool, err error) error {
	switch {
	case err != nil && errors.Is(err, ErrNoClient):
		return err
	case err != nil:
		return fmt.Errorf("%w: %s: transport settings: %w", ErrInvalidRequest, sink, err)
	case missing:
		return fmt.Errorf("%w: %s", ErrNoClient, sink)
	}
	return nil
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
	res := s.Attempt(ctx, r)
	return res.Verdict, res.Err
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
		return ie.RetryAfter()
	}
	var ae *alertops.APIError
	if errors.As(err, &ae) {
		return ae.RetryAfter()
	}
	return 0
}
