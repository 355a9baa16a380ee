package httpx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/internal/redact"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

// answer is one scripted outcome of a fakeDoer.
type answer struct {
	status int
	header http.Header
	body   string
	err    error
}

// fakeDoer plays scripted answers in order (the last one repeats) and records the body of
// every request it receives.
type fakeDoer struct {
	mu      sync.Mutex
	answers []answer
	bodies  []string
	block   bool // wait for the request's context instead of answering
}

func (d *fakeDoer) Do(req *http.Request) (*http.Response, error) {
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.bodies = append(d.bodies, string(b))
	n := len(d.bodies)
	a := d.answers[min(n, len(d.answers))-1]
	d.mu.Unlock()
	if d.block {
		<-req.Context().Done()
		return nil, &urlErr{req.URL.String(), req.Context().Err()}
	}
	if a.err != nil {
		return nil, a.err
	}
	h := a.header
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: a.status, Header: h, Body: io.NopCloser(strings.NewReader(a.body))}, nil
}

func (d *fakeDoer) sent() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.bodies...)
}

type urlErr struct {
	url string
	err error
}

func (e *urlErr) Error() string { return "Post " + e.url + ": " + e.err.Error() }
func (e *urlErr) Unwrap() error { return e.err }

// sleepRecorder records the waits instead of sleeping.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
	err   error // returned by every Sleep when set
}

func (s *sleepRecorder) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	if s.err != nil {
		return s.err
	}
	return ctx.Err()
}

var fixedNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func newCaller(d Doer, p Policy, s *sleepRecorder) *Caller {
	return &Caller{
		Doer:     d,
		Policy:   p,
		Redactor: redact.New("s3cret-key"),
		Sleep:    s.Sleep,
		Now:      func() time.Time { return fixedNow },
		Jitter:   func() float64 { return 0 },
	}
}

const payload = `{"integrationKey":"s3cret-key","summary":"disk full"}`

