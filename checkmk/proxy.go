package checkmk

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// ProxyMode says how HTTP requests reach the outside.
type ProxyMode string

// The proxy modes of a notification rule.
const (
	// ProxyFromEnvironment uses HTTP_PROXY, HTTPS_PROXY and NO_PROXY from the process
	// environment (http.ProxyFromEnvironment).
	ProxyFromEnvironment ProxyMode = "environment"
	// ProxyNone connects directly and ignores proxy environment variables.
	ProxyNone ProxyMode = "none"
	// ProxyExplicit uses one proxy URL for http and https.
	ProxyExplicit ProxyMode = "explicit"
)

// Valid reports whether m is one of the three modes.
func (m ProxyMode) Valid() bool {
	return m == ProxyFromEnvironment || m == ProxyNone || m == ProxyExplicit
}

// Proxy is the HTTP proxy setting of a notification rule. The zero Proxy uses the
// environment. Its String redacts a password in the proxy URL.
type Proxy struct {
	mode ProxyMode
	url  *url.URL
}

// Mode returns how requests are routed.
func (p Proxy) Mode() ProxyMode {
	if p.mode == "" {
		return ProxyFromEnvironment
	}
	return p.mode
}

// URL returns a copy of the explicit proxy URL (with its credentials), or nil.
func (p Proxy) URL() *url.URL {
	if p.url == nil {
		return nil
	}
	u := *p.url
	if p.url.User != nil {
		user := *p.url.User
		u.User = &user
	}
	return &u
}

// Func returns the function for http.Transport.Proxy: http.ProxyFromEnvironment for the
// environment mode, a fixed URL for an explicit proxy, and nil (no proxy) for ProxyNone.
func (p Proxy) Func() func(*http.Request) (*url.URL, error) {
	switch p.Mode() {
	case ProxyNone:
		return nil
	case ProxyExplicit:
		return http.ProxyURL(p.URL())
	}
	return http.ProxyFromEnvironment
}

// String returns "environment", "none" or the proxy URL with its password replaced.
func (p Proxy) String() string {
	if p.Mode() == ProxyExplicit && p.url != nil {
		return p.url.Redacted()
	}
	return string(p.Mode())
}

// Format prints String for every verb.
func (p Proxy) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// LogValue makes slog log String.
func (p Proxy) LogValue() slog.Value { return slog.StringValue(p.String()) }

// ParseProxy decodes a PARAMETER_PROXY_URL value; present says whether the variable is
// set at all. The forms of every version are accepted:
//
//   - absent, or "FROM_ENVIRONMENT" (2.2+): use the environment;
//   - "" (2.0/2.1 "no proxy") or "NO_PROXY" (2.2+): no proxy;
//   - anything else: an explicit proxy URL for both schemes ("http://" is assumed when the
//     value has no scheme).
//
// An unusable URL gives an *InvalidVariableError that does not contain the URL, which may
// carry credentials.
func ParseProxy(value string, present bool) (Proxy, error) {
	switch {
	case !present || value == "FROM_ENVIRONMENT":
		return Proxy{mode: ProxyFromEnvironment}, nil
	case value == "" || value == "NO_PROXY":
		return Proxy{mode: ProxyNone}, nil
	}
	raw := value
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return Proxy{}, &InvalidVariableError{Name: paramPrefix + "PROXY_URL", Reason: "not a usable proxy URL"}
	}
	return Proxy{mode: ProxyExplicit, url: u}, nil
}

// Proxy decodes PARAMETER_PROXY_URL (see ParseProxy).
func (p Parameters) Proxy() (Proxy, error) {
	v, ok := p.Get("PROXY_URL")
	return ParseProxy(v, ok)
}
