package ilert_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/alertbridge/alertbridge/ilert"
)

// permanentErr has the Permanent() method the handler looks for.
type permanentErr struct{ permanent bool }

func (e permanentErr) Error() string   { return "checkmk said no" }
func (e permanentErr) Permanent() bool { return e.permanent }

// recorder collects what a handler delivered and reported.
type recorder struct {
	mu        sync.Mutex
	delivered []*ilert.AlertWebhook
	errs      []error
	statuses  []int
	ignored   []error
	result    error
}

func (r *recorder) deliver(_ context.Context, w *ilert.AlertWebhook) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.delivered = append(r.delivered, w)
	return r.result
}

func (r *recorder) handler(t *testing.T, opts ...ilert.AlertWebhookOption) *ilert.AlertWebhookHandler {
	t.Helper()
	opts = append([]ilert.AlertWebhookOption{
		ilert.WithWebhookErrorHook(func(_ *http.Request, status int, err error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.statuses, r.errs = append(r.statuses, status), append(r.errs, err)
		}),
		ilert.WithWebhookIgnoreHook(func(_ *http.Request, _ *ilert.AlertWebhook, reason error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.ignored = append(r.ignored, reason)
		}),
	}, opts...)
	h, err := ilert.NewAlertWebhookHandler(r.deliver, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// serve sends one request to h and returns the status and body.
func serve(h http.Handler, method, body string, header http.Header) (int, string, http.Header) {
	req := httptest.NewRequest(method, "/ilert", strings.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b), rec.Header()
}

func basic(user, pass string) http.Header {
	r, _ := http.NewRequest(http.MethodPost, "/", nil)
	r.SetBasicAuth(user, pass)
	return r.Header
}

const acceptedBody = `{"id":"42","eventType":"alert-acknowledged","status":"ACCEPTED","alertKey":"prod/web01"}`

func TestAlertWebhookHandlerAnswers(t *testing.T) {
	t.Parallel()
	creds := basic("ilert", "s3cret-pass")
	tests := []struct {
		name       string
		opts       []ilert.AlertWebhookOption
		method     string
		body       string
		header     http.Header
		result     error
		wantStatus int
		wantErr    error // what the error hook hears (nil: not called)
		deliver    bool
		ignored    error
	}{
		{name: "accepted", method: "POST", body: acceptedBody, wantStatus: 200, deliver: true},
		{name: "legacy incident name delivered", method: "POST", body: `{"eventType":"incident-acknowledged"}`, wantStatus: 200, deliver: true},
		{name: "GET", method: "GET", body: "", wantStatus: 405, wantErr: ilert.ErrWebhookMethod},
		{name: "missing credentials", opts: []ilert.AlertWebhookOption{ilert.WithWebhookBasicAuth("ilert", "s3cret-pass")},
			method: "POST", body: acceptedBody, wantStatus: 401, wantErr: ilert.ErrWebhookUnauthorized},
		{name: "wrong password", opts: []ilert.AlertWebhookOption{ilert.WithWebhookBasicAuth("ilert", "s3cret-pass")},
			method: "POST", body: acceptedBody, header: basic("ilert", "s3cret-pasS"), wantStatus: 401, wantErr: ilert.ErrWebhookUnauthorized},
		{name: "wrong user", opts: []ilert.AlertWebhookOption{ilert.WithWebhookBasicAuth("ilert", "s3cret-pass")},
			method: "POST", body: acceptedBody, header: basic("ilert2", "s3cret-pass"), wantStatus: 401, wantErr: ilert.ErrWebhookUnauthorized},
		{name: "bearer instead of basic", opts: []ilert.AlertWebhookOption{ilert.WithWebhookBasicAuth("ilert", "s3cret-pass")},
			method: "POST", body: acceptedBody, header: http.Header{"Authorization": {"Bearer s3cret-pass"}}, wantStatus: 401, wantErr: ilert.ErrWebhookUnauthorized},
		{name: "right credentials", opts: []ilert.AlertWebhookOption{ilert.WithWebhookBasicAuth("ilert", "s3cret-pass")},
			method: "POST", body: acceptedBody, header: creds, wantStatus: 200, deliver: true},
		{name: "too large", opts: []ilert.AlertWebhookOption{ilert.WithWebhookMaxBodyBytes(16)},
			method: "POST", body: acceptedBody, wantStatus: 413, wantErr: ilert.ErrWebhookBodyTooLarge},
		{name: "bad JSON", method: "POST", body: `{"eventType":`, wantStatus: 400, wantErr: ilert.ErrInvalidAlertWebhook},
		{name: "no eventType", method: "POST", body: `{"id":"1"}`, wantStatus: 400, wantErr: ilert.ErrInvalidAlertWebhook},
		{name: "empty body", method: "POST", body: ``, wantStatus: 400, wantErr: ilert.ErrInvalidAlertWebhook},
		{name: "ignored type", method: "POST", body: `{"eventType":"alert-created"}`, wantStatus: 200, ignored: ilert.ErrIgnoredAlertEvent},
		{name: "unknown type", method: "POST", body: `{"eventType":"alert-snoozed"}`, wantStatus: 200, ignored: ilert.ErrUnknownAlertEvent},
		{name: "chosen types", opts: []ilert.AlertWebhookOption{ilert.WithWebhookEventTypes(ilert.AlertEventCreated)},
			method: "POST", body: `{"eventType":"alert-created"}`, wantStatus: 200, deliver: true},
		{name: "chosen types ignore the default ones", opts: []ilert.AlertWebhookOption{ilert.WithWebhookEventTypes(ilert.AlertEventCreated)},
			method: "POST", body: acceptedBody, wantStatus: 200, ignored: ilert.ErrIgnoredAlertEvent},
		{name: "permanent failure", method: "POST", body: acceptedBody, result: permanentErr{true},
			wantStatus: 422, wantErr: permanentErr{true}, deliver: true},
		{name: "Permanent() false is retryable", method: "POST", body: acceptedBody, result: permanentErr{false},
			wantStatus: 503, wantErr: permanentErr{false}, deliver: true},
		{name: "wrapped permanent", method: "POST", body: acceptedBody, result: errors.Join(errors.New("x"), permanentErr{true}),
			wantStatus: 422, deliver: true, wantErr: errors.New("any")},
		{name: "other failure", method: "POST", body: acceptedBody, result: errors.New("disk full"),
			wantStatus: 503, wantErr: errors.New("any"), deliver: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &recorder{result: tt.result}
			h := r.handler(t, tt.opts...)
			status, body, header := serve(h, tt.method, tt.body, tt.header)
			if status != tt.wantStatus {
				t.Fatalf("status %d (%q), want %d", status, body, tt.wantStatus)
			}
			if strings.Count(body, "\n") != 1 || !strings.HasSuffix(body, "\n") {
				t.Errorf("answer %q is not one line", body)
			}
			if strings.Contains(body, "disk full") || strings.Contains(body, "checkmk said no") {
				t.Errorf("answer %q leaks the delivery error", body)
			}
			if got := len(r.delivered) == 1; got != tt.deliver {
				t.Errorf("delivered %d webhooks, want delivery %v", len(r.delivered), tt.deliver)
			}
			switch {
			case tt.wantErr == nil && len(r.errs) > 0:
				t.Errorf("error hook called: %v", r.errs)
			case tt.wantErr != nil && len(r.errs) != 1:
				t.Errorf("error hook calls %v, want one", r.errs)
			case tt.wantErr != nil:
				if r.statuses[0] != tt.wantStatus {
					t.Errorf("hook status %d", r.statuses[0])
				}
				if tt.wantErr.Error() != "any" && !errors.Is(r.errs[0], tt.wantErr) {
					t.Errorf("hook error %v, want %v", r.errs[0], tt.wantErr)
				}
			}
			if tt.ignored != nil && (len(r.ignored) != 1 || !errors.Is(r.ignored[0], tt.ignored)) {
				t.Errorf("ignore hook %v, want %v", r.ignored, tt.ignored)
			}
			if tt.ignored == nil && len(r.ignored) != 0 {
				t.Errorf("ignore hook called: %v", r.ignored)
			}
			if status == 401 && !strings.HasPrefix(header.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("401 without a Basic challenge: %v", header)
			}
			if status == 405 && header.Get("Allow") != "POST" {
				t.Errorf("405 with Allow %q", header.Get("Allow"))
			}
			if status == 401 && strings.Contains(body, "s3cret") {
				t.Errorf("answer %q reveals the password", body)
			}
		})
	}
}

func TestAlertWebhookHandlerDeliversDecodedValue(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	h := r.handler(t)
	if status, body, _ := serve(h, "POST", string(readWebhook(t, "accepted-service.json")), nil); status != 200 {
		t.Fatalf("status %d %q", status, body)
	}
	w := r.delivered[0]
	if w.AlertKey != "prod/web01/Filesystem /var" || w.Who() != "Jane Doe" || w.EventType != ilert.AlertEventAcknowledged {
		t.Errorf("delivered %+v", w)
	}
}

func TestAlertWebhookHandlerContentLengthOverLimit(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	h := r.handler(t, ilert.WithWebhookMaxBodyBytes(10))
	req := httptest.NewRequest("POST", "/ilert", strings.NewReader(acceptedBody))
	req.ContentLength = int64(len(acceptedBody))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", rec.Code)
	}
}

