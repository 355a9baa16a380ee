package ilert_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

const (
	testKey   = "il1api0f3c2b9e0d4a4f61b2c8e5d7a9f0c1b3"
	testToken = "usr-token-7c1e55d0a9"
)

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

// newClient returns a client for srv whose retry waits are recorded, with zero jitter.
func newClient(t testing.TB, baseURL string, opts ...ilert.Option) (*ilert.Client, *sleeps) {
	t.Helper()
	c, err := ilert.NewClient(append([]ilert.Option{ilert.WithBaseURL(baseURL)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	s := &sleeps{}
	ilert.SetRetryHooks(c, s.sleep, func() float64 { return 0 })
	return c, s
}

func alertEvent() ilert.Event {
	return ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeAlert, AlertKey: "web01/Filesystem /var",
		Summary: "PROBLEM Service Alert: web01/Filesystem /var is CRITICAL - 97% used"}
}

func resolveEvent() ilert.Event {
	return ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeResolve, AlertKey: "web01/Filesystem /var"}
}

func TestSendSuccessAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []ilerttest.Option
		answer  *ilerttest.Failure // scripted answer; nil: the fake's own
		want    ilert.Response
		wantURL bool
	}{
		{name: "202 with alertKey and alertUrl", want: ilert.Response{StatusCode: 202, AlertKey: "web01/Filesystem /var", Attempts: 1}, wantURL: true},
		{name: "202 empty body", opts: []ilerttest.Option{ilerttest.EmptyBodies()}, want: ilert.Response{StatusCode: 202, Attempts: 1}},
		{name: "202 non-JSON body", answer: &ilerttest.Failure{Status: 202, Body: "Accepted"}, want: ilert.Response{StatusCode: 202, Attempts: 1}},
		{name: "202 unknown JSON", answer: &ilerttest.Failure{Status: 202, Body: `[{"id":1}]`}, want: ilert.Response{StatusCode: 202, Attempts: 1}},
		{name: "200 legacy v1 body", answer: &ilerttest.Failure{Status: 200,
			Body: `{"incidentKey":"IK-1","incidentUrl":"https://x.ilert.com/incident/1","responseCode":"NEW_INCIDENT_CREATED"}`},
			want: ilert.Response{StatusCode: 200, AlertKey: "IK-1", AlertURL: "https://x.ilert.com/incident/1", ResponseCode: "NEW_INCIDENT_CREATED", Attempts: 1}},
		{name: "nested key", answer: &ilerttest.Failure{Status: 202, Body: `{"data":{"alert":{"alertKey":"nested"}}}`},
			want: ilert.Response{StatusCode: 202, AlertKey: "nested", Attempts: 1}},
		{name: "correlation id", answer: &ilerttest.Failure{Status: 202, Body: "{}", Header: http.Header{"Correlation-Id": {"c0ffee"}}},
			want: ilert.Response{StatusCode: 202, CorrelationID: "c0ffee", Attempts: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t, tt.opts...)
			if tt.answer != nil {
				srv.FailNext(1, *tt.answer)
			}
			c, _ := newClient(t, srv.URL())
			got, err := c.Send(context.Background(), alertEvent())
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if tt.wantURL { // the fake's own URL, with a counter
				if got.AlertURL == "" {
					t.Error("AlertURL is empty")
				}
				got.AlertURL = ""
			}
			if tt.answer == nil || tt.answer.Header == nil {
				got.CorrelationID = "" // the fake's own, random
			}
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSendRequest(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	c, _ := newClient(t, srv.URL(), ilert.WithUserAgent("checkmk-notify/1.0"), ilert.WithAPIToken(testToken))
	if _, err := c.Send(context.Background(), alertEvent()); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/api/events" {
		t.Errorf("request %s %s, want POST /api/events", r.Method, r.Path)
	}
	for name, want := range map[string]string{"Content-Type": "application/json", "Accept": "application/json",
		"User-Agent": "checkmk-notify/1.0", "Authorization": ""} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	want, _ := json.Marshal(alertEvent())
	if diff := cmp.Diff(string(want), string(r.Body)); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]ilert.Event{alertEvent()}, srv.Events()); diff != "" {
		t.Errorf("recorded events (-want +got):\n%s", diff)
	}
}

