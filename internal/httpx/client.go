package httpx

import (
	"crypto/tls"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// Doer is the part of *http.Client the sinks need. *http.Client satisfies it; tests and
// callers may supply their own (tracing, custom transports, fakes).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// DefaultTimeout bounds one HTTP exchange (connect, request, response headers and body) of
// the default client. iLert's own CLI uses 30 s as well.
const DefaultTimeout = 30 * time.Second

// TransportOptions are the settings a caller may give the default transport.
type TransportOptions struct {
	// Proxy selects the proxy for a request, as http.Transport.Proxy. Nil means no proxy
	// (the environment is not consulted; pass http.ProxyFromEnvironment to do that).
	Proxy func(*http.Request) (*url.URL, error)
	// TLSConfig is cloned into the transport; nil means Go's defaults.
	TLSConfig *tls.Config
}

// writeBufferSize is the transport's write buffer: large enough for the headers and a
// typical alert body together (a Checkmk context is some kilobytes), so that a request
// goes out in one write instead of three (net/http's default is 4 KiB).
const writeBufferSize = 32 << 10

// NewTransport returns a new pooled transport with go-cleanhttp's settings (dial and
// keep-alive 30 s, TLS handshake 10 s, idle connection limits, HTTP/2 attempted), a
// 32 KiB write buffer and the given proxy and TLS settings. It is not shared with anybody
// else.
func NewTransport(o TransportOptions) *http.Transport {
	t := cleanhttp.DefaultPooledTransport()
	t.WriteBufferSize = writeBufferSize
	t.Proxy = o.Proxy
	if o.TLSConfig != nil {
		t.TLSClientConfig = o.TLSConfig.Clone()
	}
	return t
}

// NewClient returns an *http.Client using rt (a new [NewTransport] with zero options if rt
// is nil), with Timeout set to timeout ([DefaultTimeout] if timeout <= 0) and redirects
// not followed: a 3xx answer is returned to the caller as it is.
func NewClient(rt http.RoundTripper, timeout time.Duration) *http.Client {
	if rt == nil {
		rt = NewTransport(TransportOptions{})
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &http.Client{
		Transport:     rt,
		Timeout:       timeout,
		CheckRedirect: noRedirects,
	}
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
