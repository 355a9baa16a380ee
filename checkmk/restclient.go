package checkmk

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/internal/httpx"
	"github.com/alertbridge/alertbridge/internal/redact"
)

// APIPath is the path of Checkmk's REST API below a site's URL
// (https://HOST/SITE/check_mk/api/1.0).
const APIPath = "check_mk/api/1.0"

// DefaultRESTUserAgent is the User-Agent of a [Client] unless [WithUserAgent] says
// otherwise.
const DefaultRESTUserAgent = "alertbridge-checkmk (+https://github.com/alertbridge/alertbridge)"

// Doer is the part of *http.Client a [Client] needs; pass your own with [WithHTTPClient].
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Client calls Checkmk's REST API as an automation user: acknowledgements and comments on
// hosts and services. Create it with [NewClient]; it is immutable and safe for concurrent
// use. In distributed monitoring the central site's API acts on the hosts of every site.
type Client struct {
	api       *url.URL // …/check_mk/api/1.0, no trailing slash
	user      string
	secret    Secret
	userAgent string
	redactor  *redact.Redactor // the secret
	caller    httpx.Caller
}

// Option configures a [Client]; see [NewClient].
type Option func(*restSettings) error

// restSettings are what the options set: the transport and retry settings the sinks
// share.
type restSettings struct {
	httpx.Settings
}

// RetryPolicy bounds the retries of one call. Zero fields take the defaults: 3 attempts,
// 1 s first backoff doubling up to 30 s (jittered), Retry-After honoured up to 60 s. The
// caller's context bounds everything.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts, the first included; 1 disables retries.
	MaxAttempts int
	// BaseDelay is the backoff before the first retry, doubled for each further one.
	BaseDelay time.Duration
	// MaxDelay caps the backoff.
	MaxDelay time.Duration
	// MaxRetryAfter caps a Retry-After header.
	MaxRetryAfter time.Duration
}

// NewClient returns a client for the Checkmk site at baseURL, e.g. "https://HOST/SITE/",
// authenticating as the automation user user with its secret
// (Authorization: Bearer <user> <secret>). The API path [APIPath] is added; a URL that
// already ends in it (or in /check_mk/) is accepted. The URL must be absolute http or
// https, name the site, and carry no user information, query or fragment.
//
// Without options it sends through its own pooled HTTP client (30 s timeout, no redirects
// followed, no proxy) with the default [RetryPolicy]. It never reads the environment. The
// secret never appears in errors.
func NewClient(baseURL, user string, secret Secret, opts ...Option) (*Client, error) {
	var errs []error
	api, err := restAPIURL(baseURL)
	if err != nil {
		errs = append(errs, err)
	}
	if user == "" || strings.ContainsAny(user, " \t\r\n") {
		errs = append(errs, errors.New("automation user must be non-empty and contain no white space"))
	}
	if secret.IsZero() || strings.ContainsAny(secret.Reveal(), "\r\n") {
		errs = append(errs, errors.New("automation secret must be a non-empty single line"))
	}
	s := restSettings{Settings: httpx.Settings{UserAgent: DefaultRESTUserAgent}}
	errs = append(errs, httpx.ApplyOptions(&s, opts), s.Check())
	if err := errors.Join(errs...); err != nil {
		return nil, redact.New(secret.Reveal()).Error(fmt.Errorf("checkmk: new client: %w", err))
	}
	return &Client{
		api:       api,
		user:      user,
		secret:    secret,
		userAgent: s.UserAgent,
		redactor:  redact.New(secret.Reveal()),
		caller:    s.Caller(),
	}, nil
}

// restAPIURL turns a site URL into the API's base URL.
func restAPIURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return nil, errors.New("base URL does not parse")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("base URL scheme %q is not http or https", u.Scheme)
	case u.Host == "":
		return nil, errors.New("base URL has no host")
	case u.User != nil:
		return nil, errors.New("base URL must not contain user information")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, errors.New("base URL must not have a query or fragment")
	}
	p := strings.TrimRight(u.Path, "/")
	switch {
	case strings.HasSuffix(p, "/"+APIPath):
	case strings.HasSuffix(p, "/check_mk"):
		p += "/api/1.0"
	default:
		p += "/" + APIPath
	}
	if strings.TrimSuffix(p, "/"+APIPath) == "" {
		return nil, errors.New("base URL must name the site: https://HOST/SITE/")
	}
	u.Path, u.RawPath = p, ""
	return u, nil
}

