package ilert_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/google/go-cmp/cmp"
)

func TestNormalizeSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		summary   string
		wantRunes int
		wantTrunc bool
	}{
		{"short ascii", "disk full", 9, false},
		{"exactly at the limit", strings.Repeat("a", ilert.MaxSummaryRunes), ilert.MaxSummaryRunes, false},
		{"ascii over", strings.Repeat("a", 2000), ilert.MaxSummaryRunes, true},
		{"CJK over", strings.Repeat("漢", 1500), ilert.MaxSummaryRunes, true},
		{"emoji over", strings.Repeat("🔥", 1025), ilert.MaxSummaryRunes, true},
		{"invalid UTF-8 replaced", "ok\xff\xfe", 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := ilert.Event{Summary: tt.summary}
			got, ts := in.Normalize()
			if !utf8.ValidString(got.Summary) {
				t.Errorf("summary is not valid UTF-8: %q", got.Summary)
			}
			if n := utf8.RuneCountInString(got.Summary); n != tt.wantRunes {
				t.Errorf("summary has %d runes, want %d", n, tt.wantRunes)
			}
			if tt.wantTrunc {
				if !strings.HasSuffix(got.Summary, "…") {
					t.Errorf("truncated summary does not end in an ellipsis: …%q", got.Summary[len(got.Summary)-8:])
				}
				want := []ilert.Truncation{{Field: "summary", From: utf8.RuneCountInString(tt.summary), To: ilert.MaxSummaryRunes, Unit: "runes"}}
				if diff := cmp.Diff(want, ts); diff != "" {
					t.Errorf("truncations mismatch (-want +got):\n%s", diff)
				}
			} else if len(ts) != 0 {
				t.Errorf("unexpected truncations %v", ts)
			}
			if in.Summary != tt.summary {
				t.Error("Normalize modified its receiver")
			}
		})
	}
}

func TestNormalizeDetailsAndComments(t *testing.T) {
	t.Parallel()
	// A 4-byte rune straddles the limit, so the cut must step back to a rune boundary.
	long := strings.Repeat("x", ilert.MaxDetailsBytes-5) + strings.Repeat("🔥", 10)
	comments := []ilert.Comment{{Content: "fine"}, {Content: long}}
	in := ilert.Event{Details: long, Comments: comments}
	got, ts := in.Normalize()
	for name, s := range map[string]string{"details": got.Details, "comment": got.Comments[1].Content} {
		if len(s) > ilert.MaxDetailsBytes || !utf8.ValidString(s) || !strings.HasSuffix(s, "…") {
			t.Errorf("%s: %d bytes, valid %v, want ≤ %d valid bytes ending in …", name, len(s), utf8.ValidString(s), ilert.MaxDetailsBytes)
		}
	}
	if comments[1].Content != long {
		t.Error("Normalize wrote into the caller's comments slice")
	}
	wantFields := []string{"details", "comments[1].content"}
	var gotFields []string
	for _, tr := range ts {
		gotFields = append(gotFields, tr.Field)
	}
	if diff := cmp.Diff(wantFields, gotFields); diff != "" {
		t.Errorf("truncated fields (-want +got):\n%s", diff)
	}
}

func TestNormalizeAlertKey(t *testing.T) {
	t.Parallel()
	short := "srv/mail01"
	long1 := strings.Repeat("host/service/", 30) + "one"
	long2 := strings.Repeat("host/service/", 30) + "two"
	norm := func(k string) (string, []ilert.Truncation) {
		e, ts := ilert.Event{AlertKey: k}.Normalize()
		return e.AlertKey, ts
	}
	if got, ts := norm(short); got != short || len(ts) != 0 {
		t.Errorf("short key changed: %q %v", got, ts)
	}
	at := strings.Repeat("k", ilert.MaxAlertKeyBytes)
	if got, _ := norm(at); got != at {
		t.Errorf("key at the limit changed")
	}
	h1, ts := norm(long1)
	h1again, _ := norm(long1)
	h2, _ := norm(long2)
	if h1 != h1again {
		t.Errorf("hashing is not stable: %q vs %q", h1, h1again)
	}
	if h1 == h2 {
		t.Errorf("different long keys collide: %q", h1)
	}
	if len(h1) > ilert.MaxAlertKeyBytes || !strings.HasPrefix(h1, "host/service/") || !strings.Contains(h1, "#") {
		t.Errorf("hashed key %q (%d bytes): want ≤ %d bytes, readable prefix, #hash", h1, len(h1), ilert.MaxAlertKeyBytes)
	}
	want := []ilert.Truncation{{Field: "alertKey", From: len(long1), To: len(h1), Unit: "bytes", Hashed: true}}
	if diff := cmp.Diff(want, ts); diff != "" {
		t.Errorf("truncations (-want +got):\n%s", diff)
	}
	if got := want[0].String(); got != "alertKey hashed from 393 to 255 bytes" {
		t.Errorf("Truncation.String() = %q", got)
	}
	// Multi-byte runes at the cut.
	h3, _ := norm(strings.Repeat("ü", 200))
	if !utf8.ValidString(h3) || len(h3) > ilert.MaxAlertKeyBytes {
		t.Errorf("hashed multi-byte key invalid: %q", h3)
	}
}