func TestSendStatusClasses(t *testing.T) {
	t.Parallel()
	type class struct{ retryable, permanent, benign, rateLimited bool }
	perm, retry := class{permanent: true}, class{retryable: true}
	tests := []struct {
		status       int
		code         string
		header       http.Header
		want         class
		wantAttempts int
	}{
		{400, "INVALID_EVENT", nil, perm, 1},
		{401, "UNAUTHORIZED", nil, perm, 1},
		{403, "", nil, perm, 1},
		{404, "", nil, perm, 1},
		{409, "", nil, perm, 1},
		{422, "", nil, perm, 1},
		{408, "", nil, retry, 2},
		{429, "", nil, class{retryable: true, rateLimited: true}, 2},
		{500, "", nil, retry, 2},
		{501, "", nil, perm, 1},
		{502, "", nil, retry, 2},
		{503, "", nil, retry, 2},
		{504, "", nil, retry, 2},
		{301, "", http.Header{"Location": {"/moved"}}, perm, 1},
		{302, "", http.Header{"Location": {"/moved"}}, perm, 1},
		{307, "", http.Header{"Location": {"/moved"}}, perm, 1},
		{308, "", http.Header{"Location": {"/moved"}}, perm, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			srv.FailNext(10, ilerttest.Failure{Status: tt.status, Code: tt.code, Header: tt.header})
			c, _ := newClient(t, srv.URL(), ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: 2}))
			_, err := c.Send(context.Background(), alertEvent())
			var apiErr *ilert.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want an *APIError", err)
			}
			got := class{ilert.IsRetryable(err), ilert.IsPermanent(err), ilert.IsBenign(err), ilert.IsRateLimited(err)}
			if got != tt.want {
				t.Errorf("classification %+v, want %+v (err %v)", got, tt.want, err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Code != tt.code || apiErr.Attempts != tt.wantAttempts {
				t.Errorf("APIError status %d code %q attempts %d, want %d %q %d", apiErr.StatusCode, apiErr.Code, apiErr.Attempts, tt.status, tt.code, tt.wantAttempts)
			}
			if n := len(srv.Requests()); n != tt.wantAttempts {
				t.Errorf("server saw %d requests, want %d (redirects must not be followed)", n, tt.wantAttempts)
			}
		})
	}
}

func TestSendRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		policy    ilert.RetryPolicy
		failures  []ilerttest.Failure
		wantErr   bool
		wantWaits []time.Duration
	}{
		{name: "two 503 then success", failures: []ilerttest.Failure{{Status: 503}, {Status: 503}},
			wantWaits: []time.Duration{500 * time.Millisecond, time.Second}},
		{name: "connection reset then success", failures: []ilerttest.Failure{{Reset: true}},
			wantWaits: []time.Duration{500 * time.Millisecond}},
		{name: "429 waits iLert's 10 s", failures: []ilerttest.Failure{{Status: 429}},
			wantWaits: []time.Duration{10 * time.Second}},
		{name: "429 with a custom minimum", policy: ilert.RetryPolicy{RateLimitDelay: 20 * time.Second},
			failures: []ilerttest.Failure{{Status: 429}}, wantWaits: []time.Duration{20 * time.Second}},
		{name: "429 with Retry-After", failures: []ilerttest.Failure{{Status: 429, Header: http.Header{"Retry-After": {"30"}}}},
			wantWaits: []time.Duration{30 * time.Second}},
		{name: "Retry-After capped", policy: ilert.RetryPolicy{MaxRetryAfter: 45 * time.Second},
			failures:  []ilerttest.Failure{{Status: 503, Header: http.Header{"Retry-After": {"3600"}}}},
			wantWaits: []time.Duration{45 * time.Second}},
		{name: "429 not retried when queueing", policy: ilert.RetryPolicy{NoRetryOnRateLimit: true},
			failures: []ilerttest.Failure{{Status: 429}}, wantErr: true},
		{name: "retries disabled", policy: ilert.RetryPolicy{MaxAttempts: 1},
			failures: []ilerttest.Failure{{Status: 503}}, wantErr: true},
		{name: "attempts exhausted", failures: []ilerttest.Failure{{Status: 502}, {Status: 502}, {Status: 502}},
			wantErr: true, wantWaits: []time.Duration{500 * time.Millisecond, time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			for _, f := range tt.failures {
				srv.FailNext(1, f)
			}
			c, s := newClient(t, srv.URL(), ilert.WithRetry(tt.policy))
			res, err := c.Send(context.Background(), alertEvent())
			if tt.wantErr != (err != nil) {
				t.Fatalf("Send error = %v, want error: %v", err, tt.wantErr)
			}
			if err == nil && res.Attempts != len(tt.failures)+1 {
				t.Errorf("Attempts = %d, want %d", res.Attempts, len(tt.failures)+1)
			}
			if diff := cmp.Diff(tt.wantWaits, s.got()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			reqs := srv.Requests()
			for i, r := range reqs {
				if string(r.Body) != string(reqs[0].Body) || len(r.Body) == 0 {
					t.Errorf("attempt %d body differs from the first:\n%s\n%s", i+1, r.Body, reqs[0].Body)
				}
			}
		})
	}
}

