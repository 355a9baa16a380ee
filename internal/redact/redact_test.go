package redact

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedactorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"no secrets", nil, "plain text", "plain text"},
		{"empty secret ignored", []string{""}, "plain text", "plain text"},
		{"one secret", []string{"k3y"}, "key k3y in text k3y", "key [redacted] in text [redacted]"},
		{"path escaped", []string{"a b/c"}, "https://x/events/a%20b%2Fc", "https://x/events/[redacted]"},
		{"query escaped", []string{"a b&c"}, "?key=a+b%26c", "?key=[redacted]"},
		{"json escaped", []string{`k"<y`}, `{"integrationKey":"k\"\u003cy"}`, `{"integrationKey":"[redacted]"}`},
		{"longest first", []string{"abc", "abcdef"}, "abcdef abc", "[redacted] [redacted]"},
		{"utf-8 secret", []string{"schlüssel"}, "x schlüssel y", "x [redacted] y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := New(tt.secrets...).String(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("String(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestNilRedactor(t *testing.T) {
	t.Parallel()
	var r *Redactor
	if got := r.String("k3y"); got != "k3y" {
		t.Errorf("nil Redactor changed the string: %q", got)
	}
	u, _ := url.Parse("http://user:pw@proxy:3128/x")
	if got, want := r.URL(u), "http://%5Bredacted%5D@proxy:3128/x"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	if got := r.With("k3y").String("a k3y"); got != "a [redacted]" {
		t.Errorf("nil.With did not add the secret: %q", got)
	}
}

func TestRedactorWith(t *testing.T) {
	t.Parallel()
	base := New("token")
	both := base.With("k3y")
	if got, want := both.String("token k3y"), "[redacted] [redacted]"; got != want {
		t.Errorf("With: %q, want %q", got, want)
	}
	if got, want := base.String("token k3y"), "[redacted] k3y"; got != want {
		t.Errorf("With changed the receiver: %q, want %q", got, want)
	}
}

func TestRedactorURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{"key in path", "https://api.ilert.com/api/v1/events/checkmk-ext/k3y", "https://api.ilert.com/api/v1/events/checkmk-ext/[redacted]"},
		{"key in query", "https://x/hb?key=k3y", "https://x/hb?key=[redacted]"},
		{"password", "http://bob:pw@proxy:8080", "http://%5Bredacted%5D@proxy:8080"},
		{"unparsable keeps redacting", "http://[::1%zz/k3y", "http://[::1%zz/[redacted]"},
	}
	r := New("k3y")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, r.RawURL(tt.raw)); diff != "" {
				t.Errorf("RawURL(%q) mismatch (-want +got):\n%s", tt.raw, diff)
			}
		})
	}
	if got := r.URL(nil); got != "" {
		t.Errorf("URL(nil) = %q, want empty", got)
	}
}

func TestRedactorError(t *testing.T) {
	t.Parallel()
	r := New("k3y")
	if r.Error(nil) != nil {
		t.Fatal("Error(nil) is not nil")
	}

	ue := &url.Error{Op: "Post", URL: "https://bob:pw@x/events/checkmk-ext/k3y", Err: context.Canceled}
	err := r.Error(ue)
	if got, want := err.Error(), `Post "https://%5Bredacted%5D@x/events/checkmk-ext/[redacted]": context canceled`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, context.Canceled) {
		t.Error("errors.Is(err, context.Canceled) = false after redaction")
	}
	var got *url.Error
	if !errors.As(err, &got) {
		t.Fatal("errors.As(*url.Error) failed after redaction")
	}
	if got.URL == ue.URL {
		t.Errorf("the *url.Error in the chain still has the secret URL %q", got.URL)
	}
	if ue.URL != "https://bob:pw@x/events/checkmk-ext/k3y" {
		t.Error("the caller's *url.Error was modified")
	}

	wrapped := fmt.Errorf("send: key k3y rejected: %w", context.DeadlineExceeded)
	err = r.Error(wrapped)
	if got, want := err.Error(), "send: key [redacted] rejected: context deadline exceeded"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("errors.Is lost the wrapped cause")
	}

	clean := errors.New("nothing secret")
	if r.Error(clean) != clean {
		t.Error("an error without secrets was wrapped needlessly")
	}
}

func TestPathSegment(t *testing.T) {
	t.Parallel()
	u, err := url.Parse("https://notify.alertops.com/POSTAlert/a%2Fb%20c/CheckMK")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		i      int
		want   string
		wantOK bool
	}{
		{0, "POSTAlert", true},
		{1, "a/b c", true},
		{-1, "CheckMK", true},
		{-2, "a/b c", true},
		{3, "", false},
		{-4, "", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.i), func(t *testing.T) {
			t.Parallel()
			got, ok := PathSegment(u, tt.i)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("PathSegment(%d) = %q, %v; want %q, %v", tt.i, got, ok, tt.want, tt.wantOK)
			}
		})
	}
	if _, ok := PathSegment(nil, 0); ok {
		t.Error("PathSegment(nil) reported a segment")
	}
	root, _ := url.Parse("https://x/")
	if _, ok := PathSegment(root, 0); ok {
		t.Error("PathSegment of / reported a segment")
	}
}

func TestRedactorBody(t *testing.T) {
	t.Parallel()
	const key = "il1apiSECRET42"
	r := New(key)
	tests := []struct {
		name     string
		body     string
		partial  bool
		limit    int
		want     string
		wantCut  bool
		redactor *Redactor
	}{
		{"whole body", "bad key " + key, false, 100, "bad key [redacted]", false, r},
		{"redacted before the cut", "xxxxx" + key + "yyyy", false, 9, "xxxxx[red", true, r},
		{"cut on a rune boundary", "aé" + key, false, 2, "a", true, r},
		{"invalid UTF-8 replaced", "a\xffb", false, 100, "a\uFFFDb", false, r},
		// The read stopped inside the key: its start cannot be recognised, so the tail that
		// could hold it (the longest form of the key) is dropped.
		{"partial read ending in a key prefix", "abcdefghijklmnopqrstuvwxyz" + key[:6], true, 100, "abcdefghijklmnopqr", true, r},
		{"partial read shorter than a key", key[:6], true, 100, "", true, r},
		{"no secrets: partial read kept", "abc", true, 100, "abc", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, cut := tt.redactor.Body([]byte(tt.body), tt.partial, tt.limit)
			if got != tt.want || cut != tt.wantCut {
				t.Errorf("Body(%q, %v, %d) = %q, %v; want %q, %v", tt.body, tt.partial, tt.limit, got, cut, tt.want, tt.wantCut)
			}
			for i := 3; i <= len(key); i++ {
				if tt.redactor != nil && strings.Contains(got, key[:i]) {
					t.Errorf("Body kept a %d-byte prefix of the key: %q", i, got)
					break
				}
			}
		})
	}
}