func postPayload(ctx context.Context) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, http.MethodPost, "https://api.example/events/s3cret-key", bytes.NewReader([]byte(payload)))
}

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func TestCallerDo(t *testing.T) {
	t.Parallel()
	refused := &urlErr{"https://api.example/events/s3cret-key", errors.New("connect: connection refused")}
	tests := []struct {
		name         string
		policy       Policy
		answers      []answer
		wantStatus   int // 0: want an error
		wantClass    Class
		wantAttempts int
		wantWaits    []time.Duration
	}{
		{
			name:       "success at once",
			answers:    []answer{{status: 202}},
			wantStatus: 202, wantClass: ClassSuccess, wantAttempts: 1,
		},
		{
			name:       "503 then 202",
			answers:    []answer{{status: 503}, {status: 202}},
			wantStatus: 202, wantClass: ClassSuccess, wantAttempts: 2,
			wantWaits: []time.Duration{500 * time.Millisecond},
		},
		{
			name:       "exponential backoff, capped",
			policy:     Policy{MaxAttempts: 5, BaseDelay: time.Second, MaxDelay: 3 * time.Second},
			answers:    []answer{{status: 500}},
			wantStatus: 500, wantClass: ClassRetryable, wantAttempts: 5,
			wantWaits: []time.Duration{500 * time.Millisecond, time.Second, 1500 * time.Millisecond, 1500 * time.Millisecond},
		},
		{
			name:       "400 is not retried",
			answers:    []answer{{status: 400, body: `{"code":"X"}`}},
			wantStatus: 400, wantClass: ClassPermanent, wantAttempts: 1,
		},
		{
			name:       "302 is returned, not followed",
			answers:    []answer{{status: 302, header: hdr("Location", "https://elsewhere/")}},
			wantStatus: 302, wantClass: ClassPermanent, wantAttempts: 1,
		},
		{
			name:       "429 waits the rate-limit minimum",
			policy:     Policy{RateLimitDelay: 10 * time.Second},
			answers:    []answer{{status: 429}, {status: 202}},
			wantStatus: 202, wantClass: ClassSuccess, wantAttempts: 2,
			wantWaits: []time.Duration{10 * time.Second},
		},
		{
			name:       "429 not retried when the policy says so",
			policy:     Policy{RateLimitDelay: 10 * time.Second, NoRetryOnRateLimit: true},
			answers:    []answer{{status: 429}, {status: 202}},
			wantStatus: 429, wantClass: ClassRetryable, wantAttempts: 1,
		},
		{
			name:       "Retry-After seconds honoured",
			answers:    []answer{{status: 503, header: hdr("Retry-After", "7")}, {status: 200}},
			wantStatus: 200, wantClass: ClassSuccess, wantAttempts: 2,
			wantWaits: []time.Duration{7 * time.Second},
		},
		{
			name:       "Retry-After date honoured",
			answers:    []answer{{status: 429, header: hdr("Retry-After", fixedNow.Add(20*time.Second).Format(http.TimeFormat))}, {status: 202}},
			wantStatus: 202, wantClass: ClassSuccess, wantAttempts: 2,
			wantWaits: []time.Duration{20 * time.Second},
		},
		{
			name:       "Retry-After capped",
			policy:     Policy{MaxRetryAfter: 30 * time.Second},
			answers:    []answer{{status: 503, header: hdr("Retry-After", "86400")}, {status: 202}},
			wantStatus: 202, wantClass: ClassSuccess, wantAttempts: 2,
			wantWaits: []time.Duration{30 * time.Second},
		},
		{
			name:       "Retry-After shorter than the backoff",
			policy:     Policy{BaseDelay: 4 * time.Second},
			answers:    []answer{{status: 503, header: hdr("Retry-After", "1")}, {status: 202}},
			wantStatus: 202, wantClass: ClassSuccess, wantAttempts: 2,
			wantWaits: []time.Duration{2 * time.Second},
		},
		{
			name:       "MaxAttempts 1",
			policy:     Policy{MaxAttempts: 1},
			answers:    []answer{{status: 503}, {status: 202}},
			wantStatus: 503, wantClass: ClassRetryable, wantAttempts: 1,
		},
		{
			name:       "transport error retried",
			answers:    []answer{{err: refused}, {status: 202}},
			wantStatus: 202, wantClass: ClassSuccess, wantAttempts: 2,
			wantWaits: []time.Duration{500 * time.Millisecond},
		},
		{
			name:      "transport error on every attempt",
			answers:   []answer{{err: refused}},
			wantClass: ClassRetryable, wantAttempts: 3,
			wantWaits: []time.Duration{500 * time.Millisecond, time.Second},
		},
		{
			name:      "unsupported scheme not retried",
			answers:   []answer{{err: &urlErr{"ftp://x", errors.New(`unsupported protocol scheme "ftp"`)}}},
			wantClass: ClassPermanent, wantAttempts: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &fakeDoer{answers: tt.answers}
			s := &sleepRecorder{}
			res, err := newCaller(d, tt.policy, s).Do(context.Background(), postPayload, nil)

			var gotStatus, gotAttempts int
			var gotClass Class
			if tt.wantStatus != 0 {
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				gotStatus, gotClass, gotAttempts = res.StatusCode, res.Class, res.Attempts
			} else {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("Do error = %v (response %+v), want *Error", err, res)
				}
				if res != nil {
					t.Errorf("Do returned a response with an error: %+v", res)
				}
				gotClass, gotAttempts = e.Class, e.Attempts
				testutil.AssertNoSecret(t, "error string", err.Error(), "s3cret-key")
			}
			if gotStatus != tt.wantStatus || gotClass != tt.wantClass || gotAttempts != tt.wantAttempts {
				t.Errorf("got status %d class %v attempts %d, want %d %v %d",
					gotStatus, gotClass, gotAttempts, tt.wantStatus, tt.wantClass, tt.wantAttempts)
			}
			if diff := cmp.Diff(tt.wantWaits, s.waits); diff != "" {
				t.Errorf("waits mismatch (-want +got):\n%s", diff)
			}
			bodies := d.sent()
			if len(bodies) != tt.wantAttempts {
				t.Errorf("doer saw %d requests, want %d", len(bodies), tt.wantAttempts)
			}
			for i, b := range bodies {
				if b != payload {
					t.Errorf("attempt %d sent body %q, want the full body %q", i+1, b, payload)
				}
			}
		})
	}
}

