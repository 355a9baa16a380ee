package level

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/alertbridge/alertbridge/internal/httpx"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

// recorded is what the embedder's functions and the error hook saw.
type recorded struct {
	mu      sync.Mutex
	events  []string // "fn <type> <id>" or "unknown <type> <id>"
	errors  []string // "<status> <error>"
	hookErr []error
}

func (r *recorded) add(kind string, e *Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, kind+" "+string(e.Type)+" "+e.ID)
}

func (r *recorded) hook(_ *http.Request, status int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf("%d %v", status, err))
	r.hookErr = append(r.hookErr, err)
}

func TestHandler(t *testing.T) {
	t.Parallel()
	const (
		current  = "whsec_current_5b1f"
		previous = "whsec_previous_9c2e"
	)
	active := fixture(t, "alert_active.inferred.json")
	resolved := fixture(t, "alert_resolved.inferred.json")
	device := fixture(t, "device_updated.inferred.json")
	unknown := []byte(`{"event_type":"alert_escalated","event_id":"u1","data":{"id":"a1"}}`)
	errTemporary := errors.New("ilert: 503 from https://api.ilert.com/api/events")
	errDenied := errors.New("ilert: 401 integration key rejected")

	tests := []struct {
		name        string
		method      string
		body        []byte
		signature   string          // "" sends no header
		opts        []HandlerOption // nil: WithSecrets(current, previous)
		unknownHook bool            // add WithUnknownEvents
		fnErr       error
		wantStatus  int
		wantBody    string
		wantAllow   string
		wantCalls   []string
		wantHookIs  error // nil: the hook must not be called
		wantHookMsg string
	}{
		{
			name: "success", method: http.MethodPost, body: active, signature: Sign(active, Secret(current)),
			wantStatus: 200, wantBody: "ok\n",
			wantCalls: []string{"fn alert_active 6f1c2b8e-4a3d-4e5f-9b7a-1c2d3e4f5a6b"},
		},
		{
			name: "resolved", method: http.MethodPost, body: resolved, signature: Sign(resolved, Secret(current)),
			wantStatus: 200, wantBody: "ok\n",
			wantCalls: []string{"fn alert_resolved 0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d"},
		},
		{
			name: "rotated: previous secret accepted", method: http.MethodPost, body: active,
			signature:  Sign(active, Secret(previous)),
			wantStatus: 200, wantBody: "ok\n",
			wantCalls: []string{"fn alert_active 6f1c2b8e-4a3d-4e5f-9b7a-1c2d3e4f5a6b"},
		},
		{
			name: "no secret configured: unsigned request accepted", method: http.MethodPost, body: active,
			opts:       []HandlerOption{},
			wantStatus: 200, wantBody: "ok\n",
			wantCalls: []string{"fn alert_active 6f1c2b8e-4a3d-4e5f-9b7a-1c2d3e4f5a6b"},
		},
		{
			name: "GET", method: http.MethodGet,
			wantStatus: 405, wantAllow: "POST", wantBody: "level: method not allowed; Level sends webhooks with POST\n",
			wantHookMsg: "405 level: method GET not allowed",
		},
		{
			name: "PUT with a valid body", method: http.MethodPut, body: active, signature: Sign(active, Secret(current)),
			wantStatus: 405, wantAllow: "POST", wantBody: "level: method not allowed; Level sends webhooks with POST\n",
			wantHookMsg: "405 level: method PUT not allowed",
		},
		{
			name: "oversize body", method: http.MethodPost, body: bytes.Repeat([]byte("x"), 1025),
			opts:       []HandlerOption{WithSecrets(Secret(current)), WithMaxBodyBytes(1024)},
			wantStatus: 413, wantBody: "level: request body too large: the limit is 1024 bytes\n",
			wantHookIs: ErrBodyTooLarge, wantHookMsg: "413 level: request body too large: the limit is 1024 bytes",
		},
		{
			name: "body of exactly the limit", method: http.MethodPost, body: active,
			opts:       []HandlerOption{WithMaxBodyBytes(int64(len(active)))},
			wantStatus: 200, wantBody: "ok\n",
			wantCalls: []string{"fn alert_active 6f1c2b8e-4a3d-4e5f-9b7a-1c2d3e4f5a6b"},
		},
		{
			name: "missing signature", method: http.MethodPost, body: active,
			wantStatus: 401, wantBody: "level: missing X-Level-Signature header\n",
			wantHookIs: ErrMissingSignature, wantHookMsg: "401 level: missing X-Level-Signature header",
		},
		{
			name: "signature without prefix", method: http.MethodPost, body: active,
			signature:  strings.TrimPrefix(Sign(active, Secret(current)), "sha256="),
			wantStatus: 401, wantBody: "level: malformed X-Level-Signature header: it does not start with \"sha256=\"\n",
			wantHookIs: ErrMalformedSignature, wantHookMsg: "401 level: malformed X-Level-Signature header: it does not start with \"sha256=\"",
		},
		{
			name: "bad signature", method: http.MethodPost, body: active, signature: Sign(active, Secret("wrong")),
			wantStatus: 401, wantBody: "level: X-Level-Signature does not match the body\n",
			wantHookIs: ErrSignatureMismatch, wantHookMsg: "401 level: X-Level-Signature does not match the body",
		},
		{
			name: "signature of another body", method: http.MethodPost, body: active, signature: Sign(resolved, Secret(current)),
			wantStatus: 401, wantBody: "level: X-Level-Signature does not match the body\n",
			wantHookIs: ErrSignatureMismatch, wantHookMsg: "401 level: X-Level-Signature does not match the body",
		},
		{
			name: "bad JSON", method: http.MethodPost, body: []byte(`{"event_type":`), signature: Sign([]byte(`{"event_type":`), Secret(current)),
			wantStatus: 400, wantBody: "level: body is not a Level webhook: invalid JSON: unexpected end of JSON input\n",
			wantHookIs: ErrInvalidPayload, wantHookMsg: "400 level: body is not a Level webhook: invalid JSON: unexpected end of JSON input",
		},
		{
			name: "JSON without event_type", method: http.MethodPost, body: []byte(`{"data":{}}`), signature: Sign([]byte(`{"data":{}}`), Secret(current)),
			wantStatus: 400, wantBody: "level: body is not a Level webhook: no event_type\n",
			wantHookIs: ErrInvalidPayload, wantHookMsg: "400 level: body is not a Level webhook: no event_type",
		},
		{
			name: "unknown event type: 200, function not called", method: http.MethodPost, body: unknown,
			signature:  Sign(unknown, Secret(current)),
			wantStatus: 200, wantBody: "level: ignored event type unknown to this receiver\n",
		},
		{
			name: "unknown event type with a hook", method: http.MethodPost, body: unknown,
			signature:   Sign(unknown, Secret(current)),
			unknownHook: true,
			wantStatus:  200, wantBody: "ok\n",
			wantCalls: []string{"unknown alert_escalated u1"},
		},
		{
			name: "device event reaches the function", method: http.MethodPost, body: device,
			signature:  Sign(device, Secret(current)),
			wantStatus: 200, wantBody: "ok\n",
			wantCalls: []string{"fn device_updated c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"},
		},
		{
			name: "function returns ErrNotAlert: 200 ignored", method: http.MethodPost, body: device,
			signature: Sign(device, Secret(current)), fnErr: fmt.Errorf("relay: %w", ErrNotAlert),
			wantStatus: 200, wantBody: "level: ignored, not an alert\n",
			wantCalls: []string{"fn device_updated c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"},
		},
		{
			name: "function error: 503 so Level retries", method: http.MethodPost, body: active,
			signature: Sign(active, Secret(current)), fnErr: errTemporary,
			wantStatus: 503, wantBody: "level: event not processed; retry later\n",
			wantCalls:  []string{"fn alert_active 6f1c2b8e-4a3d-4e5f-9b7a-1c2d3e4f5a6b"},
			wantHookIs: errTemporary, wantHookMsg: "503 " + errTemporary.Error(),
		},
		{
			name: "permanent function error: 422", method: http.MethodPost, body: active,
			signature: Sign(active, Secret(current)), fnErr: Permanent(errDenied),
			wantStatus: 422, wantBody: "level: event rejected; retrying will not help\n",
			wantCalls:  []string{"fn alert_active 6f1c2b8e-4a3d-4e5f-9b7a-1c2d3e4f5a6b"},
			wantHookIs: errDenied, wantHookMsg: "422 " + errDenied.Error(),
		},
		{
			name: "a sink's rejection (a Permanent method): 422", method: http.MethodPost, body: active,
			signature: Sign(active, Secret(current)), fnErr: testutil.Rejection(errDenied),
			wantStatus: 422, wantBody: "level: event rejected; retrying will not help\n",
			wantCalls:  []string{"fn alert_active 6f1c2b8e-4a3d-4e5f-9b7a-1c2d3e4f5a6b"},
			wantHookIs: errDenied, wantHookMsg: "422 " + errDenied.Error(),
		},
		{
			name: "function returns ErrSkip: 200 ignored", method: http.MethodPost, body: active,
			signature: Sign(active, Secret(current)), fnErr: fmt.Errorf("no destination takes it: %w", ErrSkip),
			wantStatus: 200, wantBody: "level: ignored, nothing to send\n",
			wantCalls: []string{"fn alert_active 6f1c2b8e-4a3d-4e5f-9b7a-1c2d3e4f5a6b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorded{}
			fn := func(ctx context.Context, e *Event) error {
				if ctx == nil {
					t.Error("nil context")
				}
				rec.add("fn", e)
				return tt.fnErr
			}
			opts := []HandlerOption{WithSecrets(Secret(current), Secret(previous))}
			if tt.opts != nil {
				opts = tt.opts
			}
			if tt.unknownHook {
				opts = append(opts, WithUnknownEvents(func(_ context.Context, e *Event) error {
					rec.add("unknown", e)
					return nil
				}))
			}
			opts = append(opts, WithErrorHook(rec.hook))
			h, err := NewHandler(fn, opts...)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(tt.method, "/level", bytes.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			if tt.signature != "" {
				req.Header.Set(SignatureHeader, tt.signature)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)

			if w.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantBody, w.Body.String()); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if got := w.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
			if got := w.Header().Get("Content-Type"); got != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type = %q", got)
			}
			if diff := cmp.Diff(tt.wantCalls, rec.events); diff != "" {
				t.Errorf("function calls (-want +got):\n%s", diff)
			}
			var wantErrors []string
			if tt.wantHookMsg != "" {
				wantErrors = []string{tt.wantHookMsg}
			}
			if diff := cmp.Diff(wantErrors, rec.errors); diff != "" {
				t.Errorf("error hook calls (-want +got):\n%s", diff)
			}
			if tt.wantHookIs != nil && (len(rec.hookErr) != 1 || !errors.Is(rec.hookErr[0], tt.wantHookIs)) {
				t.Errorf("error hook got %v, want an error wrapping %v", rec.hookErr, tt.wantHookIs)
			}
			if strings.Count(w.Body.String(), "\n") != 1 {
				t.Errorf("answer is not one line: %q", w.Body.String())
			}
			testutil.AssertNoSecret(t, "response", w.Body.String(), current, previous,
				Sign(tt.body, Secret(current)), Sign(tt.body, Secret(previous)), errTemporary.Error(), errDenied.Error())
			for _, msg := range rec.errors {
				testutil.AssertNoSecret(t, "hook error", msg, current, previous)
			}
		})
	}
}

