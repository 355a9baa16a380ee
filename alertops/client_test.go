package alertops_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// testKey is the account key in the webhook URLs of the tests; it must never leak.
const testKey = "aok-7f3c2b9e-0d4a-4f61-b2c8-e5d7a9f0c1b3"

// sleeps records the retry waits instead of sleeping.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
	hook  func() // called on every wait, e.g. to cancel a context
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	hook := s.hook
	s.mu.Unlock()
	if hook != nil {
		hook()
	}
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// newClient returns a client whose retry waits are recorded, with zero jitter.
func newClient(t testing.TB, opts ...alertops.Option) (*alertops.Client, *sleeps) {
	t.Helper()
	c, err := alertops.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	s := &sleeps{}
	alertops.SetTestHooks(c, s.sleep, func() float64 { return 0 }, nil)
	return c, s
}

func TestSendDelivers(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	c, _ := newClient(t, alertops.WithUserAgent("checkmk-notify/1.0"))
	res, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), seedAlert())
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	want := &alertops.Response{StatusCode: 200, Attempts: 1, Timestamp: seedAlert().Timestamp}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("response (-want +got):\n%s", diff)
	}
	if got := res.Summary(); got != "200: OK" {
		t.Errorf("Summary() = %q, want %q", got, "200: OK")
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/POSTAlert/"+testKey+"/CheckMK" {
		t.Errorf("request %s %s, want POST /POSTAlert/<key>/CheckMK", r.Method, r.Path)
	}
	for name, want := range map[string]string{"Content-Type": "application/json", "User-Agent": "checkmk-notify/1.0"} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	wantBody, _ := seedAlert().MarshalJSON()
	if diff := cmp.Diff(string(wantBody), string(r.Body)); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	wantAlerts := []alertopstest.Received{{Key: testKey, Integration: "CheckMK", Alert: seedAlert()}}
	if diff := cmp.Diff(wantAlerts, srv.Alerts()); diff != "" {
		t.Errorf("received alerts (-want +got):\n%s", diff)
	}
}

func TestSendDefaultUserAgent(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	c, _ := newClient(t)
	if _, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), hostAlert()); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].Header.Get("User-Agent"); got != alertops.DefaultUserAgent {
		t.Errorf("User-Agent = %q, want %q", got, alertops.DefaultUserAgent)
	}
}

func TestSendFillsZeroTimestamp(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	c, _ := newClient(t)
	now := time.Date(2026, 4, 7, 18, 59, 32, 750_000_000, time.FixedZone("CEST", 2*3600))
	alertops.SetTestHooks(c, nil, nil, func() time.Time { return now })
	a := hostAlert()
	a.Timestamp = time.Time{}
	res, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), a)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 4, 7, 16, 59, 32, 0, time.UTC)
	if !res.Timestamp.Equal(want) || res.Timestamp.Location() != time.UTC {
		t.Errorf("Response.Timestamp = %v, want %v", res.Timestamp, want)
	}
	if body := string(srv.Requests()[0].Body); !strings.Contains(body, `"Timestamp":"2026-04-07T16:59:32Z"`) {
		t.Errorf("body has no filled timestamp: %s", body)
	}
}

