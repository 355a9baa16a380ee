package alertops

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// Client sends alerts to AlertOps inbound integrations. Create it with [NewClient]; it is
// immutable and safe for concurrent use. It holds no secret: the webhook URL, which
// carries the account key, is passed to each [Client.Send].
type Client struct {
	userAgent string
	caller    httpx.Caller     // copied per call, with the call's redactor
	now       func() time.Time // fills a zero Timestamp
}

// NewClient returns a Client configured by opts. Without options it sends through its own
// pooled HTTP client (30 s timeout, no redirects followed, no proxy) with the default
// [RetryPolicy]. It never reads the environment.
//
// Production callers should still bound every call with a context deadline: Checkmk, for
// one, kills a notification script after 60 s.
func NewClient(opts ...Option) (*Client, error) {
	s := settings{Settings: httpx.Settings{UserAgent: DefaultUserAgent, Policy: RetryPolicy{}.internal()}}
	if err := errors.Join(httpx.ApplyOptions(&s, opts), s.Check()); err != nil {
		return nil, fmt.Errorf("alertops: new client: %w", err)
	}
	return &Client{
		userAgent: s.UserAgent,
		caller:    s.Caller(),
		now:       time.Now,
	}, nil
}

// NewRequest returns the request [Client.Send] sends for the alert, as its first attempt
// would be sent: the URL checked, a zero Timestamp filled in, the alert validated and
// encoded. It is for dry runs and tests; Send is what adds retries and the classification
// of the answer. The URL holds the account key: show it with [RedactWebhookURL].
func (c *Client) NewRequest(ctx context.Context, webhookURL string, a Alert) (*http.Request, error) {
	hook, _, body, err := c.prepare(webhookURL, a)
	if err != nil {
		return nil, err
	}
	return c.newRequest(ctx, hook, body)
}

// prepare checks the webhook URL and the alert (a zero Timestamp filled in) and encodes
// the alert once. Every error is permanent: nothing sent again would fix it.
func (c *Client) prepare(webhookURL string, a Alert) (webhook, Alert, []byte, error) {
	hook, err := parseWebhook(webhookURL)
	if err != nil {
		return hook, a, nil, httpx.Permanent(err)
	}
	if a.Timestamp.IsZero() {
		a.Timestamp = c.now()
	}
	a.Timestamp = a.Timestamp.UTC().Truncate(time.Second)
	if err := a.Validate(); err != nil {
		return hook, a, nil, httpx.Permanent(hook.redactor.Error(err))
	}
	body, err := a.MarshalJSON()
	if err != nil {
		return hook, a, nil, httpx.Permanent(hook.redactor.Error(err))
	}
	return hook, a, body, nil
}

// newRequest builds one attempt, with a fresh reader of the body: the one place a request
// is made.
func (c *Client) newRequest(ctx context.Context, hook webhook, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	return req, nil
}

// Send posts the alert to an AlertOps inbound integration's webhook URL, typically
// https://notify.alertops.com/POSTAlert/<key>/<integration>.
//
// It checks the URL ([ValidateWebhookURL]: the error wraps [ErrInvalidWebhookURL]), fills
// a zero Timestamp with the current time, validates the alert ([Alert.Validate]: the
// error wraps [ErrInvalidAlert]) and encodes it once ([Alert.MarshalJSON]); nothing is
// sent when any of that fails. It then POSTs the body as application/json with retries as
// the client's [RetryPolicy] and ctx allow, the full body every time.
//
// A 2xx answer is success whatever its body. Any other answer is returned as an
// *[APIError]: 408, 429 and 5xx are retryable ([IsRetryable]), everything else permanent
// ([IsPermanent]; 401 and 403 mean an invalid URL or a disabled integration). Failures
// without an answer are classified too: network errors, timeouts and a certificate expired
// or not yet valid are retryable, other certificate errors permanent, an ended context
// retryable (the error wraps ctx.Err()).
//
// The webhook URL's key never appears in an error: URLs are shown as [RedactWebhookURL]
// shows them, and the key is replaced wherever else it turns up.
func (c *Client) Send(ctx context.Context, webhookURL string, a Alert) (*Response, error) {
	hook, a, body, err := c.prepare(webhookURL, a)
	if err != nil {
		return nil, err
	}
	res, err := c.post(ctx, hook, body)
	if err != nil {
		return nil, err
	}
	res.Timestamp = a.Timestamp
	return res, nil
}

// post sends an encoded alert to the webhook and turns anything but a success into an
// error.
func (c *Client) post(ctx context.Context, hook webhook, body []byte) (*Response, error) {
	const op = "send alert"
	caller := c.caller
	caller.Redactor = hook.redactor
	res, err := caller.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		return c.newRequest(ctx, hook, body)
	}, classifyStatus)
	if err != nil {
		return nil, fmt.Errorf("alertops: %s: %w", op, err)
	}
	if res.Class != httpx.ClassSuccess {
		return nil, newAPIError(op, http.MethodPost, res, hook)
	}
	b, cut := hook.redactor.Body(res.Body, res.BodyTruncated, MaxBodyBytes)
	return &Response{
		StatusCode:    res.StatusCode,
		Body:          b,
		BodyTruncated: cut,
		Attempts:      res.Attempts,
	}, nil
}
