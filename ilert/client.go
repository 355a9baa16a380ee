package ilert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/alertbridge/alertbridge/internal/httpx"
	"github.com/alertbridge/alertbridge/internal/jsonx"
	"github.com/alertbridge/alertbridge/internal/redact"
)

// Client sends events to iLert and reads alerts. Create it with [NewClient]; it is
// immutable and safe for concurrent use.
type Client struct {
	base      *url.URL
	userAgent string
	apiToken  string
	redactor  *redact.Redactor // the API token
	caller    httpx.Caller     // copied per call, with the call's redactor
	heartbeat heartbeatSettings
}

// NewClient returns a Client configured by opts. Without options it sends to
// [DefaultBaseURL] through its own pooled HTTP client (30 s timeout, no redirects
// followed, no proxy) with the default [RetryPolicy]. It never reads the environment.
//
// Production callers should still bound every call with a context deadline.
func NewClient(opts ...Option) (*Client, error) {
	base, _ := url.Parse(DefaultBaseURL)
	s := settings{Settings: httpx.Settings{UserAgent: DefaultUserAgent, Policy: RetryPolicy{}.internal()}, baseURL: base}
	if err := errors.Join(httpx.ApplyOptions(&s, opts), s.Check()); err != nil {
		return nil, fmt.Errorf("ilert: new client: %w", err)
	}
	return &Client{
		base:      s.baseURL,
		userAgent: s.UserAgent,
		apiToken:  s.apiToken,
		redactor:  redact.New(s.apiToken),
		caller:    s.Caller(),
		heartbeat: s.heartbeat.resolve(s.baseURL),
	}, nil
}

// BaseURL returns the API base URL the client sends to.
func (c *Client) BaseURL() string { return c.base.String() }

// Send sends an event to the Events API (POST /api/events).
//
// It normalizes the event first ([Event.Normalize]: over-long fields truncated, long alert
// keys hashed; reported in [Response.Truncations]) and validates it ([Event.Validate]); an
// invalid event is not sent and the error wraps [ErrInvalidEvent]. It then sends it with
// retries as the client's [RetryPolicy] and ctx allow, the full body every time.
//
// A 2xx answer is success whatever its body. Any other answer is returned as an
// *[APIError]; ACCEPT and RESOLVE answered with 400 NONE_OPEN_FOR_KEY or
// NO_OPEN_ALERT_WITH_KEY (the alert is no longer open) are benign: [IsBenign] reports
// true, and callers treat them as delivered. Failures without an answer are classified
// too: see [IsRetryable].
func (c *Client) Send(ctx context.Context, e Event) (*Response, error) {
	k, err := c.eventCall(e)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, k)
}

// NewEventRequest returns the request [Client.Send] sends for e, as its first attempt
// would be sent: the event normalized and validated, then encoded, with the URL and
// headers of the Events API. It is for dry runs and tests; Send is what adds retries and
// the classification of the answer. The body holds the integration key: redact it before
// showing the request.
func (c *Client) NewEventRequest(ctx context.Context, e Event) (*http.Request, error) {
	k, err := c.eventCall(e)
	if err != nil {
		return nil, err
	}
	return c.newRequest(ctx, k)
}

// eventCall prepares the call that sends e: normalized, validated and encoded once.
func (c *Client) eventCall(e Event) (call, error) {
	const op = "send event"
	n, truncations := e.Normalize()
	red := c.redactor.With(n.IntegrationKey)
	if err := n.Validate(); err != nil {
		return call{}, fmt.Errorf("ilert: %s: %w", op, httpx.Permanent(err))
	}
	body, err := json.Marshal(n)
	if err != nil {
		return call{}, fmt.Errorf("ilert: %s: %w", op, httpx.Permanent(red.Error(fmt.Errorf("encoding event: %w", err))))
	}
	noneOpen := n.EventType == EventTypeAccept || n.EventType == EventTypeResolve
	return call{op: op, red: red, key: n.IntegrationKey, method: http.MethodPost, path: eventsPath, url: c.endpoint(eventsPath),
		body: body, header: jsonHeaders, noneOpen: noneOpen, truncations: truncations}, nil
}