func TestSendSuccessAnswers(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ä", alertops.MaxBodyBytes) // 2 bytes each: twice the limit
	tests := []struct {
		name   string
		answer alertopstest.Failure
		want   alertops.Response
	}{
		{"200 text", alertopstest.Failure{Status: 200, Body: "OK"}, alertops.Response{StatusCode: 200, Body: "OK"}},
		{"201 JSON", alertopstest.Failure{Status: 201, Body: `{"uniqueInboundID":"42"}`},
			alertops.Response{StatusCode: 201, Body: `{"uniqueInboundID":"42"}`}},
		{"202 echoing the key", alertopstest.Failure{Status: 202, Body: "accepted for " + testKey},
			alertops.Response{StatusCode: 202, Body: "accepted for [redacted]"}},
		{"204 no body", alertopstest.Failure{Status: 204}, alertops.Response{StatusCode: 204}},
		{"long body cut on a rune boundary", alertopstest.Failure{Status: 200, Body: long},
			alertops.Response{StatusCode: 200, Body: long[:alertops.MaxBodyBytes], BodyTruncated: true}},
		{"invalid UTF-8 made valid", alertopstest.Failure{Status: 200, Body: "ok\xff"},
			alertops.Response{StatusCode: 200, Body: "ok\uFFFD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := alertopstest.NewServer(t)
			srv.FailNext(1, tt.answer)
			c, _ := newClient(t)
			got, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), hostAlert())
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			tt.want.Attempts = 1
			tt.want.Timestamp = hostAlert().Timestamp
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSendStatusClasses covers every status code net/http names from 200 up: 2xx
// succeed, 408, 429 and every 5xx are retried, the rest fail at once.
func TestSendStatusClasses(t *testing.T) {
	t.Parallel()
	for code := 200; code <= 599; code++ {
		if http.StatusText(code) == "" {
			continue
		}
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			srv := alertopstest.NewServer(t)
			var header http.Header
			if code >= 300 && code <= 399 {
				header = http.Header{"Location": {"/elsewhere"}}
			}
			srv.FailNext(10, alertopstest.Failure{Status: code, Header: header})
			c, _ := newClient(t, alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 2}))
			res, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), hostAlert())

			retryable := code == 408 || code == 429 || code >= 500
			wantAttempts := 1
			if retryable {
				wantAttempts = 2
			}
			if n := len(srv.Requests()); n != wantAttempts {
				t.Errorf("server saw %d requests, want %d (redirects must not be followed)", n, wantAttempts)
			}
			if code <= 299 {
				if err != nil || res.StatusCode != code {
					t.Fatalf("Send = %+v, %v; want success with %d", res, err, code)
				}
				return
			}
			var apiErr *alertops.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want an *APIError", err)
			}
			if apiErr.StatusCode != code || apiErr.Attempts != wantAttempts {
				t.Errorf("APIError status %d attempts %d, want %d %d", apiErr.StatusCode, apiErr.Attempts, code, wantAttempts)
			}
			if got := [3]bool{alertops.IsRetryable(err), alertops.IsPermanent(err), alertops.IsRateLimited(err)}; got != [3]bool{retryable, !retryable, code == 429} {
				t.Errorf("IsRetryable, IsPermanent, IsRateLimited = %v for %d", got, code)
			}
			if apiErr.Retryable() != retryable || apiErr.Permanent() == retryable {
				t.Errorf("APIError.Retryable() = %v, Permanent() = %v", apiErr.Retryable(), apiErr.Permanent())
			}
			msg := err.Error()
			if (code == 401 || code == 403) != strings.Contains(msg, "invalid webhook URL or disabled integration") {
				t.Errorf("error %q: the 401/403 hint is wrong", msg)
			}
			if !strings.Contains(msg, "/POSTAlert/[redacted]/CheckMK") {
				t.Errorf("error %q does not show the redacted URL", msg)
			}
			testutil.AssertNoSecret(t, "error", msg, testKey)
		})
	}
}

func TestAPIErrorMessage(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t, alertopstest.AcceptKeys("another-key"))
	c, _ := newClient(t)
	_, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), hostAlert())
	want := "alertops: send alert: POST " + srv.BaseURL() + "/POSTAlert/[redacted]/CheckMK: 401 Unauthorized: " +
		"invalid webhook URL or disabled integration: Unauthorized (1 attempt)"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
}

