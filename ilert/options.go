package ilert

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// DefaultBaseURL is iLert's API host; iLert documents no regional hosts.
const DefaultBaseURL = "https://api.ilert.com"

// DefaultUserAgent is sent as User-Agent unless [WithUserAgent] says otherwise.
const DefaultUserAgent = "alertbridge-ilert (+https://github.com/alertbridge/alertbridge)"

// DefaultRateLimitDelay is the minimum wait after a 429 answer. iLert counts requests per
// integration key in fixed one-minute windows, sends no Retry-After, and suggests
// "10-30 seconds" of backoff.
const DefaultRateLimitDelay = 10 * time.Second

// Doer is the part of *http.Client the Client needs; pass your own with [WithHTTPClient]
// (for tracing, custom transports or tests). *http.Client satisfies it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// RetryPolicy bounds the retries of one call. Zero fields take the defaults: 3 attempts,
// 1 s first backoff doubling up to 30 s (each wait jittered between half and all of it),
// at least [DefaultRateLimitDelay] after a 429, Retry-After honoured up to 60 s. The
// caller's context bounds everything: a call gives up, returning the last answer, when the
// next wait would end after the context's deadline.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts, the first included; 1 disables retries.
	MaxAttempts int
	// BaseDelay is the backoff before the first retry, doubled for each further one.
	BaseDelay time.Duration
	// MaxDelay caps the backoff.
	MaxDelay time.Duration
	// RateLimitDelay is the minimum wait after a 429 without Retry-After.
	RateLimitDelay time.Duration
	// MaxRetryAfter caps a Retry-After header.
	MaxRetryAfter time.Duration
	// NoRetryOnRateLimit returns a 429 at once (as an error for which IsRateLimited is
	// true) instead of waiting: for callers that queue the event and must not send more
	// to that integration key in this run.
	NoRetryOnRateLimit bool
}

// Option configures a [Client]; see [NewClient].
type Option func(*settings) error

// settings are what the options set: the transport and retry settings every sink
// shares, and iLert's own.
type settings struct {
	httpx.Settings
	baseURL   *url.URL
	apiToken  string
	heartbeat heartbeatSettings // heartbeat.go
}

// WithBaseURL sets the API base URL (default [DefaultBaseURL]), e.g. the URL of an
// ilerttest server or of a relay. It must be an absolute http or https URL without user
// information, query or fragment; a path prefix is kept.
func WithBaseURL(raw string) Option {
	return func(s *settings) error {
		u, err := httpx.ParseHTTPURL(raw)
		if err != nil {
			return fmt.Errorf("base URL: %w", err)
		}
		switch {
		case u.User != nil:
			return errors.New("base URL must not contain user information")
		case u.RawQuery != "" || u.Fragment != "":
			return errors.New("base URL must not have a query or fragment")
		}
		u.Path = strings.TrimRight(u.Path, "/")
		u.RawPath = ""
		s.baseURL = u
		s.heartbeat.baseURLSet = true
		return nil
	}
}

// WithHTTPClient makes the Client send every request through d instead of its own
// default client. d should not follow redirects and should have a timeout; it must not be
// nil. It excludes [WithProxy] and [WithTLSConfig], which configure the default client.
func WithHTTPClient(d Doer) Option {
	return func(s *settings) error { return s.SetDoer(d) }
}

// WithUserAgent sets the User-Agent header (default [DefaultUserAgent]).
func WithUserAgent(ua string) Option {
	return func(s *settings) error { return s.SetUserAgent(ua) }
}

// WithProxy sets the proxy function of the default client, as http.Transport.Proxy (for
// example http.ProxyURL(u), or http.ProxyFromEnvironment to honour HTTPS_PROXY). Without
// it the default client connects directly: the environment is never read implicitly.
func WithProxy(proxy func(*http.Request) (*url.URL, error)) Option {
	return func(s *settings) error { return s.SetProxy(proxy) }
}

// WithTLSConfig sets the TLS configuration of the default client (it is cloned), e.g. to
// trust a private CA. It must not be nil.
func WithTLSConfig(c *tls.Config) Option {
	return func(s *settings) error { return s.SetTLSConfig(c) }
}

// WithRequestTimeout bounds each attempt (default: 30 s, the default client's timeout).
// The caller's context still bounds the whole call, retries and waits included.
func WithRequestTimeout(d time.Duration) Option {
	return func(s *settings) error { return s.SetRequestTimeout(d) }
}

// WithRetry sets the retry policy; see [RetryPolicy] for the defaults of zero fields.
func WithRetry(p RetryPolicy) Option {
	return func(s *settings) error { return s.SetPolicy(p.internal()) }
}

// WithAPIToken sets the user API token for the REST reads ([Client.ListAlerts],
// [Client.GetAlert], [Client.ListAlertSources]), sent as "Authorization: Bearer <token>".
// Events and heartbeats never send it. The token is redacted from every error.
func WithAPIToken(token string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(token) == "" || strings.ContainsAny(token, "\r\n") {
			return errors.New("API token must be a non-empty single line")
		}
		s.apiToken = token
		return nil
	}
}

func (p RetryPolicy) internal() httpx.Policy {
	rl := p.RateLimitDelay
	if rl == 0 {
		rl = DefaultRateLimitDelay
	}
	return httpx.Policy{
		MaxAttempts:        p.MaxAttempts,
		BaseDelay:          p.BaseDelay,
		MaxDelay:           p.MaxDelay,
		RateLimitDelay:     rl,
		MaxRetryAfter:      p.MaxRetryAfter,
		NoRetryOnRateLimit: p.NoRetryOnRateLimit,
	}
}