func TestSendRateLimitedIsReported(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	srv.FailNext(1, ilerttest.Failure{Status: 429, Message: "Too many requests"})
	c, _ := newClient(t, srv.URL(), ilert.WithRetry(ilert.RetryPolicy{NoRetryOnRateLimit: true}))
	_, err := c.Send(context.Background(), alertEvent())
	if !ilert.IsRateLimited(err) || !ilert.IsRetryable(err) {
		t.Errorf("err = %v: rate limited %v retryable %v, want both", err, ilert.IsRateLimited(err), ilert.IsRetryable(err))
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests after a 429 with NoRetryOnRateLimit, want 1", n)
	}
}

func TestBenignAnswers(t *testing.T) {
	t.Parallel()
	accept := resolveEvent()
	accept.EventType = ilert.EventTypeAccept
	tests := []struct {
		name       string
		failure    *ilerttest.Failure
		event      ilert.Event
		wantBenign bool
	}{
		{"RESOLVE without open alert (tracked)", nil, resolveEvent(), true},
		{"ACCEPT without open alert (tracked)", nil, accept, true},
		{"RESOLVE with NONE_OPEN_FOR_KEY", &ilerttest.Failure{Status: 400, Code: ilert.CodeNoneOpenForKey}, resolveEvent(), true},
		{"ALERT with NO_OPEN_ALERT_WITH_KEY is not benign", &ilerttest.Failure{Status: 400, Code: ilert.CodeNoOpenAlertWithKey}, alertEvent(), false},
		{"RESOLVE with another 400 is not benign", &ilerttest.Failure{Status: 400, Code: "INVALID_EVENT"}, resolveEvent(), false},
		{"RESOLVE with the code on a 404 is not benign", &ilerttest.Failure{Status: 404, Code: ilert.CodeNoneOpenForKey}, resolveEvent(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t, ilerttest.TrackOpenAlerts())
			if tt.failure != nil {
				srv.FailNext(1, *tt.failure)
			}
			c, _ := newClient(t, srv.URL())
			_, err := c.Send(context.Background(), tt.event)
			if err == nil {
				t.Fatal("Send succeeded, want an *APIError")
			}
			if got := ilert.IsBenign(err); got != tt.wantBenign {
				t.Errorf("IsBenign(%v) = %v, want %v", err, got, tt.wantBenign)
			}
			if ilert.IsBenign(err) && (ilert.IsRetryable(err) || ilert.IsPermanent(err)) {
				t.Error("a benign error is also retryable or permanent")
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests, want 1 (400 is never retried)", n)
			}
		})
	}
}