func TestSendRetriesWithIdenticalBodies(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	srv.FailNext(1, alertopstest.Failure{Status: 503})
	srv.FailNext(1, alertopstest.Failure{Reset: true})
	c, s := newClient(t)
	a := seedAlert()
	a.Extra = map[string]any{"ticket": "T-1", "n": 3}
	res, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), a)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if res.Attempts != 3 {
		t.Errorf("Attempts = %d, want 3", res.Attempts)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	want, _ := a.MarshalJSON()
	for i, r := range reqs {
		if diff := cmp.Diff(string(want), string(r.Body)); diff != "" {
			t.Errorf("attempt %d body (-want +got):\n%s", i+1, diff)
		}
	}
	if diff := cmp.Diff([]time.Duration{500 * time.Millisecond, time.Second}, s.got()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if n := len(srv.Alerts()); n != 1 {
		t.Errorf("%d alerts accepted, want 1", n)
	}
}

func TestSendRetryAfterAndRateLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		policy    alertops.RetryPolicy
		header    http.Header
		wantWaits []time.Duration
		wantErr   bool
	}{
		{"Retry-After honoured", alertops.RetryPolicy{}, http.Header{"Retry-After": {"7"}}, []time.Duration{7 * time.Second}, false},
		{"Retry-After capped", alertops.RetryPolicy{MaxRetryAfter: 20 * time.Second}, http.Header{"Retry-After": {"86400"}},
			[]time.Duration{20 * time.Second}, false},
		{"no Retry-After: backoff", alertops.RetryPolicy{}, nil, []time.Duration{500 * time.Millisecond}, false},
		{"rate-limit floor", alertops.RetryPolicy{RateLimitDelay: 10 * time.Second}, nil, []time.Duration{10 * time.Second}, false},
		{"no retry on rate limit", alertops.RetryPolicy{NoRetryOnRateLimit: true}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := alertopstest.NewServer(t)
			srv.FailNext(1, alertopstest.Failure{Status: 429, Header: tt.header})
			c, s := newClient(t, alertops.WithRetry(tt.policy))
			_, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), hostAlert())
			if (err != nil) != tt.wantErr {
				t.Fatalf("Send error = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr && !alertops.IsRateLimited(err) {
				t.Errorf("IsRateLimited(%v) = false", err)
			}
			if diff := cmp.Diff(tt.wantWaits, s.got()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSendGivesUp(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	srv.FailNext(3, alertopstest.Failure{Status: 502, Body: "<html>Bad Gateway</html>"})
	c, s := newClient(t)
	_, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), hostAlert())
	var apiErr *alertops.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want an *APIError", err)
	}
	want := &alertops.APIError{Op: "send alert", Method: "POST", URL: srv.BaseURL() + "/POSTAlert/[redacted]/CheckMK",
		StatusCode: 502, Body: "<html>Bad Gateway</html>", Attempts: 3}
	if diff := cmp.Diff(want, apiErr, cmpopts.IgnoreUnexported(alertops.APIError{})); diff != "" {
		t.Errorf("APIError (-want +got):\n%s", diff)
	}
	if !apiErr.Retryable() || !alertops.IsRetryable(err) {
		t.Error("a 502 after the last attempt is not retryable")
	}
	if n := len(s.got()); n != 2 {
		t.Errorf("%d waits, want 2", n)
	}
}

func TestSendTransportFailures(t *testing.T) {
	t.Parallel()
	t.Run("reset on every attempt", func(t *testing.T) {
		t.Parallel()
		srv := alertopstest.NewServer(t)
		srv.FailNext(3, alertopstest.Failure{Reset: true})
		c, _ := newClient(t)
		_, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), hostAlert())
		if err == nil || !alertops.IsRetryable(err) {
			t.Fatalf("err = %v, want a retryable error", err)
		}
		if !strings.Contains(err.Error(), "giving up after 3 attempts") {
			t.Errorf("error %q does not count the attempts", err)
		}
		testutil.AssertNoSecret(t, "error", err.Error(), testKey)
	})
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		srv := alertopstest.Start()
		u := srv.URL(testKey, "CheckMK")
		srv.Close()
		c, _ := newClient(t, alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 1}))
		_, err := c.Send(context.Background(), u, hostAlert())
		if err == nil || !alertops.IsRetryable(err) {
			t.Fatalf("err = %v, want a retryable error", err)
		}
		if !strings.Contains(err.Error(), "/POSTAlert/[redacted]/CheckMK") {
			t.Errorf("error %q does not show the redacted URL", err)
		}
		testutil.AssertNoSecret(t, "error", err.Error(), testKey)
	})
	t.Run("per-attempt timeout, then success", func(t *testing.T) {
		t.Parallel()
		srv := alertopstest.NewServer(t)
		srv.FailNext(1, alertopstest.Failure{Delay: time.Minute})
		c, _ := newClient(t, alertops.WithRequestTimeout(2*time.Second)) // the slow attempt times out; the next one has time even on a loaded machine
		res, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), hostAlert())
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
		if res.Attempts != 2 {
			t.Errorf("Attempts = %d, want 2", res.Attempts)
		}
	})
}

