package healthchecks

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

var fixedNow = time.Date(2026, 8, 19, 11, 25, 31, 0, time.UTC)

// recorded is what a test handler saw: the notifications delivered and the hook calls.
type recorded struct {
	mu        sync.Mutex
	delivered []*Notification
	hooked    []hookCall
}

type hookCall struct {
	status int
	err    error
}

// newTestHandler returns a handler whose DeliverFunc records each notification and returns
// deliverErr.
func newTestHandler(t *testing.T, deliverErr error, opts ...HandlerOption) (*Handler, *recorded) {
	t.Helper()
	rec := &recorded{}
	opts = append([]HandlerOption{
		WithClock(func() time.Time { return fixedNow }),
		WithErrorHook(func(_ *http.Request, status int, err error) {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			rec.hooked = append(rec.hooked, hookCall{status, err})
		}),
	}, opts...)
	h, err := NewHandler(func(ctx context.Context, n *Notification) error {
		if ctx == nil {
			t.Error("DeliverFunc got a nil context")
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.delivered = append(rec.delivered, n)
		return deliverErr
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h, rec
}

func TestHandler(t *testing.T) {
	t.Parallel()
	body := string(readFixture(t, "simple-down.json"))
	type request struct {
		method string
		status string // Check-Status header, "" for none
		body   io.Reader
	}
	tests := []struct {
		name        string
		req         request
		opts        []HandlerOption
		deliverErr  error
		wantCode    int
		wantMsg     string // a part of the one-line answer
		wantAllow   string
		wantDeliver bool
		wantHookErr error
	}{
		{
			name:     "success POST",
			req:      request{http.MethodPost, "down", strings.NewReader(body)},
			wantCode: http.StatusOK, wantMsg: "ok", wantDeliver: true,
		},
		{
			name:     "success PUT",
			req:      request{http.MethodPut, "up", strings.NewReader(body)},
			wantCode: http.StatusOK, wantMsg: "ok", wantDeliver: true,
		},
		{
			name:     "GET, Healthchecks' default method",
			req:      request{http.MethodGet, "down", nil},
			wantCode: http.StatusMethodNotAllowed, wantAllow: "POST, PUT",
			wantMsg:     `configure the Healthchecks webhook with method POST, request body $JSON and the header "Check-Status: $STATUS" (got "GET")`,
			wantHookErr: ErrMethodNotAllowed,
		},
		{
			name:     "HEAD",
			req:      request{http.MethodHead, "down", nil},
			wantCode: http.StatusMethodNotAllowed, wantAllow: "POST, PUT", wantHookErr: ErrMethodNotAllowed,
		},
		{
			name:     "DELETE",
			req:      request{http.MethodDelete, "down", strings.NewReader(body)},
			wantCode: http.StatusMethodNotAllowed, wantAllow: "POST, PUT", wantMsg: "method not allowed", wantHookErr: ErrMethodNotAllowed,
		},
		{
			name:     "body over the limit with Content-Length",
			req:      request{http.MethodPost, "down", strings.NewReader(body)},
			opts:     []HandlerOption{WithMaxBodyBytes(100)},
			wantCode: http.StatusRequestEntityTooLarge, wantMsg: "request body too large: the limit is 100 bytes", wantHookErr: ErrBodyTooLarge,
		},
		{
			name:     "body over the limit without Content-Length",
			req:      request{http.MethodPost, "down", io.MultiReader(strings.NewReader(body))},
			opts:     []HandlerOption{WithMaxBodyBytes(100)},
			wantCode: http.StatusRequestEntityTooLarge, wantMsg: "the limit is 100 bytes", wantHookErr: ErrBodyTooLarge,
		},
		{
			name:     "empty body",
			req:      request{http.MethodPost, "down", nil},
			wantCode: http.StatusBadRequest, wantMsg: "empty request body: set the webhook's request body to $JSON", wantHookErr: ErrEmptyBody,
		},
		{
			name:     "bad JSON",
			req:      request{http.MethodPost, "down", strings.NewReader(`{"name": "Nightly DB backup",`)},
			wantCode: http.StatusBadRequest, wantMsg: "request body is not a JSON object: set the webhook's request body to $JSON", wantHookErr: ErrMalformedBody,
		},
		{
			name:     "JSON that is not a check",
			req:      request{http.MethodPost, "down", strings.NewReader(`{"status": "down"}`)},
			wantCode: http.StatusBadRequest, wantMsg: `no "name" key`, wantHookErr: ErrNotCheck,
		},
		{
			name:     "missing Check-Status",
			req:      request{http.MethodPost, "", strings.NewReader(body)},
			wantCode: http.StatusBadRequest, wantMsg: `missing Check-Status header: add the request header "Check-Status: $STATUS"`, wantHookErr: ErrMissingStatus,
		},
		{
			name:     "missing Check-Status with fallback",
			req:      request{http.MethodPost, "", strings.NewReader(body)},
			opts:     []HandlerOption{WithParseOptions(FallbackToBodyStatus())},
			wantCode: http.StatusOK, wantMsg: "ok", wantDeliver: true,
		},
		{
			name:     "bad Check-Status",
			req:      request{http.MethodPost, "paused", strings.NewReader(body)},
			wantCode: http.StatusUnprocessableEntity, wantMsg: `status is not "up" or "down": the webhook's Check-Status header must be $STATUS; got "paused"`, wantHookErr: ErrInvalidStatus,
		},
		{
			name:       "deliver fails: Healthchecks should retry",
			req:        request{http.MethodPost, "down", strings.NewReader(body)},
			deliverErr: errSecretDeliver,
			wantCode:   http.StatusServiceUnavailable, wantMsg: "could not be delivered yet; send it again", wantDeliver: true, wantHookErr: errSecretDeliver,
		},
		{
			name:       "deliver fails permanently",
			req:        request{http.MethodPost, "down", strings.NewReader(body)},
			deliverErr: Permanent(errSecretDeliver),
			wantCode:   http.StatusUnprocessableEntity, wantMsg: "rejected permanently; retrying will not help", wantDeliver: true, wantHookErr: errSecretDeliver,
		},
		{
			name:       "deliver returns a sink's rejection (a Permanent method)",
			req:        request{http.MethodPost, "down", strings.NewReader(body)},
			deliverErr: testutil.Rejection(errSecretDeliver),
			wantCode:   http.StatusUnprocessableEntity, wantMsg: "rejected permanently; retrying will not help", wantDeliver: true, wantHookErr: errSecretDeliver,
		},
		{
			name:       "deliver skips it",
			req:        request{http.MethodPost, "down", strings.NewReader(body)},
			deliverErr: errors.Join(errors.New("not for this relay"), ErrSkip),
			wantCode:   http.StatusOK, wantMsg: "ok", wantDeliver: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, rec := newTestHandler(t, tt.deliverErr, tt.opts...)
			r := httptest.NewRequest(tt.req.method, "/hc", tt.req.body)
			if tt.req.status != "" {
				r.Header.Set(StatusHeader, tt.req.status)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)

			if w.Code != tt.wantCode {
				t.Errorf("status %d, want %d (body %q)", w.Code, tt.wantCode, w.Body.String())
			}
			msg := w.Body.String()
			if tt.req.method != http.MethodHead {
				if !strings.HasSuffix(msg, "\n") || strings.Count(msg, "\n") != 1 {
					t.Errorf("answer %q is not one line", msg)
				}
				if !strings.Contains(msg, tt.wantMsg) {
					t.Errorf("answer %q does not contain %q", msg, tt.wantMsg)
				}
			}
			if ct := w.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type %q, want plain text", ct)
			}
			if got := w.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow %q, want %q", got, tt.wantAllow)
			}
			if strings.Contains(msg, errSecretDeliver.Error()) {
				t.Errorf("answer %q reveals the DeliverFunc's error", msg)
			}
			if got := len(rec.delivered) == 1; got != tt.wantDeliver || len(rec.delivered) > 1 {
				t.Errorf("delivered %d notifications, want delivery %v", len(rec.delivered), tt.wantDeliver)
			}
			if tt.wantDeliver && !rec.delivered[0].Received.Equal(fixedNow) {
				t.Errorf("Received = %v, want the handler's clock %v", rec.delivered[0].Received, fixedNow)
			}
			switch {
			case tt.wantHookErr == nil && len(rec.hooked) != 0:
				t.Errorf("error hook called %v, want no call", rec.hooked)
			case tt.wantHookErr != nil && (len(rec.hooked) != 1 || rec.hooked[0].status != tt.wantCode || !errors.Is(rec.hooked[0].err, tt.wantHookErr)):
				t.Errorf("error hook calls %v, want one with %d and %v", rec.hooked, tt.wantCode, tt.wantHookErr)
			}
		})
	}
}