func TestAlertLifecycle(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t, ilerttest.TrackOpenAlerts())
	c, _ := newClient(t, srv.URL())
	ctx := context.Background()
	if _, err := c.Send(ctx, alertEvent()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]ilert.AlertStatus{"web01/filesystem /var": ilert.AlertStatusPending}, srv.OpenAlerts()); diff != "" {
		t.Errorf("open alerts (-want +got):\n%s", diff)
	}
	upper := resolveEvent()
	upper.AlertKey = strings.ToUpper(upper.AlertKey) // iLert compares keys case-insensitively
	if _, err := c.Send(ctx, upper); err != nil {
		t.Fatalf("RESOLVE of the open alert: %v", err)
	}
	if _, err := c.Send(ctx, resolveEvent()); !ilert.IsBenign(err) {
		t.Errorf("second RESOLVE: %v, want a benign error", err)
	}
}

func TestSendCancellation(t *testing.T) {
	t.Parallel()

	t.Run("during the request", func(t *testing.T) {
		t.Parallel()
		srv := ilerttest.NewServer(t)
		srv.FailNext(1, ilerttest.Failure{Status: 202, Delay: time.Minute})
		c, _ := newClient(t, srv.URL())
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := c.Send(ctx, alertEvent())
		if !errors.Is(err, context.DeadlineExceeded) || !ilert.IsRetryable(err) {
			t.Errorf("err = %v, want a retryable error wrapping context.DeadlineExceeded", err)
		}
	})

	t.Run("while waiting to retry", func(t *testing.T) {
		t.Parallel()
		srv := ilerttest.NewServer(t)
		srv.FailNext(1, ilerttest.Failure{Status: 503})
		c, s := newClient(t, srv.URL())
		ctx, cancel := context.WithCancel(context.Background())
		s.hook = cancel
		_, err := c.Send(ctx, alertEvent())
		if !errors.Is(err, context.Canceled) || !ilert.IsRetryable(err) {
			t.Errorf("err = %v, want a retryable error wrapping context.Canceled", err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("%d requests after cancellation, want 1", n)
		}
	})

	t.Run("deadline shorter than the 429 wait", func(t *testing.T) {
		t.Parallel()
		srv := ilerttest.NewServer(t)
		srv.FailNext(1, ilerttest.Failure{Status: 429})
		// The deadline is real (contexts use the real clock) and far away, the wait after
		// the 429 farther: the result does not depend on how busy the machine is.
		c, s := newClient(t, srv.URL(), ilert.WithRetry(ilert.RetryPolicy{RateLimitDelay: 2 * time.Hour}))
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		_, err := c.Send(ctx, alertEvent())
		if !ilert.IsRateLimited(err) || len(s.got()) != 0 {
			t.Errorf("err = %v after waits %v; want the 429 at once, without waiting past the deadline", err, s.got())
		}
	})
}

func TestInvalidEventIsNotSent(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	c, _ := newClient(t, srv.URL())
	_, err := c.Send(context.Background(), ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeAlert})
	if !errors.Is(err, ilert.ErrInvalidEvent) || !ilert.IsPermanent(err) {
		t.Errorf("err = %v, want a permanent error wrapping ErrInvalidEvent", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("an invalid event was sent (%d requests)", n)
	}
	_, err = c.Send(context.Background(), ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeAlert, Summary: "s",
		CustomDetails: map[string]any{"f": func() {}}})
	if err == nil || !ilert.IsPermanent(err) {
		t.Errorf("unencodable event: err = %v, want a permanent error", err)
	}
}