func TestCallerDoJitterBounds(t *testing.T) {
	t.Parallel()
	for _, j := range []float64{0, 0.5, 0.999999} {
		p := Policy{BaseDelay: 2 * time.Second}.WithDefaults()
		got := p.backoff(1, j)
		if got < time.Second || got >= 2*time.Second {
			t.Errorf("backoff(1, %v) = %v, want within [1s, 2s)", j, got)
		}
	}
	s := &sleepRecorder{}
	c := newCaller(&fakeDoer{answers: []answer{{status: 429}, {status: 202}}}, Policy{RateLimitDelay: 10 * time.Second}, s)
	c.Jitter = func() float64 { return 0.5 }
	if _, err := c.Do(context.Background(), postPayload, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{12500 * time.Millisecond}, s.waits); diff != "" {
		t.Errorf("429 wait with jitter 0.5 (-want +got):\n%s", diff)
	}
}

func TestCallerDoClassifyHook(t *testing.T) {
	t.Parallel()
	benign := func(r *Response) Class {
		if r.StatusCode == 400 && bytes.Contains(r.Body, []byte("NONE_OPEN_FOR_KEY")) {
			return ClassBenign
		}
		return DefaultClassify(r)
	}
	c := newCaller(&fakeDoer{answers: []answer{{status: 400, body: `{"code":"NONE_OPEN_FOR_KEY"}`, header: hdr("correlation-id", "c-1")}}}, Policy{}, &sleepRecorder{})
	res, err := c.Do(context.Background(), postPayload, benign)
	if err != nil {
		t.Fatal(err)
	}
	want := &Response{StatusCode: 400, Header: hdr("correlation-id", "c-1"), Body: []byte(`{"code":"NONE_OPEN_FOR_KEY"}`), Class: ClassBenign, Attempts: 1}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("response mismatch (-want +got):\n%s", diff)
	}
}

func TestCallerDoBodyLimit(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 100)
	c := newCaller(&fakeDoer{answers: []answer{{status: 500, body: long}}}, Policy{MaxAttempts: 1, MaxBodyBytes: 10}, &sleepRecorder{})
	res, err := c.Do(context.Background(), postPayload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Body) != long[:10] || !res.BodyTruncated {
		t.Errorf("body %q truncated %v, want the first 10 bytes and truncated", res.Body, res.BodyTruncated)
	}
}

func TestCallerDoContext(t *testing.T) {
	t.Parallel()

	t.Run("canceled before the first attempt", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		d := &fakeDoer{answers: []answer{{status: 202}}}
		_, err := newCaller(d, Policy{}, &sleepRecorder{}).Do(ctx, postPayload, nil)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want one wrapping context.Canceled", err)
		}
		if n := len(d.sent()); n != 0 {
			t.Errorf("%d requests sent after cancellation", n)
		}
	})

	t.Run("canceled while waiting to retry", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		d := &fakeDoer{answers: []answer{{status: 503}}}
		c := newCaller(d, Policy{}, nil)
		c.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return SleepContext(ctx, d) }
		_, err := c.Do(ctx, postPayload, nil)
		var e *Error
		if !errors.Is(err, context.Canceled) || !errors.As(err, &e) {
			t.Fatalf("err = %v, want an *Error wrapping context.Canceled", err)
		}
		if e.Attempts != 1 || e.LastStatus != 503 || e.Class != ClassRetryable {
			t.Errorf("got attempts %d last status %d class %v, want 1 503 retryable", e.Attempts, e.LastStatus, e.Class)
		}
	})

	t.Run("cause is kept", func(t *testing.T) {
		t.Parallel()
		stop := errors.New("shutting down")
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(stop)
		_, err := newCaller(&fakeDoer{answers: []answer{{status: 202}}}, Policy{}, &sleepRecorder{}).Do(ctx, postPayload, nil)
		if !errors.Is(err, context.Canceled) || !errors.Is(err, stop) {
			t.Errorf("err = %v, want it to wrap context.Canceled and the cause", err)
		}
	})

	t.Run("canceled during the request", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		d := &fakeDoer{answers: []answer{{status: 202}}, block: true}
		_, err := newCaller(d, Policy{}, &sleepRecorder{}).Do(ctx, postPayload, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want one wrapping context.DeadlineExceeded", err)
		}
		testutil.AssertNoSecret(t, "error string", err.Error(), "s3cret-key")
	})

	t.Run("gives up when the wait would outlast the deadline", func(t *testing.T) {
		t.Parallel()
		// The deadline is real (contexts use the real clock) and far away, the wait farther:
		// the result does not depend on the date or on how busy the machine is.
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		d := &fakeDoer{answers: []answer{{status: 429}, {status: 202}}}
		s := &sleepRecorder{}
		res, err := newCaller(d, Policy{RateLimitDelay: 2 * time.Hour}, s).Do(ctx, postPayload, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 429 || res.Attempts != 1 || len(s.waits) != 0 {
			t.Errorf("got status %d after %d attempts and waits %v; want the 429 at once", res.StatusCode, res.Attempts, s.waits)
		}
	})

	t.Run("attempt timeout retries", func(t *testing.T) {
		t.Parallel()
		d := &fakeDoer{answers: []answer{{status: 202}}, block: true}
		s := &sleepRecorder{}
		_, err := newCaller(d, Policy{AttemptTimeout: 10 * time.Millisecond}, s).Do(context.Background(), postPayload, nil)
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want an *Error wrapping context.DeadlineExceeded", err)
		}
		if e.Attempts != 3 || e.Class != ClassRetryable {
			t.Errorf("attempts %d class %v, want 3 retryable", e.Attempts, e.Class)
		}
	})
}

