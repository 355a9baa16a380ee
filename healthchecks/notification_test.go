package healthchecks

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

func TestParseStatus(t *testing.T) {
	t.Parallel()
	down := `{"name": "n", "status": "down"}`
	up := `{"name": "n", "status": "up"}`
	tests := []struct {
		name     string
		header   http.Header
		body     string
		opts     []ParseOption
		want     Status
		fromBody bool
		wantErr  error
		errHas   string
	}{
		{name: "header down", header: statusHeader("down"), body: up, want: StatusDown},
		{name: "header up beats body down", header: statusHeader("up"), body: down, want: StatusUp},
		{name: "header trimmed and any case", header: statusHeader("  DOWN "), body: up, want: StatusDown},
		{name: "header map built by hand in lower case", header: http.Header{"check-status": {"up"}}, body: down, want: StatusUp},
		{name: "header wins over fallback", header: statusHeader("up"), body: down, opts: []ParseOption{FallbackToBodyStatus()}, want: StatusUp},
		{name: "missing header", header: http.Header{}, body: down, wantErr: ErrMissingStatus, errHas: `"Check-Status: $STATUS"`},
		{name: "empty header", header: statusHeader(" "), body: down, wantErr: ErrMissingStatus},
		{name: "nil header", header: nil, body: down, wantErr: ErrMissingStatus},
		{name: "fallback down", header: http.Header{}, body: down, opts: []ParseOption{FallbackToBodyStatus()}, want: StatusDown, fromBody: true},
		{name: "fallback up in capitals", header: http.Header{}, body: `{"name": "n", "status": " UP"}`, opts: []ParseOption{FallbackToBodyStatus()}, want: StatusUp, fromBody: true},
		{name: "fallback cannot use paused", header: http.Header{}, body: `{"name": "n", "status": "paused"}`, opts: []ParseOption{FallbackToBodyStatus()}, wantErr: ErrMissingStatus, errHas: `"paused"`},
		{name: "fallback without body status", header: http.Header{}, body: `{"name": "n"}`, opts: []ParseOption{FallbackToBodyStatus()}, wantErr: ErrMissingStatus},
		{name: "grace is not a flip", header: statusHeader("grace"), body: down, wantErr: ErrInvalidStatus, errHas: `got "grace"`},
		{name: "placeholder not expanded", header: statusHeader("$status"), body: down, wantErr: ErrInvalidStatus, errHas: "in capitals"},
		{name: "long value cut", header: statusHeader(strings.Repeat("x", 500)), body: down, wantErr: ErrInvalidStatus, errHas: `xxx"…`},
		{name: "bad header wins over fallback", header: statusHeader("1"), body: down, opts: []ParseOption{FallbackToBodyStatus()}, wantErr: ErrInvalidStatus},
		{name: "bad body with good header", header: statusHeader("down"), body: `{"slug": "s"}`, wantErr: ErrNotCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := Parse(tt.header, []byte(tt.body), tt.opts...)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("error %q does not contain %q", err, tt.errHas)
				}
				if strings.ContainsAny(err.Error(), "\r\n") {
					t.Errorf("error %q spans lines", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n.Status != tt.want || n.StatusFromBody != tt.fromBody {
				t.Errorf("status %q from body %v, want %q from body %v", n.Status, n.StatusFromBody, tt.want, tt.fromBody)
			}
			if !n.Received.IsZero() {
				t.Errorf("Received = %v, want zero from Parse", n.Received)
			}
		})
	}
}

func TestParseDoesNotKeepBody(t *testing.T) {
	t.Parallel()
	body := []byte(`{"name": "n", "new": [1]}`)
	n, err := Parse(statusHeader("down"), body)
	if err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = ' '
	}
	if got := string(n.Check.Extra["new"]); got != "[1]" || n.Check.Name != "n" {
		t.Errorf("after overwriting the body: name %q, Extra[new] %q", n.Check.Name, got)
	}
}

func TestPermanent(t *testing.T) {
	t.Parallel()
	cause := errors.New("invalid integration key")
	err := Permanent(cause)
	if !httpx.IsPermanent(err) || !errors.Is(err, cause) || err.Error() != cause.Error() {
		t.Errorf("Permanent(cause) = %v: IsPermanent %v, Is(cause) %v", err, httpx.IsPermanent(err), errors.Is(err, cause))
	}
	if httpx.IsPermanent(cause) || httpx.IsPermanent(nil) || Permanent(nil) != nil {
		t.Error("a plain error, nil or Permanent(nil) was reported as permanent")
	}
}