func TestSendReportsTruncation(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	c, _ := newClient(t, srv.URL())
	e := alertEvent()
	e.Summary = strings.Repeat("ä", 3000)
	res, err := c.Send(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	want := []ilert.Truncation{{Field: "summary", From: 3000, To: ilert.MaxSummaryRunes, Unit: "runes"}}
	if diff := cmp.Diff(want, res.Truncations); diff != "" {
		t.Errorf("truncations (-want +got):\n%s", diff)
	}
	if got := []rune(srv.Events()[0].Summary); len(got) != ilert.MaxSummaryRunes {
		t.Errorf("server received a summary of %d runes", len(got))
	}
}

func TestSendCheckmk(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	c, _ := newClient(t, srv.URL(), ilert.WithAPIToken(testToken))
	ctxVars := readEnv(t, "service-crit-problem.env", "params-ilert-2.4.env")
	res, err := c.SendCheckmk(context.Background(), testKey, ctxVars)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 202 || res.AlertKey != "web01/Filesystem /var" {
		t.Errorf("response %+v, want 202 with the incidentKey", res)
	}
	if len(res.ScrubbedVariables) != 8 {
		t.Errorf("scrubbed %v, want the 5 API key variables and the 3 script parameters", res.ScrubbedVariables)
	}
	r := srv.Requests()[0]
	if r.Path != "/api/v1/events/checkmk-ext/"+testKey {
		t.Errorf("path %q", r.Path)
	}
	for name, want := range map[string]string{"Content-Type": "application/json", "Accept": "application/json",
		"Agent": "checkmk/extension/1.0", "Authorization": ""} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	testutil.AssertNoSecret(t, "checkmk-ext body", string(r.Body), testKey)
	got := srv.CheckmkEvents()
	if len(got) != 1 || got[0].IntegrationKey != testKey || got[0].Context["SERVICESTATE"] != "CRITICAL" {
		t.Errorf("recorded checkmk events %+v", got)
	}
	for _, name := range res.ScrubbedVariables {
		if _, ok := got[0].Context[name]; ok {
			t.Errorf("scrubbed variable %s reached the server", name)
		}
	}

	if _, err := c.SendCheckmk(context.Background(), "", ctxVars); !errors.Is(err, ilert.ErrInvalidEvent) {
		t.Errorf("empty key: %v", err)
	}
	if _, err := c.SendCheckmk(context.Background(), testKey, nil); !errors.Is(err, ilert.ErrInvalidEvent) {
		t.Errorf("empty context: %v", err)
	}
}

func TestSendCheckmkAlreadyClosed(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t, ilerttest.TrackOpenAlerts())
	c, _ := newClient(t, srv.URL())
	ack := readEnv(t, "host-ack.env")
	_, err := c.SendCheckmk(context.Background(), testKey, ack)
	var apiErr *ilert.APIError
	if !ilert.IsBenign(err) || !errors.As(err, &apiErr) || apiErr.Code != ilert.CodeNoneOpenForKey {
		t.Errorf("ACK without an open alert: %v, want benign NONE_OPEN_FOR_KEY", err)
	}
}

func TestPingHeartbeat(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	c, _ := newClient(t, srv.URL())
	res, err := c.PingHeartbeat(context.Background(), "il1hbt-abc")
	if err != nil || res.StatusCode != 202 {
		t.Fatalf("PingHeartbeat = %+v, %v", res, err)
	}
	if diff := cmp.Diff([]string{"il1hbt-abc"}, srv.Heartbeats()); diff != "" {
		t.Errorf("heartbeats (-want +got):\n%s", diff)
	}
	if _, err := c.PingHeartbeat(context.Background(), " "); err == nil {
		t.Error("empty heartbeat key accepted")
	}
}