// APIURL returns the REST API's base URL the client calls, e.g.
// "https://cmk.example.com/prod/check_mk/api/1.0".
func (c *Client) APIURL() string { return c.api.String() }

// User returns the automation user the client authenticates as.
func (c *Client) User() string { return c.user }

// WithHTTPClient makes the Client send every request through d instead of its own default
// client. d should not follow redirects and should have a timeout; it must not be nil. It
// excludes [WithProxy] and [WithTLSConfig], which configure the default client.
func WithHTTPClient(d Doer) Option {
	return func(s *restSettings) error { return s.SetDoer(d) }
}

// WithUserAgent sets the User-Agent header (default [DefaultRESTUserAgent]).
func WithUserAgent(ua string) Option {
	return func(s *restSettings) error { return s.SetUserAgent(ua) }
}

// WithProxy sets the proxy function of the default client, as http.Transport.Proxy (for
// example http.ProxyURL(u), [Proxy.Func], or http.ProxyFromEnvironment). Without it the
// default client connects directly: the environment is never read implicitly.
func WithProxy(proxy func(*http.Request) (*url.URL, error)) Option {
	return func(s *restSettings) error { return s.SetProxy(proxy) }
}

// WithTLSConfig sets the TLS configuration of the default client (it is cloned), e.g. to
// trust the site's own CA. It must not be nil.
func WithTLSConfig(c *tls.Config) Option {
	return func(s *restSettings) error { return s.SetTLSConfig(c) }
}

// WithRequestTimeout bounds each attempt (default: 30 s, the default client's timeout).
// The caller's context still bounds the whole call, retries and waits included.
func WithRequestTimeout(d time.Duration) Option {
	return func(s *restSettings) error { return s.SetRequestTimeout(d) }
}

// WithRetry sets the retry policy; see [RetryPolicy] for the defaults of zero fields.
func WithRetry(p RetryPolicy) Option {
	return func(s *restSettings) error {
		return s.SetPolicy(httpx.Policy{MaxAttempts: p.MaxAttempts, BaseDelay: p.BaseDelay,
			MaxDelay: p.MaxDelay, MaxRetryAfter: p.MaxRetryAfter})
	}
}

// Result is what Checkmk answered to a successful call (normally 204 No Content).
type Result struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Attempts is the number of requests sent (more than 1 after retries).
	Attempts int
}

// restCall describes one API call.
type restCall struct {
	op       string // for errors, e.g. "acknowledge host problem"
	method   string
	path     string // below the API URL, starting with "/"
	query    string // encoded, without "?"
	body     []byte // nil for none
	classify httpx.ClassifyFunc
	maxBody  int64
}

// do runs a call through the retry loop; anything but a 2xx answer is an *APIError.
func (c *Client) do(ctx context.Context, k restCall) (*httpx.Response, error) {
	u := c.api.String() + k.path
	if k.query != "" {
		u += "?" + k.query
	}
	caller := c.caller
	caller.Redactor = c.redactor
	if k.maxBody > 0 {
		caller.Policy.MaxBodyBytes = k.maxBody
	}
	res, err := caller.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		var r io.Reader
		if k.body != nil {
			r = bytes.NewReader(k.body)
		}
		req, err := http.NewRequestWithContext(ctx, k.method, u, r)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		if k.body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("User-Agent", c.userAgent)
		req.Header.Set("Authorization", "Bearer "+c.user+" "+c.secret.Reveal())
		return req, nil
	}, k.classify)
	if err != nil {
		return nil, transportError(k.op, k.method, c.redactor.RawURL(u), err)
	}
	if res.Class != httpx.ClassSuccess {
		return nil, newAPIError(k.op, k.method, c.redactor.RawURL(u), res, c.redactor)
	}
	return res, nil
}