func TestHandlerOverHTTP(t *testing.T) {
	t.Parallel()
	secret := Secret("whsec_over_http")
	got := make(chan *Event, 1)
	h, err := NewHandler(func(_ context.Context, e *Event) error {
		got <- e
		return nil
	}, WithSecrets(secret), WithMaxBodyBytes(4096))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	post := func(body []byte, chunked bool) *http.Response {
		t.Helper()
		var r io.Reader = bytes.NewReader(body)
		if chunked {
			r = io.MultiReader(r) // hides the length: the request is sent chunked
		}
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/hooks/level", r)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(SignatureHeader, Sign(body, secret))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = resp.Body.Close() })
		return resp
	}

	body := fixture(t, "alert_active.inferred.json")
	for _, chunked := range []bool{false, true} {
		if resp := post(body, chunked); resp.StatusCode != http.StatusOK {
			t.Fatalf("chunked=%v: status %d", chunked, resp.StatusCode)
		}
		e := <-got
		if e.Alert == nil || e.Alert.Name != "Low disk space" {
			t.Errorf("chunked=%v: the function got %+v", chunked, e)
		}
	}
	big := append([]byte(`{"event_type":"alert_active","data":{"description":"`), bytes.Repeat([]byte("x"), 5000)...)
	big = append(big, `"}}`...)
	for _, chunked := range []bool{false, true} {
		if resp := post(big, chunked); resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked=%v: status %d for an oversize body, want 413", chunked, resp.StatusCode)
		}
	}
}