// TestErrorsNeverContainSecrets fails sends in every way and checks no key or token leaks.
func TestErrorsNeverContainSecrets(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String()
	l.Close()

	echo := ilerttest.Failure{Status: 401, Code: "UNAUTHORIZED", Message: "integration key " + testKey + " unknown (token " + testToken + ")"}
	tests := []struct {
		name    string
		failure *ilerttest.Failure
		base    string // overrides the server URL
		cancel  bool
	}{
		{name: "401 echoing the key", failure: &echo},
		{name: "500 with an HTML body", failure: &ilerttest.Failure{Status: 500, Body: "<html>" + testKey + "</html>"}},
		{name: "connection reset", failure: &ilerttest.Failure{Reset: true}},
		{name: "canceled context", cancel: true},
		{name: "connection refused", base: refused},
		{name: "TLS to a plain server", base: "https://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			if tt.failure != nil {
				srv.FailNext(100, *tt.failure)
			}
			base := srv.URL()
			switch {
			case tt.base == "https://":
				base = "https://" + strings.TrimPrefix(srv.URL(), "http://")
			case tt.base != "":
				base = tt.base
			}
			c, _ := newClient(t, base, ilert.WithAPIToken(testToken), ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: 2}),
				ilert.WithTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12}))
			ctx, cancel := context.WithCancel(context.Background())
			if tt.cancel {
				cancel()
			}
			defer cancel()
			calls := map[string]func() error{
				"Send": func() error { _, err := c.Send(ctx, alertEvent()); return err },
				"SendCheckmk": func() error {
					_, err := c.SendCheckmk(ctx, testKey, map[string]string{"HOSTNAME": "web01", "PARAMETER_1": "ilert=" + testKey})
					return err
				},
				"PingHeartbeat": func() error { _, err := c.PingHeartbeat(ctx, testKey); return err },
				"ListAlerts":    func() error { _, err := c.ListAlerts(ctx, ilert.ListAlertsOptions{}); return err },
			}
			for name, call := range calls {
				secrets := []string{testKey, testToken}
				if name == "ListAlerts" {
					secrets = secrets[1:] // a REST read cannot know integration keys echoed back
				}
				err := call()
				if err == nil {
					t.Errorf("%s succeeded, want an error", name)
					continue
				}
				t.Logf("%s: %v", name, err)
				for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err)} {
					testutil.AssertNoSecret(t, name+" error", s, secrets...)
				}
				var apiErr *ilert.APIError
				if errors.As(err, &apiErr) {
					testutil.AssertNoSecret(t, name+" APIError", fmt.Sprintf("%#v", *apiErr), secrets...)
				}
				if u := errors.Unwrap(err); u != nil {
					testutil.AssertNoSecret(t, name+" unwrapped error", u.Error(), secrets...)
				}
			}
		})
	}
}

func TestConcurrentSends(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	srv.FailNext(5, ilerttest.Failure{Status: 503})
	c, _ := newClient(t, srv.URL(), ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: 10}))
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() {
			e := alertEvent()
			e.AlertKey = fmt.Sprintf("key-%d", i)
			_, err := c.Send(context.Background(), e)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(srv.Events()); n != 20 {
		t.Errorf("server accepted %d events, want 20", n)
	}
}

// A key echoed right at the point where the error body is cut must not leave its first
// bytes behind: the body is redacted before it is cut.
func TestErrorBodyCutDoesNotLeakKeyPrefix(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	body := strings.Repeat("x", ilert.MaxErrorBodyBytes-5) + testKey + " is not a valid key"
	srv.FailNext(1, ilerttest.Failure{Status: http.StatusBadRequest, Body: body})
	c, _ := newClient(t, srv.URL())
	_, err := c.Send(context.Background(), alertEvent())
	var apiErr *ilert.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("Send = %v, want an *APIError", err)
	}
	if len(apiErr.Body) > ilert.MaxErrorBodyBytes {
		t.Errorf("error body has %d bytes, want at most %d", len(apiErr.Body), ilert.MaxErrorBodyBytes)
	}
	if strings.Contains(apiErr.Body, testKey[:5]) {
		t.Errorf("error body ends in the key's first bytes: …%q", apiErr.Body[len(apiErr.Body)-20:])
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
	resolve := ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeResolve, AlertKey: "k"}
	tests := []struct {
		name    string
		failure *ilerttest.Failure
		event   *ilert.Event
		ctx     context.Context
		want    class
	}{
		{"503", &ilerttest.Failure{Status: 503}, nil, nil, class{Methods: true, Retryable: true}},
		{"429 with Retry-After", &ilerttest.Failure{Status: 429, Header: http.Header{"Retry-After": {"42"}}}, nil, nil,
			class{Methods: true, Retryable: true, RateLimited: true, RetryAfter: 42 * time.Second}},
		{"429 without Retry-After", &ilerttest.Failure{Status: 429}, nil, nil, class{Methods: true, Retryable: true, RateLimited: true}},
		{"401", &ilerttest.Failure{Status: 401}, nil, nil, class{Methods: true, Permanent: true}},
		{"no open alert", &ilerttest.Failure{Status: 400, Code: ilert.CodeNoneOpenForKey}, &resolve, nil, class{Methods: true, Benign: true}},
		{"connection reset", &ilerttest.Failure{Reset: true}, nil, nil, class{Methods: true, Retryable: true}},
		{"canceled context", nil, nil, canceled, class{Methods: true, Retryable: true}},
		{"invalid event", nil, &ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeAlert}, nil, class{Methods: true, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			if tt.failure != nil {
				srv.FailNext(1, *tt.failure)
			}
			c, _ := newClient(t, srv.URL(), ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: 1}))
			ev, ctx := alertEvent(), context.Background()
			if tt.event != nil {
				ev = *tt.event
			}
			if tt.ctx != nil {
				ctx = tt.ctx
			}
			_, err := c.Send(ctx, ev)
			got := testutil.Classify(err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%v: classification (-want +got):\n%s", err, diff)
			}
			helpers := class{Methods: true, Retryable: ilert.IsRetryable(err), Permanent: ilert.IsPermanent(err),
				Benign: ilert.IsBenign(err), RateLimited: ilert.IsRateLimited(err), RetryAfter: got.RetryAfter}
			if diff := cmp.Diff(got, helpers); diff != "" {
				t.Errorf("%v: the Is* helpers disagree with the methods (-methods +helpers):\n%s", err, diff)
			}
		})
	}
}