// appendStringMap appends m to b as a JSON object with its keys sorted, as encoding/json
// encodes a map[string]string but without escaping <, > and & (as Python's json module,
// which Checkmk's own method uses, writes them): the context goes out as it is, encoded
// without reflection.
func appendStringMap(b []byte, m map[string]string) []byte {
	keys := slices.Sorted(maps.Keys(m))
	n := 2
	for _, k := range keys {
		n += len(k) + len(m[k]) + 6
	}
	b = slices.Grow(b, n)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonx.AppendString(b, k)
		b = append(b, ':')
		b = jsonx.AppendString(b, m[k])
	}
	return append(b, '}')
}

// SendCheckmk sends a Checkmk notification context to iLert's Checkmk endpoint
// (POST /api/v1/events/checkmk-ext/{integrationKey}) exactly as Checkmk's built-in iLert
// method does: the context as a JSON object of strings (variable names without the
// NOTIFY_ prefix) with the headers Content-Type and Accept application/json and
// Agent: checkmk/extension/1.0. iLert's "Checkmk" alert source then maps it server-side.
//
// The context is scrubbed first with [ScrubCheckmkContext]; the removed names are in
// [Response.ScrubbedVariables]. The checkmk package already removes the secrets it
// recognises; this is a defensive second line, not the only one.
//
// Retries and answers are as for [Client.Send]; a 400 NONE_OPEN_FOR_KEY (or
// NO_OPEN_ALERT_WITH_KEY) is benign whatever the notification type, as in Checkmk ("Event
// already closed in iLert"). The key is part of the URL and never appears in errors.
func (c *Client) SendCheckmk(ctx context.Context, integrationKey string, notifyContext map[string]string) (*Response, error) {
	return c.sendVariables(ctx, c.checkmkCall(integrationKey), integrationKey, notifyContext)
}

// NewCheckmkRequest returns the request [Client.SendCheckmk] sends, as its first attempt
// would be sent: the context scrubbed and encoded, the key in the URL. It is for dry runs
// and tests; redact the key before showing the request.
func (c *Client) NewCheckmkRequest(ctx context.Context, integrationKey string, notifyContext map[string]string) (*http.Request, error) {
	return c.newVariablesRequest(ctx, c.checkmkCall(integrationKey), integrationKey, notifyContext)
}

// checkmkCall is the call of SendCheckmk, without its body.
func (c *Client) checkmkCall(integrationKey string) call {
	path := checkmkPath + url.PathEscape(integrationKey)
	return call{op: "send checkmk event", method: http.MethodPost, path: path, url: c.endpoint(path),
		header: checkmkHeaders, noneOpen: true,
		encode: func(scrubbed map[string]string) ([]byte, error) {
			return appendStringMap(nil, scrubbed), nil
		}}
}

// sendVariables sends a notification's variables with the key as SendCheckmk and
// SendNagios do, and reports the names it scrubbed.
func (c *Client) sendVariables(ctx context.Context, k call, integrationKey string, vars map[string]string) (*Response, error) {
	k, err := c.variablesCall(k, integrationKey, vars)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, k)
}

// send sends a prepared call and reports the answer with what was cut or scrubbed.
func (c *Client) send(ctx context.Context, k call) (*Response, error) {
	res, err := c.do(ctx, k)
	if err != nil {
		return nil, err
	}
	r := newResponse(res)
	r.Truncations, r.ScrubbedVariables = k.truncations, k.scrubbed
	return r, nil
}

// newVariablesRequest is the first request sendVariables would send.
func (c *Client) newVariablesRequest(ctx context.Context, k call, integrationKey string, vars map[string]string) (*http.Request, error) {
	k, err := c.variablesCall(k, integrationKey, vars)
	if err != nil {
		return nil, err
	}
	return c.newRequest(ctx, k)
}

// variablesCall completes k for a notification's variables: it checks that they and the
// key are there, scrubs the variables and encodes them with k.encode.
func (c *Client) variablesCall(k call, integrationKey string, vars map[string]string) (call, error) {
	k.red, k.key = c.redactor.With(integrationKey), integrationKey
	if blank(integrationKey) {
		return k, fmt.Errorf("ilert: %s: %w", k.op, httpx.Permanent(fmt.Errorf("%w: integration key is empty", ErrInvalidEvent)))
	}
	if len(vars) == 0 {
		return k, fmt.Errorf("ilert: %s: %w", k.op, httpx.Permanent(fmt.Errorf("%w: notification context is empty", ErrInvalidEvent)))
	}
	scrubbed, removed := ScrubCheckmkContext(integrationKey, vars)
	body, err := k.encode(scrubbed)
	if err != nil {
		return k, fmt.Errorf("ilert: %s: %w", k.op, httpx.Permanent(k.red.Error(err)))
	}
	k.body, k.scrubbed = body, removed
	return k, nil
}