func TestSendCancellation(t *testing.T) {
	t.Parallel()
	t.Run("canceled before sending", func(t *testing.T) {
		t.Parallel()
		srv := alertopstest.NewServer(t)
		c, _ := newClient(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.Send(ctx, srv.URL(testKey, "CheckMK"), hostAlert())
		if !errors.Is(err, context.Canceled) || !alertops.IsRetryable(err) {
			t.Fatalf("err = %v, want a retryable error wrapping context.Canceled", err)
		}
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%d requests sent with a canceled context", n)
		}
		testutil.AssertNoSecret(t, "error", err.Error(), testKey)
	})
	t.Run("canceled while waiting to retry", func(t *testing.T) {
		t.Parallel()
		srv := alertopstest.NewServer(t)
		srv.FailNext(5, alertopstest.Failure{Status: 500})
		c, s := newClient(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s.hook = cancel
		_, err := c.Send(ctx, srv.URL(testKey, "CheckMK"), hostAlert())
		if !errors.Is(err, context.Canceled) || !alertops.IsRetryable(err) {
			t.Fatalf("err = %v, want a retryable error wrapping context.Canceled", err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
		if !strings.Contains(err.Error(), "500") {
			t.Errorf("error %q does not report the last answer", err)
		}
		testutil.AssertNoSecret(t, "error", err.Error(), testKey)
	})
	t.Run("deadline during a slow answer", func(t *testing.T) {
		t.Parallel()
		srv := alertopstest.NewServer(t)
		srv.FailNext(1, alertopstest.Failure{Delay: time.Minute})
		c, _ := newClient(t)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := c.Send(ctx, srv.URL(testKey, "CheckMK"), hostAlert())
		if !errors.Is(err, context.DeadlineExceeded) || !alertops.IsRetryable(err) {
			t.Fatalf("err = %v, want a retryable error wrapping context.DeadlineExceeded", err)
		}
		testutil.AssertNoSecret(t, "error", err.Error(), testKey)
	})
}

func TestSendInvalidWebhookURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, url string }{
		{"empty", ""},
		{"blank", "  "},
		{"no scheme", "notify.alertops.com/POSTAlert/" + testKey + "/CheckMK"},
		{"ftp", "ftp://notify.alertops.com/POSTAlert/" + testKey + "/CheckMK"},
		{"key as scheme", testKey + ":x"},
		{"no host", "https:///POSTAlert/" + testKey + "/CheckMK"},
		{"opaque", "https:" + testKey},
		{"user info", "https://" + testKey + "@notify.alertops.com/POSTAlert/x/CheckMK"},
		{"fragment", "https://notify.alertops.com/POSTAlert/x/CheckMK#" + testKey},
		{"no path", "https://notify.alertops.com"},
		{"root path", "https://notify.alertops.com/"},
		{"does not parse", "https://notify.alertops.com/POSTAlert/" + testKey + "/%zz"},
		{"control character", "https://notify.alertops.com/POSTAlert/" + testKey + "/\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := alertops.NewClient(alertops.WithHTTPClient(doerFunc(func(*http.Request) (*http.Response, error) {
				t.Error("a request was sent")
				return nil, errors.New("unreachable")
			})))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Send(context.Background(), tt.url, hostAlert())
			if !errors.Is(err, alertops.ErrInvalidWebhookURL) || !alertops.IsPermanent(err) {
				t.Fatalf("err = %v, want a permanent error wrapping ErrInvalidWebhookURL", err)
			}
			if alertops.ValidateWebhookURL(tt.url) == nil {
				t.Error("ValidateWebhookURL accepted it")
			}
			testutil.AssertNoSecret(t, "error", err.Error(), testKey)
			testutil.AssertNoSecret(t, "RedactWebhookURL", alertops.RedactWebhookURL(tt.url), testKey)
		})
	}
}