func TestNewHandlerRejectsBadOptions(t *testing.T) {
	t.Parallel()
	fn := func(context.Context, *Event) error { return nil }
	tests := []struct {
		name    string
		fn      func(context.Context, *Event) error
		opts    []HandlerOption
		wantMsg string
	}{
		{"nil function", nil, nil, "level: NewHandler: function must not be nil"},
		{"no secrets", fn, []HandlerOption{WithSecrets()}, "level: NewHandler: WithSecrets: no non-empty secret"},
		{"only empty secrets", fn, []HandlerOption{WithSecrets(Secret(""), nil)}, "level: NewHandler: WithSecrets: no non-empty secret"},
		{"zero body limit", fn, []HandlerOption{WithMaxBodyBytes(0)}, "level: NewHandler: WithMaxBodyBytes: 0 is not positive"},
		{"negative body limit", fn, []HandlerOption{WithMaxBodyBytes(-1)}, "level: NewHandler: WithMaxBodyBytes: -1 is not positive"},
		{"nil unknown-event function", fn, []HandlerOption{WithUnknownEvents(nil)}, "level: NewHandler: WithUnknownEvents: function must not be nil"},
		{"nil error hook", fn, []HandlerOption{WithErrorHook(nil)}, "level: NewHandler: WithErrorHook: function must not be nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := NewHandler(tt.fn, tt.opts...)
			if err == nil {
				t.Fatalf("NewHandler = %v, nil; want an error", h)
			}
			if got := err.Error(); got != tt.wantMsg {
				t.Errorf("error = %q, want %q", got, tt.wantMsg)
			}
		})
	}
}

