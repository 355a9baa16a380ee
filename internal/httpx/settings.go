package httpx

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Settings are what a sink client's options set: the transport (a caller's [Doer], or the
// proxy and TLS configuration of the default client), the User-Agent, the per-attempt
// timeout and the retry policy. Each sink keeps its own exported options, each a one-line
// call of a setter here, so that both validate alike and say the same in their errors.
// The zero Settings send through the default client with the default policy and no
// User-Agent of their own.
type Settings struct {
	// Doer replaces the default client; nil means build one ([Settings.Caller]).
	Doer Doer
	// UserAgent is the User-Agent header the sink sends.
	UserAgent string
	// Proxy and TLSConfig configure the default client; see [TransportOptions].
	Proxy     func(*http.Request) (*url.URL, error)
	TLSConfig *tls.Config
	// RequestTimeout bounds each attempt (0: [DefaultTimeout], the default client's).
	RequestTimeout time.Duration
	// Policy bounds the retries; its AttemptTimeout is set from RequestTimeout.
	Policy Policy
}

// SetDoer sends every request through d instead of the default client; d must not be
// nil.
func (s *Settings) SetDoer(d Doer) error {
	if d == nil {
		return errors.New("HTTP client must not be nil")
	}
	s.Doer = d
	return nil
}

// SetUserAgent sets the User-Agent header; it must be a non-empty single line.
func (s *Settings) SetUserAgent(ua string) error {
	if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n") {
		return errors.New("user agent must be a non-empty single line")
	}
	s.UserAgent = ua
	return nil
}

// SetProxy sets the default client's proxy function; it must not be nil (leaving it
// unset connects directly).
func (s *Settings) SetProxy(proxy func(*http.Request) (*url.URL, error)) error {
	if proxy == nil {
		return errors.New("proxy function must not be nil (omit WithProxy to connect directly)")
	}
	s.Proxy = proxy
	return nil
}

// SetTLSConfig sets the default client's TLS configuration (cloned when the client is
// built); it must not be nil.
func (s *Settings) SetTLSConfig(c *tls.Config) error {
	if c == nil {
		return errors.New("TLS config must not be nil")
	}
	s.TLSConfig = c
	return nil
}

// SetRequestTimeout bounds each attempt; d must be positive.
func (s *Settings) SetRequestTimeout(d time.Duration) error {
	if d <= 0 {
		return errors.New("request timeout must be positive")
	}
	s.RequestTimeout = d
	return nil
}

// SetPolicy sets the retry policy after [Policy.Validate] accepts it.
func (s *Settings) SetPolicy(p Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	s.Policy = p
	return nil
}

// Check reports settings that contradict each other: a Doer of the caller's together with
// a proxy or TLS configuration, which only the default client takes.
func (s *Settings) Check() error {
	if s.Doer != nil && (s.Proxy != nil || s.TLSConfig != nil) {
		return errors.New("WithProxy and WithTLSConfig configure the default client; they cannot be combined with WithHTTPClient")
	}
	return nil
}

// Caller returns the Caller the settings describe: it sends through s.Doer, or through a
// new default client ([NewClient] on a [NewTransport] with s's proxy and TLS
// configuration, timeout s.RequestTimeout), with s.Policy bounding each attempt by
// s.RequestTimeout. Call it once per sink client: every call builds a new transport.
func (s *Settings) Caller() Caller {
	doer := s.Doer
	if doer == nil {
		rt := NewTransport(TransportOptions{Proxy: s.Proxy, TLSConfig: s.TLSConfig})
		doer = NewClient(rt, s.RequestTimeout)
	}
	policy := s.Policy
	policy.AttemptTimeout = s.RequestTimeout
	return Caller{Doer: doer, Policy: policy}
}

// ApplyOptions applies opts to s in order, skipping nil ones, and returns every error
// they report joined (nil if none): a caller sees all its mistakes at once.
func ApplyOptions[S any, O ~func(*S) error](s *S, opts []O) error {
	var errs []error
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