func TestSendInvalidAlert(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	c, _ := newClient(t)
	a := hostAlert()
	a.EventKey = ""
	a.Severity = alertops.Severity(testKey) // even a key in a bad value must not leak
	_, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), a)
	if !errors.Is(err, alertops.ErrInvalidAlert) || !alertops.IsPermanent(err) {
		t.Fatalf("err = %v, want a permanent error wrapping ErrInvalidAlert", err)
	}
	testutil.AssertNoSecret(t, "error", err.Error(), testKey)
	a = hostAlert()
	a.Extra = map[string]any{"bad": make(chan int)}
	_, err = c.Send(context.Background(), srv.URL(testKey, "CheckMK"), a)
	if err == nil || !alertops.IsPermanent(err) {
		t.Fatalf("err = %v, want a permanent encoding error", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid alerts", n)
	}
}

// TestSendNeverLeaksTheKey runs every kind of failure with keys of several shapes and
// checks the error text in every format.
func TestSendNeverLeaksTheKey(t *testing.T) {
	t.Parallel()
	keys := []string{testKey, "k3y with spaces & ümlauts", "a/b"}
	type failure struct {
		name  string
		setup func(srv *alertopstest.Server)
		ctx   func() context.Context
	}
	canceled := func() context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx
	}
	failures := []failure{
		{"401", func(s *alertopstest.Server) { s.FailNext(1, alertopstest.Failure{Status: 401}) }, nil},
		{"500 echoing the key", nil, nil}, // set per key below
		{"reset", func(s *alertopstest.Server) { s.FailNext(1, alertopstest.Failure{Reset: true}) }, nil},
		{"canceled", nil, canceled},
	}
	for _, key := range keys {
		for _, f := range failures {
			t.Run(f.name+"/"+key, func(t *testing.T) {
				t.Parallel()
				srv := alertopstest.NewServer(t)
				if f.setup != nil {
					f.setup(srv)
				}
				if f.name == "500 echoing the key" {
					srv.FailNext(1, alertopstest.Failure{Status: 500,
						Body: "no integration for " + key + " or " + url.PathEscape(key) + " at /POSTAlert/" + key + "/CheckMK"})
				}
				ctx := context.Background()
				if f.ctx != nil {
					ctx = f.ctx()
				}
				c, _ := newClient(t, alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 1}))
				_, err := c.Send(ctx, srv.URL(key, "CheckMK"), hostAlert())
				if err == nil {
					t.Fatal("no error")
				}
				for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
					testutil.AssertNoSecret(t, "error", s, key, url.PathEscape(key))
				}
				var apiErr *alertops.APIError
				if errors.As(err, &apiErr) {
					testutil.AssertNoSecret(t, "APIError.Body", apiErr.Body, key, url.PathEscape(key))
				}
			})
		}
	}
}

func TestRedactWebhookURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://notify.alertops.com/POSTAlert/" + testKey + "/CheckMK", "https://notify.alertops.com/POSTAlert/[redacted]/CheckMK"},
		{"https://notify.alertops.com/postalert/" + testKey + "/Custom", "https://notify.alertops.com/postalert/[redacted]/Custom"},
		{"https://notify.alertops.com/POSTAlert/a%2Fb%20c/CheckMK", "https://notify.alertops.com/POSTAlert/[redacted]/CheckMK"},
		{"https://notify.alertops.com/RESTAPI.svc/POSTAlertv2/generic/" + testKey + "/Checkmk/h/s/NONE",
			"https://notify.alertops.com/RESTAPI.svc/POSTAlertv2/generic/[redacted]/Checkmk/h/s/NONE"},
		{"http://relay.internal:8080/alertops/" + testKey, "http://relay.internal:8080/[redacted]"},
		{"https://notify.alertops.com/POSTAlert/" + testKey + "/CheckMK?token=" + testKey,
			"https://notify.alertops.com/POSTAlert/[redacted]/CheckMK?[redacted]"},
		{"https://user:" + testKey + "@notify.alertops.com/POSTAlert/x/CheckMK#frag", "https://notify.alertops.com/POSTAlert/[redacted]/CheckMK"},
		{"::not a url " + testKey, "[redacted]"},
	}
	for _, tt := range tests {
		if got := alertops.RedactWebhookURL(tt.in); got != tt.want {
			t.Errorf("RedactWebhookURL(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestUnknownURLShapeRedaction(t *testing.T) {
	t.Parallel()
	// A relay in front of AlertOps: the key is somewhere in the path.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "unknown hook "+r.URL.Path, http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	c, _ := newClient(t)
	_, err := c.Send(context.Background(), srv.URL+"/hooks/"+testKey+"/v1?sig=0123456789abcdef", hostAlert())
	if err == nil || !alertops.IsPermanent(err) {
		t.Fatalf("err = %v, want a permanent error", err)
	}
	if !strings.Contains(err.Error(), srv.URL+"/[redacted]?[redacted]: 404") {
		t.Errorf("error %q does not show the redacted URL", err)
	}
	testutil.AssertNoSecret(t, "error", err.Error(), testKey, "0123456789abcdef")
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestWithHTTPClient(t *testing.T) {
	t.Parallel()
	var got *http.Request
	c, err := alertops.NewClient(alertops.WithHTTPClient(doerFunc(func(r *http.Request) (*http.Response, error) {
		got = r
		return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}}, nil
	})))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(context.Background(), "https://notify.alertops.com/POSTAlert/"+testKey+"/CheckMK", hostAlert()); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.URL.String() != "https://notify.alertops.com/POSTAlert/"+testKey+"/CheckMK" || got.Method != "POST" {
		t.Errorf("the Doer got %v", got)
	}
}

func TestWithProxy(t *testing.T) {
	t.Parallel()
	const password = "proxy-pa55word"
	var mu sync.Mutex
	var asked []string
	proxyURL, _ := url.Parse("http://user:" + password + "@127.0.0.1:1") // nothing listens on port 1
	c, _ := newClient(t, alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 1}),
		alertops.WithProxy(func(r *http.Request) (*url.URL, error) {
			mu.Lock()
			asked = append(asked, r.URL.Host)
			mu.Unlock()
			return proxyURL, nil
		}))
	_, err := c.Send(context.Background(), "http://notify.alertops.invalid/POSTAlert/"+testKey+"/CheckMK", hostAlert())
	if err == nil || !alertops.IsRetryable(err) {
		t.Fatalf("err = %v, want a retryable proxy connection error", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]string{"notify.alertops.invalid"}, asked); diff != "" {
		t.Errorf("proxy consulted for (-want +got):\n%s", diff)
	}
	testutil.AssertNoSecret(t, "error", err.Error(), testKey, password)
}

func TestWithTLSConfig(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	u := srv.URL + "/POSTAlert/" + testKey + "/CheckMK"

	c, _ := newClient(t)
	_, err := c.Send(context.Background(), u, hostAlert())
	if err == nil || !alertops.IsPermanent(err) {
		t.Fatalf("untrusted certificate: err = %v, want a permanent error", err)
	}
	testutil.AssertNoSecret(t, "error", err.Error(), testKey)

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c, _ = newClient(t, alertops.WithTLSConfig(&tls.Config{RootCAs: pool}))
	if _, err := c.Send(context.Background(), u, hostAlert()); err != nil {
		t.Errorf("trusted certificate: %v", err)
	}
}

func TestNewClientOptionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []alertops.Option
		want []string
	}{
		{"nil HTTP client", []alertops.Option{alertops.WithHTTPClient(nil)}, []string{"HTTP client must not be nil"}},
		{"empty user agent", []alertops.Option{alertops.WithUserAgent(" ")}, []string{"user agent"}},
		{"multi-line user agent", []alertops.Option{alertops.WithUserAgent("a\r\nX-Evil: 1")}, []string{"user agent"}},
		{"nil proxy", []alertops.Option{alertops.WithProxy(nil)}, []string{"proxy function"}},
		{"nil TLS config", []alertops.Option{alertops.WithTLSConfig(nil)}, []string{"TLS config"}},
		{"zero request timeout", []alertops.Option{alertops.WithRequestTimeout(0)}, []string{"request timeout"}},
		{"negative retry settings", []alertops.Option{alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: -1, BaseDelay: -1})},
			[]string{"MaxAttempts", "BaseDelay"}},
		{"HTTP client with proxy", []alertops.Option{alertops.WithHTTPClient(http.DefaultClient), alertops.WithProxy(http.ProxyFromEnvironment)},
			[]string{"cannot be combined"}},
		{"all reported", []alertops.Option{alertops.WithHTTPClient(nil), alertops.WithRequestTimeout(-1)},
			[]string{"HTTP client", "request timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := alertops.NewClient(tt.opts...)
			if err == nil || c != nil {
				t.Fatalf("NewClient = %v, %v; want an error", c, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	if c, err := alertops.NewClient(nil); err != nil || c == nil {
		t.Errorf("NewClient(nil option) = %v, %v", c, err)
	}
}

func TestClassificationOfOtherErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                 string
		err                  error
		retryable, permanent bool
	}{
		{"nil", nil, false, false},
		{"canceled", context.Canceled, true, false},
		{"wrapped deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), true, false},
		{"invalid alert", alertops.ErrInvalidAlert, false, true},
		{"invalid URL", alertops.ErrInvalidWebhookURL, false, true},
		{"unknown", errors.New("something"), false, true},
	}
	for _, tt := range tests {
		if got := alertops.IsRetryable(tt.err); got != tt.retryable {
			t.Errorf("%s: IsRetryable = %v", tt.name, got)
		}
		if got := alertops.IsPermanent(tt.err); got != tt.permanent {
			t.Errorf("%s: IsPermanent = %v", tt.name, got)
		}
		if alertops.IsRateLimited(tt.err) {
			t.Errorf("%s: IsRateLimited = true", tt.name)
		}
	}
}

func TestConcurrentSends(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	c, _ := newClient(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			a := hostAlert()
			a.EventKey = fmt.Sprintf("web%02d", i)
			if _, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), a); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(srv.Alerts()); n != 8 {
		t.Errorf("%d alerts received, want 8", n)
	}
}

// TestKeyAcrossTheBodyLimit puts the key across the points where the body is cut (what is
// kept) and where reading stopped (what was seen): no prefix of it may survive, even when
// redacting earlier copies shifts the text.
func TestKeyAcrossTheBodyLimit(t *testing.T) {
	t.Parallel()
	const readLimit = 2 * alertops.MaxBodyBytes // how much the client reads
	copies := strings.Repeat(testKey, 200)      // 8000 bytes, 2000 once redacted
	bodies := map[string]string{
		"across the kept limit": strings.Repeat("x", alertops.MaxBodyBytes-10) + testKey + strings.Repeat("y", 3*alertops.MaxBodyBytes),
		"across the read limit, shifted by redaction": copies + strings.Repeat("x", readLimit-20-len(copies)) + testKey +
			strings.Repeat("y", alertops.MaxBodyBytes),
	}
	for name, body := range bodies {
		for _, status := range []int{200, 500} {
			t.Run(fmt.Sprint(name, "/", status), func(t *testing.T) {
				t.Parallel()
				srv := alertopstest.NewServer(t)
				srv.FailNext(1, alertopstest.Failure{Status: status, Body: body})
				c, _ := newClient(t, alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 1}))
				res, err := c.Send(context.Background(), srv.URL(testKey, "CheckMK"), hostAlert())
				var kept string
				var apiErr *alertops.APIError
				switch {
				case err == nil:
					kept = res.Body
					if !res.BodyTruncated {
						t.Error("BodyTruncated is false")
					}
				case errors.As(err, &apiErr):
					kept = apiErr.Body
				default:
					t.Fatal(err)
				}
				if len(kept) > alertops.MaxBodyBytes {
					t.Errorf("kept %d bytes, limit %d", len(kept), alertops.MaxBodyBytes)
				}
				testutil.AssertNoSecret(t, "body", kept, testKey[:10])
			})
		}
	}
}

