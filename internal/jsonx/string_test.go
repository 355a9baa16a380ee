package jsonx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// stdString is what encoding/json writes for s with HTML escaping off, without the
// encoder's trailing newline.
func stdString(t testing.TB, s string) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func TestAppendString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", `""`},
		{"plain", "host01/CPU load", `"host01/CPU load"`},
		{"quote and backslash", `say "hi" \ bye`, `"say \"hi\" \\ bye"`},
		{"named controls", "a\nb\rc\td\be\ff", `"a\nb\rc\td\be\ff"`},
		{"other controls", "\x00\x01\x1f\x7f", `"\u0000\u0001\u001f` + "\x7f" + `"`},
		{"html kept", "<b>&</b>", `"<b>&</b>"`},
		{"multi-byte kept", "é ✓ 𝄞", `"é ✓ 𝄞"`},
		{"line and paragraph separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`},
		{"invalid bytes", "ok\xff\xfeend", `"ok\ufffd\ufffdend"`},
		{"truncated rune at end", "x\xe2\x9c", `"x\ufffd\ufffd"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := string(AppendString(nil, tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("AppendString(%q) (-want +got):\n%s", tt.in, diff)
			}
			if std := stdString(t, tt.in); got != std {
				t.Errorf("AppendString(%q) = %s, encoding/json writes %s", tt.in, got, std)
			}
		})
	}
}

func TestAppendStringAppends(t *testing.T) {
	t.Parallel()
	got := string(AppendString([]byte(`{"k":`), "v"))
	if diff := cmp.Diff(`{"k":"v"`, got); diff != "" {
		t.Errorf("prefix not kept (-want +got):\n%s", diff)
	}
}

// FuzzAppendString checks AppendString against encoding/json byte for byte, and that the
// output decodes back to what encoding/json decodes its own output to.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r\x00\x1f\x7f\b\f",
		"é ✓ \u2028\u2029", "bad \xff\xfe utf-8", "$HOSTNAME$ <b>&</b>", "x\xe2\x9c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := AppendString(nil, s)
		if want := stdString(t, s); string(got) != want {
			t.Fatalf("AppendString(%q) = %s, encoding/json writes %s", s, got, want)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("AppendString(%q) = %s is not JSON: %v", s, got, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Errorf("valid string %q decodes back to %q", s, back)
		}
	})
}

func BenchmarkAppendString(b *testing.B) {
	in := strings.Repeat(`CPU load 4.2 "crit" on <web01>\n`, 8) + "é\u2028\xff"
	buf := make([]byte, 0, 2*len(in))
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		buf = AppendString(buf[:0], in)
	}
}

func BenchmarkAppendStringStdlib(b *testing.B) {
	in := strings.Repeat(`CPU load 4.2 "crit" on <web01>\n`, 8) + "é\u2028\xff"
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		_, _ = json.Marshal(in)
	}
}