func TestWithSecretsCopies(t *testing.T) {
	t.Parallel()
	secret := Secret("whsec_copied")
	h, err := NewHandler(func(context.Context, *Event) error { return nil }, WithSecrets(secret))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"event_type":"alert_active"}`)
	signature := Sign(body, secret)
	copy(secret, "XXXXXXXXXXXX") // the caller reuses its buffer
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set(SignatureHeader, signature)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Errorf("status = %d after the caller changed its secret slice, want 200", w.Code)
	}
}

func TestPermanent(t *testing.T) {
	t.Parallel()
	base := errors.New("bad")
	p := Permanent(fmt.Errorf("wrapped: %w", base))
	if !httpx.IsPermanent(p) || !httpx.IsPermanent(fmt.Errorf("outer: %w", p)) {
		t.Error("IsPermanent = false for a permanent error")
	}
	if !errors.Is(p, base) {
		t.Error("Permanent hides the cause from errors.Is")
	}
	if got := p.Error(); got != "wrapped: bad" {
		t.Errorf("Error() = %q", got)
	}
	if httpx.IsPermanent(base) || httpx.IsPermanent(nil) {
		t.Error("IsPermanent = true for an unmarked error")
	}
	if Permanent(nil) != nil {
		t.Error("Permanent(nil) != nil")
	}
	if !httpx.IsPermanent(testutil.Rejection(base)) || httpx.IsPermanent(testutil.Temporary(base)) {
		t.Error("IsPermanent does not follow the Permanent method")
	}
	if !errors.Is(ErrNotAlert, ErrSkip) {
		t.Error("ErrNotAlert does not wrap ErrSkip")
	}
}

func TestHandlerNilBody(t *testing.T) {
	t.Parallel()
	h, err := NewHandler(func(context.Context, *Event) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.Body = nil // as a hand-built request may have it
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusBadRequest || w.Body.String() != "level: body is not a Level webhook: not a JSON object\n" {
		t.Errorf("answer = %d %q, want 400 for an empty body", w.Code, w.Body.String())
	}
}