// PingHeartbeat reports a heartbeat with GET; iLert answers 202. Which endpoint it calls
// depends on the key and the client's [HeartbeatEndpoint] (see [WithHeartbeatEndpoint]):
// by default a legacy heartbeat alert source's key (il1hbt…) is pinged at
// GET /api/heartbeats/{key} on the base URL, and every other key, that of a heartbeat
// monitor, at GET /api/pings/{key} on the heartbeat host ([DefaultHeartbeatBaseURL], or
// the base URL when only [WithBaseURL] is given). The key is part of the URL and never
// appears in errors.
func (c *Client) PingHeartbeat(ctx context.Context, heartbeatKey string) (*Response, error) {
	const op = "ping heartbeat"
	red := c.redactor.With(heartbeatKey)
	if blank(heartbeatKey) {
		return nil, fmt.Errorf("ilert: %s: %w", op, httpx.Permanent(errors.New("heartbeat key is empty")))
	}
	u := c.heartbeatURL(heartbeatKey)
	return c.send(ctx, call{op: op, red: red, method: http.MethodGet, url: u, header: acceptJSON})
}

var (
	jsonHeaders    = http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
	checkmkHeaders = http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}, "Agent": {checkmkAgent}}
	acceptJSON     = http.Header{"Accept": {"application/json"}}
)

// endpoint joins the base URL and an already escaped path.
func (c *Client) endpoint(path string) string {
	return c.base.String() + path
}

// call describes one API call.
type call struct {
	op       string           // for error messages, e.g. "send event"
	red      *redact.Redactor // the secrets of this call
	key      string           // the integration key of an event call (in red as well)
	method   string
	path     string // below the base URL, for calls that can be prepared ([Prepared])
	url      string
	body     []byte // nil for none; re-read on every attempt
	header   http.Header
	auth     bool  // send the API token
	maxBody  int64 // bound on the answer's body; 0: httpx's default (64 KiB)
	noneOpen bool  // a 400 NONE_OPEN_FOR_KEY / NO_OPEN_ALERT_WITH_KEY is benign (classifyNoneOpen)
	// encode makes the body of a call with a notification's variables from the scrubbed
	// variables (see variablesCall).
	encode func(scrubbed map[string]string) ([]byte, error)
	// truncations and scrubbed are what preparing the body cut or removed, for Response.
	truncations []Truncation
	scrubbed    []string
}

// newRequest builds one attempt of a call, with a fresh reader of its body: the one place a
// request is made.
func (c *Client) newRequest(ctx context.Context, k call) (*http.Request, error) {
	var r io.Reader
	if k.body != nil {
		r = bytes.NewReader(k.body)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, k.url, r)
	if err != nil {
		return nil, err
	}
	for name, v := range k.header {
		req.Header[name] = slices.Clone(v)
	}
	req.Header.Set("User-Agent", c.userAgent)
	if k.auth {
		req.Header.Set("Authorization", "Bearer "+c.apiToken)
	}
	return req, nil
}

// do runs a call through the retry loop and turns anything but a success into an error.
func (c *Client) do(ctx context.Context, k call) (*httpx.Response, error) {
	caller := c.caller
	caller.Redactor = k.red
	if k.maxBody > 0 {
		caller.Policy.MaxBodyBytes = k.maxBody
	}
	classify := httpx.DefaultClassify
	if k.noneOpen {
		classify = classifyNoneOpen
	}
	res, err := caller.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		return c.newRequest(ctx, k)
	}, classify)
	if err != nil {
		return nil, fmt.Errorf("ilert: %s: %w", k.op, err)
	}
	if res.Class != httpx.ClassSuccess {
		return nil, newAPIError(k.op, k.method, k.red.RawURL(k.url), res, k.red)
	}
	return res, nil
}
