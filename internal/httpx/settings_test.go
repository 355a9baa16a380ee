package httpx

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSettingsSetters(t *testing.T) {
	t.Parallel()
	proxy := http.ProxyURL(&url.URL{Scheme: "http", Host: "proxy.example:3128"})
	tests := []struct {
		name    string
		set     func(*Settings) error
		wantErr string // "" for success
		check   func(Settings) bool
	}{
		{"doer", func(s *Settings) error { return s.SetDoer(&http.Client{}) }, "",
			func(s Settings) bool { return s.Doer != nil }},
		{"nil doer", func(s *Settings) error { return s.SetDoer(nil) }, "HTTP client must not be nil", nil},
		{"user agent", func(s *Settings) error { return s.SetUserAgent("me/1.0") }, "",
			func(s Settings) bool { return s.UserAgent == "me/1.0" }},
		{"blank user agent", func(s *Settings) error { return s.SetUserAgent(" \t") }, "user agent must be a non-empty single line", nil},
		{"two-line user agent", func(s *Settings) error { return s.SetUserAgent("me\r\nX-Evil: 1") }, "user agent must be a non-empty single line", nil},
		{"proxy", func(s *Settings) error { return s.SetProxy(proxy) }, "",
			func(s Settings) bool { return s.Proxy != nil }},
		{"nil proxy", func(s *Settings) error { return s.SetProxy(nil) }, "proxy function must not be nil (omit WithProxy to connect directly)", nil},
		{"TLS config", func(s *Settings) error { return s.SetTLSConfig(&tls.Config{ServerName: "x"}) }, "",
			func(s Settings) bool { return s.TLSConfig != nil && s.TLSConfig.ServerName == "x" }},
		{"nil TLS config", func(s *Settings) error { return s.SetTLSConfig(nil) }, "TLS config must not be nil", nil},
		{"request timeout", func(s *Settings) error { return s.SetRequestTimeout(5 * time.Second) }, "",
			func(s Settings) bool { return s.RequestTimeout == 5*time.Second }},
		{"zero request timeout", func(s *Settings) error { return s.SetRequestTimeout(0) }, "request timeout must be positive", nil},
		{"negative request timeout", func(s *Settings) error { return s.SetRequestTimeout(-time.Second) }, "request timeout must be positive", nil},
		{"policy", func(s *Settings) error { return s.SetPolicy(Policy{MaxAttempts: 5}) }, "",
			func(s Settings) bool { return s.Policy.MaxAttempts == 5 }},
		{"negative policy", func(s *Settings) error { return s.SetPolicy(Policy{MaxAttempts: -1}) }, "retry policy: MaxAttempts must not be negative", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s Settings
			err := tt.set(&s)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if s.Doer != nil || s.UserAgent != "" || s.Proxy != nil || s.TLSConfig != nil || s.RequestTimeout != 0 || s.Policy != (Policy{}) {
					t.Errorf("a rejected value was kept: %+v", s)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !tt.check(s) {
				t.Errorf("value not set: %+v", s)
			}
		})
	}
}

func TestSettingsCheck(t *testing.T) {
	t.Parallel()
	proxy := http.ProxyURL(&url.URL{Scheme: "http", Host: "proxy.example:3128"})
	tests := []struct {
		name    string
		s       Settings
		wantErr bool
	}{
		{"nothing", Settings{}, false},
		{"doer alone", Settings{Doer: &http.Client{}}, false},
		{"proxy and TLS alone", Settings{Proxy: proxy, TLSConfig: &tls.Config{}}, false},
		{"doer and proxy", Settings{Doer: &http.Client{}, Proxy: proxy}, true},
		{"doer and TLS", Settings{Doer: &http.Client{}, TLSConfig: &tls.Config{}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.s.Check()
			if (err != nil) != tt.wantErr {
				t.Fatalf("Check() = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "cannot be combined with WithHTTPClient") {
				t.Errorf("Check() = %q does not name the conflict", err)
			}
		})
	}
}

func TestSettingsCaller(t *testing.T) {
	t.Parallel()
	proxyURL := &url.URL{Scheme: "http", Host: "proxy.example:3128"}
	t.Run("default client", func(t *testing.T) {
		t.Parallel()
		s := Settings{Proxy: http.ProxyURL(proxyURL), TLSConfig: &tls.Config{ServerName: "ca.example"},
			RequestTimeout: 7 * time.Second, Policy: Policy{MaxAttempts: 2}}
		c := s.Caller()
		hc, ok := c.Doer.(*http.Client)
		if !ok {
			t.Fatalf("Doer is %T, want *http.Client", c.Doer)
		}
		if hc.Timeout != 7*time.Second {
			t.Errorf("Timeout = %v, want 7s", hc.Timeout)
		}
		tr, ok := hc.Transport.(*http.Transport)
		if !ok {
			t.Fatalf("Transport is %T, want *http.Transport", hc.Transport)
		}
		if tr.TLSClientConfig == s.TLSConfig || tr.TLSClientConfig.ServerName != "ca.example" {
			t.Errorf("TLS config not cloned into the transport: %+v", tr.TLSClientConfig)
		}
		req, _ := http.NewRequest(http.MethodGet, "https://api.example/", nil)
		if got, _ := tr.Proxy(req); got == nil || got.String() != proxyURL.String() {
			t.Errorf("proxy = %v, want %v", got, proxyURL)
		}
		if diff := cmp.Diff(Policy{MaxAttempts: 2, AttemptTimeout: 7 * time.Second}, c.Policy); diff != "" {
			t.Errorf("Policy (-want +got):\n%s", diff)
		}
	})
	t.Run("default client without settings", func(t *testing.T) {
		t.Parallel()
		var s Settings
		hc, ok := s.Caller().Doer.(*http.Client)
		if !ok || hc.Timeout != DefaultTimeout {
			t.Fatalf("Doer = %#v, want an *http.Client with the default timeout", hc)
		}
		if tr, ok := hc.Transport.(*http.Transport); !ok || tr.Proxy != nil {
			t.Errorf("default transport = %#v, want one without a proxy", hc.Transport)
		}
	})
	t.Run("caller's doer", func(t *testing.T) {
		t.Parallel()
		d := &http.Client{}
		s := Settings{Doer: d, RequestTimeout: time.Second}
		c := s.Caller()
		if c.Doer != Doer(d) {
			t.Errorf("Doer = %v, want the caller's", c.Doer)
		}
		if c.Policy.AttemptTimeout != time.Second {
			t.Errorf("AttemptTimeout = %v, want 1s", c.Policy.AttemptTimeout)
		}
	})
}

func TestApplyOptions(t *testing.T) {
	t.Parallel()
	type option func(*Settings) error
	errA, errB := errors.New("a is wrong"), errors.New("b is wrong")
	var order []string
	opts := []option{
		func(s *Settings) error { order = append(order, "ua"); return s.SetUserAgent("first") },
		nil,
		func(*Settings) error { order = append(order, "a"); return errA },
		func(s *Settings) error { order = append(order, "ua2"); return s.SetUserAgent("second") },
		func(*Settings) error { order = append(order, "b"); return errB },
	}
	var s Settings
	err := ApplyOptions(&s, opts)
	if !errors.Is(err, errA) || !errors.Is(err, errB) {
		t.Errorf("error = %v, want both option errors", err)
	}
	if diff := cmp.Diff([]string{"ua", "a", "ua2", "b"}, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if s.UserAgent != "second" {
		t.Errorf("UserAgent = %q, want the last option's", s.UserAgent)
	}
	if err := ApplyOptions(&s, []option{nil}); err != nil {
		t.Errorf("nil options: %v", err)
	}
}
