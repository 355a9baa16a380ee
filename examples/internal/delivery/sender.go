package delivery

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// ErrNoClient means a request names a sink for which the [Sender] has no client. It has no
// methods, so a queue keeps the request: the request is fine, the program cannot send it
// (yet).
var ErrNoClient = errors.New("delivery: no client configured for the sink")

// Sender sends decoded requests with the clients it holds. A nil client means the sink
// is not configured. A Sender is safe for concurrent use if its clients are (the ilert and
// alertops clients are) and, when set, its Clients.
type Sender struct {
	ILert    *ilert.Client
	AlertOps *alertops.Client
	// Checkmk carries out the requests of [SinkCheckmk] (always this client: they carry no
	// transport settings).
	Checkmk *checkmk.Client
	// Clients, if set, is asked for the client of every request instead of the two
	// fields above: for requests that carry their [Transport] settings.
	Clients Clients
}

// Clients gives a [Sender] the client that reaches a sink as a request's [Transport]
// settings say (t is nil for a request without). A program keeps one client per setting
// behind it, for the connection pool. An error means the settings cannot make a client
// (the Sender returns it wrapped in [ErrInvalidRequest], so the request is rejected,
// unless it wraps [ErrNoClient], which keeps the request); its text must not contain a
// secret.
type Clients interface {
	ILert(t *Transport) (*ilert.Client, error)
	AlertOps(t *Transport) (*alertops.Client, error)
}

// Send sends r with the client of its sink (which may try more than once, as its retry
// policy says) and returns the status of the sink's answer when it accepted the request.
// The error is the client's (nil when the sink accepted it), which classifies itself by
// its methods (see [StateOf]), or one wrapping [ErrInvalidRequest] (permanent) or
// [ErrNoClient] (temporary). It never holds the request's key; a transport error may quote
// a proxy URL: redact [Request.Secrets] before showing it.
func (s *Sender) Send(ctx context.Context, r Request) (int, error) {
	return s.send(ctx, r)
}

// send sends r and returns the status of a successful answer.
func (s *Sender) send(ctx context.Context, r Request) (int, error) {
	if err := r.Validate(); err != nil {
		return 0, err
	}
	if r.Wire != nil {
		return s.sendWire(ctx, r)
	}
	switch r.Sink {
	case SinkCheckmk:
		return s.sendCheckmk(ctx, r)
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

// sendWire sends a prepared request (Validate checked that its call fits its sink).
func (s *Sender) sendWire(ctx context.Context, r Request) (int, error) {
	if r.Wire.AlertOps != nil {
		c, err := s.alertOpsClient(r)
		if err != nil {
			return 0, err
		}
		res, err := c.SendPrepared(ctx, *r.Wire.AlertOps)
		if err != nil {
			return 0, err
		}
		return res.StatusCode, nil
	}
	c, err := s.ilertClient(r)
	if err != nil {
		return 0, err
	}
	res, err := c.SendPrepared(ctx, *r.Wire.ILert)
	if err != nil {
		return 0, err
	}
	return res.StatusCode, nil
}

// NewRequest returns the HTTP request [Sender.Send] would send for r first, built by the
// sink's client (the same URL, headers and body), for a dry run. It holds r's secrets:
// redact [Request.Secrets] before showing any of it.
func (s *Sender) NewRequest(ctx context.Context, r Request) (*http.Request, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if r.Sink == SinkCheckmk {
		return nil, errNoDryRun
	}
	if r.Wire != nil {
		if r.Wire.AlertOps != nil {
			c, err := s.alertOpsClient(r)
			if err != nil {
				return nil, err
			}
			return c.NewPreparedRequest(ctx, *r.Wire.AlertOps)
		}
		c, err := s.ilertClient(r)
		if err != nil {
			return nil, err
		}
		return c.NewPreparedRequest(ctx, *r.Wire.ILert)
	}
	if r.Sink == SinkAlertOps {
		c, err := s.alertOpsClient(r)
		if err != nil {
			return nil, err
		}
		return c.NewRequest(ctx, r.AlertOpsURL, *r.AlertOps)
	}
	c, err := s.ilertClient(r)
	if err != nil {
		return nil, err
	}
	switch r.Sink {
	case SinkILert:
		return c.NewEventRequest(ctx, *r.ILert)
	case SinkILertCheckmk:
		return c.NewCheckmkRequest(ctx, r.Checkmk.IntegrationKey, r.Checkmk.Context)
	default:
		return c.NewNagiosRequest(ctx, r.Nagios.IntegrationKey, r.Nagios.Variables)
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

// Deliver is a spool.DeliverFunc: it decodes the item's payload and sends it. The queue
// acts on the error by its methods; a payload that does not decode is an error wrapping
// [ErrInvalidRequest], so that it moves to the queue's failed requests with the reason.
func (s *Sender) Deliver(ctx context.Context, it spool.Item) error {
	r, err := Decode(it.Payload)
	if err != nil {
		return err
	}
	_, err = s.send(ctx, r)
	return err
}

// WithReason returns an error that reads reason and wraps err, so that a queue still asks
// err's methods (a rate limit and its Retry-After, a permanent rejection) but keeps reason
// as the text: the reason file of a rejected request, the error of a stopped flush. reason
// must not hold a secret. WithReason(nil, reason) is nil.
func WithReason(err error, reason string) error {
	if err == nil {
		return nil
	}
	return &reasonError{reason: reason, err: err}
}

// reasonError shows a program's reason for an error it still wraps.
type reasonError struct {
	reason string
	err    error
}

func (e *reasonError) Error() string { return e.reason }
func (e *reasonError) Unwrap() error { return e.err }
