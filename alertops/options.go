package alertops

import (
	"crypto/tls"
	"net/http"
	"net/url"
	"time"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// DefaultUserAgent is sent as User-Agent unless [WithUserAgent] says otherwise.
const DefaultUserAgent = "alertbridge-alertops (+https://github.com/alertbridge/alertbridge)"

// Doer is the part of *http.Client the Client needs; pass your own with [WithHTTPClient]
// (for tracing, custom transports or tests). *http.Client satisfies it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Compile-time check: *http.Client is a Doer.
var _ Doer = (*http.Client)(nil)

// RetryPolicy bounds the retries of one call. Zero fields take the defaults: 3 attempts,
// 1 s first backoff doubling up to 30 s (each wait jittered between half and all of it),
// Retry-After honoured up to 60 s. AlertOps documents no rate limit, so a 429 is retried
// like a 5xx unless RateLimitDelay asks for more. The caller's context bounds everything:
// a call gives up, returning the last answer, when the next wait would end after the
// context's deadline.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts, the first included; 1 disables retries.
	MaxAttempts int
	// BaseDelay is the backoff before the first retry, doubled for each further one.
	BaseDelay time.Duration
	// MaxDelay caps the backoff.
	MaxDelay time.Duration
	// RateLimitDelay is the minimum wait after a 429 without Retry-After (default 0:
	// the backoff alone).
	RateLimitDelay time.Duration
	// MaxRetryAfter caps a Retry-After header.
	MaxRetryAfter time.Duration
	// NoRetryOnRateLimit returns a 429 at once (as an error for which IsRateLimited is
	// true) instead of waiting: for callers that queue the alert.
	NoRetryOnRateLimit bool
}

func (p RetryPolicy) internal() httpx.Policy {
	return httpx.Policy{
		MaxAttempts:        p.MaxAttempts,
		BaseDelay:          p.BaseDelay,
		MaxDelay:           p.MaxDelay,
		RateLimitDelay:     p.RateLimitDelay,
		MaxRetryAfter:      p.MaxRetryAfter,
		NoRetryOnRateLimit: p.NoRetryOnRateLimit,
		MaxBodyBytes:       readBodyBytes,
	}
}

// Option configures a [Client]; see [NewClient].
type Option func(*settings) error

// settings are what the options set: the transport and retry settings every sink
// shares.
type settings struct {
	httpx.Settings
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
// Proxy credentials in the proxy URL never appear in errors.
func WithProxy(proxy func(*http.Request) (*url.URL, error)) Option {
	return func(s *settings) error { return s.SetProxy(proxy) }
}

// WithTLSConfig sets the TLS configuration of the default client (it is cloned), e.g. to
// trust a private CA, or, as the Checkmk plugin's "Disable SSL verification" does,
// &tls.Config{InsecureSkipVerify: true} behind a TLS-inspecting proxy. It must not be nil.
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
