package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/alertbridge/alertbridge/internal/redact"
)

// RequestFunc builds the request of one attempt, bound to ctx. It is called once per
// attempt and must return a request with a fresh, complete body each time (build it from a
// []byte marshalled once).
type RequestFunc func(ctx context.Context) (*http.Request, error)

// Caller sends requests with retries. Set the fields once and share the Caller: it holds
// no per-call state and is safe for concurrent use as long as its fields are not changed.
type Caller struct {
	// Doer sends each attempt; it must not be nil.
	Doer Doer
	// Policy bounds the retries; zero fields take the defaults.
	Policy Policy
	// Redactor is applied to every error Do returns (nil: no secrets known).
	Redactor *redact.Redactor
	// Sleep waits d or until ctx ends, returning ctx's error in that case. Nil means a
	// timer in a select on ctx.Done(). Tests inject a recorder here.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now returns the current time (nil: time.Now); it dates Retry-After. Context deadlines
	// are compared with the real clock, as the context package sets them.
	Now func() time.Time
	// Jitter returns a number in [0, 1) (nil: math/rand/v2.Float64).
	Jitter func() float64
}

// Do sends the request newRequest builds until it gets a final answer, as bounded by the
// policy and ctx, and returns that answer classified by classify (DefaultClassify if nil).
//
// It returns a *Response, and no error, whenever an HTTP answer ends the call: a success, a
// benign or permanent answer, a retryable answer after the last attempt, a 429 when the
// policy says not to retry it, or a retryable answer whose next wait would end after ctx's
// deadline. It returns a nil *Response and an *Error when the call ends without an answer:
// transport failures, an ended context (the error then wraps ctx.Err()), or a request that
// could not be built. Every error is redacted with c.Redactor.
func (c *Caller) Do(ctx context.Context, newRequest RequestFunc, classify ClassifyFunc) (*Response, error) {
	if c.Doer == nil {
		return nil, &Error{Class: ClassPermanent, Err: errors.New("httpx: nil Doer")}
	}
	if classify == nil {
		classify = DefaultClassify
	}
	p := c.Policy.WithDefaults()
	lastStatus := 0
	for attempt := 1; ; attempt++ {
		if ctx.Err() != nil {
			return nil, c.contextError(ctx, ctx.Err(), attempt-1, lastStatus, "request not sent")
		}
		res, built, err := c.attempt(ctx, p, newRequest, classify)
		if !built {
			return nil, &Error{Class: ClassPermanent, Attempts: attempt - 1, LastStatus: lastStatus,
				Err: c.Redactor.Error(fmt.Errorf("building request: %w", err))}
		}
		var wait time.Duration
		var failure *Error
		if err != nil {
			if ctx.Err() != nil {
				// The caller's context ended during the attempt; the transport error
				// wraps ctx.Err().
				return nil, &Error{Class: ClassRetryable, Attempts: attempt, LastStatus: lastStatus, Err: c.Redactor.Error(err)}
			}
			failure = &Error{Class: ClassifyError(err), Attempts: attempt, LastStatus: lastStatus, Err: c.Redactor.Error(err)}
			if failure.Class != ClassRetryable || attempt >= p.MaxAttempts {
				return nil, failure
			}
			wait = p.backoff(attempt, c.jitter())
		} else {
			res.Attempts = attempt
			lastStatus = res.StatusCode
			if res.Class != ClassRetryable || attempt >= p.MaxAttempts ||
				(res.StatusCode == http.StatusTooManyRequests && p.NoRetryOnRateLimit) {
				return res, nil
			}
			wait = c.retryWait(p, res, attempt)
		}
		if deadline, ok := ctx.Deadline(); ok && wait >= time.Until(deadline) {
			// A context's deadline is on the real clock, whatever Now says.
			// Waiting would outlast the caller's budget: report what we have now.
			if failure != nil {
				return nil, failure
			}
			return res, nil
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, c.contextError(ctx, err, attempt, lastStatus, "waiting to retry")
		}
	}
}

// attempt sends one request. built is false when newRequest failed (err is then its error).
func (c *Caller) attempt(ctx context.Context, p Policy, newRequest RequestFunc, classify ClassifyFunc) (res *Response, built bool, err error) {
	actx := ctx
	if p.AttemptTimeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, p.AttemptTimeout)
		defer cancel()
	}
	req, err := newRequest(actx)
	if err != nil {
		return nil, false, err
	}
	if req == nil {
		return nil, false, errors.New("RequestFunc returned a nil request")
	}
	resp, err := c.Doer.Do(req)
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		return nil, true, err
	}
	// The status line is authoritative: a body that breaks off is kept as far as it came.
	body, truncated := readBody(resp.Body, p.MaxBodyBytes)
	res = &Response{
		StatusCode:    resp.StatusCode,
		Header:        resp.Header,
		Body:          body,
		BodyTruncated: truncated,
	}
	if res.Header == nil {
		res.Header = http.Header{}
	}
	res.RetryAfter, _ = ParseRetryAfter(res.Header.Get("Retry-After"), c.now())
	res.Class = classify(res)
	return res, true, nil
}

// drainLimit bounds how much of an over-long body is read to let the connection be reused.
const drainLimit = 64 << 10

// readBody reads at most limit bytes of body, drains a bounded remainder and closes it.
func readBody(body io.ReadCloser, limit int64) ([]byte, bool) {
	if body == nil {
		return nil, false
	}
	defer body.Close()
	b, _ := io.ReadAll(io.LimitReader(body, limit+1))
	truncated := int64(len(b)) > limit
	if truncated {
		b = b[:limit]
		_, _ = io.CopyN(io.Discard, body, drainLimit)
	}
	return b, truncated
}

// retryWait is the wait after a retryable answer: the jittered backoff; after a 429 without
// Retry-After at least the policy's RateLimitDelay (jittered upwards by up to half); with a
// Retry-After at least that, capped at MaxRetryAfter.
func (c *Caller) retryWait(p Policy, res *Response, attempt int) time.Duration {
	wait := p.backoff(attempt, c.jitter())
	_, hasRetryAfter := ParseRetryAfter(res.Header.Get("Retry-After"), c.now())
	switch {
	case hasRetryAfter:
		wait = max(wait, min(res.RetryAfter, p.MaxRetryAfter))
	case res.StatusCode == http.StatusTooManyRequests && p.RateLimitDelay > 0:
		floor := p.RateLimitDelay + time.Duration(c.jitter()*float64(p.RateLimitDelay/2))
		wait = max(wait, floor)
	}
	return wait
}

// contextError reports a call ended by its context (cause is normally ctx.Err(), or what a
// custom Sleep returned); it wraps ctx.Err() and, if different, context.Cause(ctx).
func (c *Caller) contextError(ctx context.Context, cause error, attempts, lastStatus int, when string) error {
	err := fmt.Errorf("%s: %w", when, cause)
	if cc := context.Cause(ctx); cc != nil && !errors.Is(cause, cc) {
		err = fmt.Errorf("%s: %w: %w", when, cause, cc)
	}
	return &Error{Class: ClassRetryable, Attempts: attempts, LastStatus: lastStatus, Err: c.Redactor.Error(err)}
}

func (c *Caller) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	return SleepContext(ctx, d)
}

// SleepContext waits d or until ctx ends, with a timer in a select on ctx.Done(); it
// returns ctx.Err() if the context ended first.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Caller) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Caller) jitter() float64 {
	if c.Jitter != nil {
		return c.Jitter()
	}
	return rand.Float64()
}