// errSecretDeliver stands for an error of the DeliverFunc that must not reach Healthchecks.
var errSecretDeliver = errors.New("post https://api.ilert.com/api/events/il1api-SECRET: 500")

// The fixtures' whole requests, as iLert's guide configures Healthchecks, go through the
// handler; the delivered notification maps to the same payloads as the parsed body.
func TestHandlerRequestFixtures(t *testing.T) {
	t.Parallel()
	for _, name := range requestFixtures {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := loadRequest(t, name)
			if got := r.Header.Get("Content-Length"); got == "" || r.ContentLength <= 0 || got != itoa(r.ContentLength) {
				t.Fatalf("fixture Content-Length %q, body %d bytes", got, r.ContentLength)
			}
			h, rec := newTestHandler(t, nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK || w.Body.String() != "ok\n" {
				t.Fatalf("answer %d %q, want 200 ok", w.Code, w.Body.String())
			}
			n := rec.delivered[0]
			if want := Status(r.Header.Get(StatusHeader)); n.Status != want || n.StatusFromBody {
				t.Errorf("status %q (from body %v), want %q from the header", n.Status, n.StatusFromBody, want)
			}
			checkMapped(t, n, strings.TrimSuffix(name, ".json"))
		})
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestNewHandlerValidates(t *testing.T) {
	t.Parallel()
	ok := func(context.Context, *Notification) error { return nil }
	tests := []struct {
		name    string
		deliver DeliverFunc
		opts    []HandlerOption
	}{
		{"nil deliver", nil, nil},
		{"zero max body", ok, []HandlerOption{WithMaxBodyBytes(0)}},
		{"negative max body", ok, []HandlerOption{WithMaxBodyBytes(-1)}},
		{"nil clock", ok, []HandlerOption{WithClock(nil)}},
		{"nil hook", ok, []HandlerOption{WithErrorHook(nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := NewHandler(tt.deliver, tt.opts...)
			if err == nil || h != nil {
				t.Errorf("NewHandler = %v, %v; want an error", h, err)
			}
		})
	}
	if h, err := NewHandler(ok); err != nil || h.maxBody != DefaultMaxBodyBytes {
		t.Errorf("NewHandler(ok) = %+v, %v; want the defaults", h, err)
	}
}

// The handler passes the request's context, so a DeliverFunc stops when the caller hangs up.
func TestHandlerPassesRequestContext(t *testing.T) {
	t.Parallel()
	type key struct{}
	var got any
	h, err := NewHandler(func(ctx context.Context, _ *Notification) error {
		got = ctx.Value(key{})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"name": "n"}`))
	r.Header.Set(StatusHeader, "down")
	r = r.WithContext(context.WithValue(r.Context(), key{}, "value"))
	h.ServeHTTP(httptest.NewRecorder(), r)
	if diff := cmp.Diff("value", got); diff != "" {
		t.Errorf("context value (-want +got):\n%s", diff)
	}
}