func TestCallerDoBuildError(t *testing.T) {
	t.Parallel()
	c := newCaller(&fakeDoer{answers: []answer{{status: 202}}}, Policy{}, &sleepRecorder{})
	_, err := c.Do(context.Background(), func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodPost, "http://[::1%zz/s3cret-key", nil)
	}, nil)
	var e *Error
	if !errors.As(err, &e) || e.Class != ClassPermanent || e.Attempts != 0 {
		t.Fatalf("err = %#v, want a permanent *Error after 0 attempts", err)
	}
	testutil.AssertNoSecret(t, "error string", err.Error(), "s3cret-key")

	_, err = (&Caller{}).Do(context.Background(), postPayload, nil)
	if !errors.As(err, &e) || e.Class != ClassPermanent {
		t.Errorf("nil Doer: err = %v, want a permanent *Error", err)
	}
}

func TestCallerDoRealServer(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []string
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		n++
		first := n == 1
		mu.Unlock()
		if first {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, strings.Repeat("<html>gateway</html>", 10000))
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	c := &Caller{Doer: NewClient(nil, 5*time.Second), Sleep: (&sleepRecorder{}).Sleep}
	res, err := c.Do(context.Background(), func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/events", strings.NewReader(payload))
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 202 || res.Attempts != 2 {
		t.Errorf("status %d attempts %d, want 202 after 2", res.StatusCode, res.Attempts)
	}
	if diff := cmp.Diff([]string{payload, payload}, bodies); diff != "" {
		t.Errorf("bodies (-want +got):\n%s", diff)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{" 120 ", 2 * time.Minute, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"99999999999999999", maxDuration, true},
		{fixedNow.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{fixedNow.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Sunday, 22-Nov-26 12:00:00 GMT", 24 * time.Hour, true}, // RFC 850
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseRetryAfter(tt.in, fixedNow)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestPolicy(t *testing.T) {
	t.Parallel()
	if err := (Policy{}).Validate(); err != nil {
		t.Errorf("zero Policy invalid: %v", err)
	}
	err := Policy{MaxAttempts: -1, BaseDelay: -1, AttemptTimeout: -1}.Validate()
	if err == nil || !strings.Contains(err.Error(), "MaxAttempts") || !strings.Contains(err.Error(), "AttemptTimeout") {
		t.Errorf("Validate = %v, want the negative fields named", err)
	}
	got := Policy{}.WithDefaults()
	want := Policy{MaxAttempts: DefaultMaxAttempts, BaseDelay: DefaultBaseDelay, MaxDelay: DefaultMaxDelay,
		MaxRetryAfter: DefaultMaxRetryAfter, MaxBodyBytes: DefaultMaxBodyBytes}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WithDefaults (-want +got):\n%s", diff)
	}
}

func TestSleepContext(t *testing.T) {
	t.Parallel()
	if err := SleepContext(context.Background(), time.Millisecond); err != nil {
		t.Errorf("SleepContext = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := SleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("SleepContext on a canceled context = %v", err)
	}
	if err := SleepContext(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("SleepContext(0) on a canceled context = %v", err)
	}
}