// TestNewRequestsAreWhatSendSends: the New*Request methods build the very request the
// matching Send method puts on the wire (method, path, content type, body), so a dry run
// shows what would be sent; invalid input fails the same way.
func TestNewRequestsAreWhatSendSends(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"HOSTNAME": "web01", "NOTIFICATIONTYPE": "PROBLEM", "PARAMETER_ILERT_API_KEY": testKey}
	nagiosVars := map[string]string{"NOTIFY_HOSTNAME": "web01", "NOTIFY_NOTIFICATIONTYPE": "PROBLEM"}
	tests := []struct {
		name  string
		build func(context.Context, *ilert.Client) (*http.Request, error)
		send  func(context.Context, *ilert.Client) error
	}{
		{"event",
			func(ctx context.Context, c *ilert.Client) (*http.Request, error) {
				return c.NewEventRequest(ctx, alertEvent())
			},
			func(ctx context.Context, c *ilert.Client) error { _, err := c.Send(ctx, alertEvent()); return err }},
		{"checkmk",
			func(ctx context.Context, c *ilert.Client) (*http.Request, error) {
				return c.NewCheckmkRequest(ctx, testKey, vars)
			},
			func(ctx context.Context, c *ilert.Client) error {
				_, err := c.SendCheckmk(ctx, testKey, vars)
				return err
			}},
		{"nagios",
			func(ctx context.Context, c *ilert.Client) (*http.Request, error) {
				return c.NewNagiosRequest(ctx, testKey, nagiosVars)
			},
			func(ctx context.Context, c *ilert.Client) error {
				_, err := c.SendNagios(ctx, testKey, nagiosVars)
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			c, _ := newClient(t, srv.URL())
			ctx := context.Background()
			req, err := tt.build(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(req.Body)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.send(ctx, c); err != nil {
				t.Fatal(err)
			}
			got := srv.Requests()
			if len(got) != 1 {
				t.Fatalf("%d requests sent, want 1", len(got))
			}
			type wire struct{ Method, Path, ContentType, UserAgent, Body string }
			want := wire{got[0].Method, got[0].Path, got[0].Header.Get("Content-Type"), got[0].Header.Get("User-Agent"), string(got[0].Body)}
			built := wire{req.Method, req.URL.Path, req.Header.Get("Content-Type"), req.Header.Get("User-Agent"), string(body)}
			if diff := cmp.Diff(want, built); diff != "" {
				t.Errorf("built request differs from the sent one (-sent +built):\n%s", diff)
			}
		})
	}
	c, _ := newClient(t, "https://api.ilert.example")
	if _, err := c.NewEventRequest(context.Background(), ilert.Event{EventType: ilert.EventTypeAlert}); !errors.Is(err, ilert.ErrInvalidEvent) || !ilert.IsPermanent(err) {
		t.Errorf("NewEventRequest of an invalid event: %v, want a permanent ErrInvalidEvent", err)
	}
	if _, err := c.NewCheckmkRequest(context.Background(), "", vars); !errors.Is(err, ilert.ErrInvalidEvent) {
		t.Errorf("NewCheckmkRequest without a key: %v, want ErrInvalidEvent", err)
	}
}