func TestNewAlertWebhookHandlerRejects(t *testing.T) {
	t.Parallel()
	ok := func(context.Context, *ilert.AlertWebhook) error { return nil }
	for name, tt := range map[string]struct {
		fn   func(context.Context, *ilert.AlertWebhook) error
		opts []ilert.AlertWebhookOption
	}{
		"nil function":      {nil, nil},
		"empty password":    {ok, []ilert.AlertWebhookOption{ilert.WithWebhookBasicAuth("u", "")}},
		"empty user":        {ok, []ilert.AlertWebhookOption{ilert.WithWebhookBasicAuth("", "p")}},
		"zero body limit":   {ok, []ilert.AlertWebhookOption{ilert.WithWebhookMaxBodyBytes(0)}},
		"no event types":    {ok, []ilert.AlertWebhookOption{ilert.WithWebhookEventTypes()}},
		"unknown type":      {ok, []ilert.AlertWebhookOption{ilert.WithWebhookEventTypes("alert-snoozed")}},
		"nil error hook":    {ok, []ilert.AlertWebhookOption{ilert.WithWebhookErrorHook(nil)}},
		"nil ignore hook":   {ok, []ilert.AlertWebhookOption{ilert.WithWebhookIgnoreHook(nil)}},
		"two wrong options": {ok, []ilert.AlertWebhookOption{ilert.WithWebhookMaxBodyBytes(-1), ilert.WithWebhookEventTypes()}},
	} {
		if _, err := ilert.NewAlertWebhookHandler(tt.fn, tt.opts...); err == nil {
			t.Errorf("%s: NewAlertWebhookHandler succeeded", name)
		}
	}
	if _, err := ilert.NewAlertWebhookHandler(ok, nil); err != nil {
		t.Errorf("a nil option: %v", err)
	}
}

func TestAlertWebhookHandlerPassesRequestContext(t *testing.T) {
	t.Parallel()
	type key struct{}
	var got any
	h, err := ilert.NewAlertWebhookHandler(func(ctx context.Context, _ *ilert.AlertWebhook) error {
		got = ctx.Value(key{})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/", strings.NewReader(acceptedBody))
	req = req.WithContext(context.WithValue(req.Context(), key{}, "v"))
	h.ServeHTTP(httptest.NewRecorder(), req)
	if got != "v" {
		t.Errorf("context value %v", got)
	}
}

func TestDefaultAlertWebhookEventTypesIsACopy(t *testing.T) {
	t.Parallel()
	d := ilert.DefaultAlertWebhookEventTypes()
	d[0] = ilert.AlertEventCreated
	if got := ilert.DefaultAlertWebhookEventTypes()[0]; got != ilert.AlertEventAcknowledged {
		t.Errorf("changing the returned slice changed the default: %q", got)
	}
}
