package ilert_test

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/ilert"
)

func TestNewClientOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []ilert.Option
		wantErr string
		wantURL string
	}{
		{name: "defaults", wantURL: "https://api.ilert.com"},
		{name: "base URL with path", opts: []ilert.Option{ilert.WithBaseURL("http://127.0.0.1:8080/relay/")}, wantURL: "http://127.0.0.1:8080/relay"},
		{name: "base URL not http", opts: []ilert.Option{ilert.WithBaseURL("ftp://x")}, wantErr: `scheme "ftp"`},
		{name: "base URL relative", opts: []ilert.Option{ilert.WithBaseURL("/api")}, wantErr: "scheme"},
		{name: "base URL without host", opts: []ilert.Option{ilert.WithBaseURL("https://")}, wantErr: "no host"},
		{name: "base URL with credentials", opts: []ilert.Option{ilert.WithBaseURL("https://u:p@x")}, wantErr: "user information"},
		{name: "base URL with query", opts: []ilert.Option{ilert.WithBaseURL("https://x/?k=1")}, wantErr: "query"},
		{name: "base URL unparsable", opts: []ilert.Option{ilert.WithBaseURL("http://[::1")}, wantErr: "does not parse"},
		{name: "nil HTTP client", opts: []ilert.Option{ilert.WithHTTPClient(nil)}, wantErr: "must not be nil"},
		{name: "empty user agent", opts: []ilert.Option{ilert.WithUserAgent(" ")}, wantErr: "user agent"},
		{name: "nil proxy", opts: []ilert.Option{ilert.WithProxy(nil)}, wantErr: "proxy"},
		{name: "nil TLS config", opts: []ilert.Option{ilert.WithTLSConfig(nil)}, wantErr: "TLS"},
		{name: "zero timeout", opts: []ilert.Option{ilert.WithRequestTimeout(0)}, wantErr: "timeout"},
		{name: "negative retry", opts: []ilert.Option{ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: -1})}, wantErr: "MaxAttempts"},
		{name: "empty token", opts: []ilert.Option{ilert.WithAPIToken("")}, wantErr: "API token"},
		{name: "client and proxy", opts: []ilert.Option{ilert.WithHTTPClient(http.DefaultClient), ilert.WithProxy(http.ProxyFromEnvironment)},
			wantErr: "cannot be combined"},
		{name: "all valid", opts: []ilert.Option{ilert.WithProxy(http.ProxyFromEnvironment), ilert.WithTLSConfig(&tls.Config{}),
			ilert.WithRequestTimeout(10 * time.Second), ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: 1}),
			ilert.WithAPIToken("t"), ilert.WithUserAgent("ua"), nil}, wantURL: "https://api.ilert.com"},
		{name: "errors joined", opts: []ilert.Option{ilert.WithUserAgent(""), ilert.WithAPIToken("")}, wantErr: "API token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := ilert.NewClient(tt.opts...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("NewClient error = %v, want one containing %q", err, tt.wantErr)
				}
				if c != nil {
					t.Error("NewClient returned a client with an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.BaseURL(); got != tt.wantURL {
				t.Errorf("BaseURL() = %q, want %q", got, tt.wantURL)
			}
		})
	}
}
