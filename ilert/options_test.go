package ilert_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
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

// doerFunc adapts a function to ilert.Doer.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestWithHTTPClientIsUsed(t *testing.T) {
	t.Parallel()
	var got []string
	d := doerFunc(func(r *http.Request) (*http.Response, error) {
		got = append(got, r.Method+" "+r.URL.String())
		return &http.Response{StatusCode: 202, Header: http.Header{}, Body: http.NoBody}, nil
	})
	c, err := ilert.NewClient(ilert.WithHTTPClient(d))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PingHeartbeat(context.Background(), "il1hbt-hb"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"GET https://api.ilert.com/api/heartbeats/il1hbt-hb"}; !slices.Equal(want, got) {
		t.Errorf("requests %v, want %v", got, want)
	}
}

func TestWithRequestTimeoutRetriesSlowAttempts(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	srv.FailNext(1, ilerttest.Failure{Status: 202, Delay: time.Minute})
	c, s := newClient(t, srv.URL(), ilert.WithRequestTimeout(2*time.Second)) // the slow attempt times out; the next one has time even on a loaded machine
	res, err := c.Send(context.Background(), alertEvent())
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if res.Attempts != 2 || len(s.got()) != 1 {
		t.Errorf("attempts %d waits %v, want a retry after the slow attempt", res.Attempts, s.got())
	}
}