// TestErrorsClassifyThemselves: every failure of Send, with an answer or without, carries
// the methods a queue asks (Retryable, Permanent, Benign, RateLimited, RetryAfter), and
// they say what the Is* helpers say.
func TestErrorsClassifyThemselves(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	type class = testutil.Classification
	tests := []struct {
		name    string
		failure *alertopstest.Failure
		alert   *alertops.Alert
		url     string
		ctx     context.Context
		want    class
	}{
		{"503", &alertopstest.Failure{Status: 503}, nil, "", nil, class{Methods: true, Retryable: true}},
		{"429 with Retry-After", &alertopstest.Failure{Status: 429, Header: http.Header{"Retry-After": {"42"}}}, nil, "", nil,
			class{Methods: true, Retryable: true, RateLimited: true, RetryAfter: 42 * time.Second}},
		{"401", &alertopstest.Failure{Status: 401}, nil, "", nil, class{Methods: true, Permanent: true}},
		{"connection reset", &alertopstest.Failure{Reset: true}, nil, "", nil, class{Methods: true, Retryable: true}},
		{"canceled context", nil, nil, "", canceled, class{Methods: true, Retryable: true}},
		{"invalid alert", nil, &alertops.Alert{}, "", nil, class{Methods: true, Permanent: true}},
		{"invalid webhook URL", nil, nil, "ftp://notify.alertops.com/POSTAlert/x/y", nil, class{Methods: true, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := alertopstest.NewServer(t)
			if tt.failure != nil {
				srv.FailNext(1, *tt.failure)
			}
			c, _ := newClient(t, alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 1}))
			a, u, ctx := hostAlert(), srv.URL(testKey, "CheckMK"), context.Background()
			if tt.alert != nil {
				a = *tt.alert
			}
			if tt.url != "" {
				u = tt.url
			}
			if tt.ctx != nil {
				ctx = tt.ctx
			}
			_, err := c.Send(ctx, u, a)
			got := testutil.Classify(err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%v: classification (-want +got):\n%s", err, diff)
			}
			helpers := class{Methods: true, Retryable: alertops.IsRetryable(err), Permanent: alertops.IsPermanent(err),
				RateLimited: alertops.IsRateLimited(err), RetryAfter: got.RetryAfter}
			if diff := cmp.Diff(got, helpers); diff != "" {
				t.Errorf("%v: the Is* helpers disagree with the methods (-methods +helpers):\n%s", err, diff)
			}
		})
	}
}

// TestNewRequestIsWhatSendSends: NewRequest builds the very request Send puts on the wire,
// so a dry run shows what would be sent; invalid input fails the same way.
func TestNewRequestIsWhatSendSends(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	c, _ := newClient(t)
	u := srv.URL(testKey, "CheckMK")
	ctx := context.Background()
	req, err := c.NewRequest(ctx, u, hostAlert())
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(ctx, u, hostAlert()); err != nil {
		t.Fatal(err)
	}
	got := srv.Requests()
	if len(got) != 1 {
		t.Fatalf("%d requests sent, want 1", len(got))
	}
	if got[0].Method != req.Method || got[0].Path != req.URL.Path || string(got[0].Body) != string(body) ||
		got[0].Header.Get("Content-Type") != req.Header.Get("Content-Type") {
		t.Errorf("built %s %s %q, sent %s %s %q", req.Method, req.URL.Path, body, got[0].Method, got[0].Path, got[0].Body)
	}
	if _, err := c.NewRequest(ctx, "ftp://x/y", hostAlert()); !errors.Is(err, alertops.ErrInvalidWebhookURL) || !alertops.IsPermanent(err) {
		t.Errorf("NewRequest with a bad URL: %v, want a permanent ErrInvalidWebhookURL", err)
	}
}
