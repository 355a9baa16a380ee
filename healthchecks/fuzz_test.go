package healthchecks

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary Check-Status values and bodies to Parse and the mappings.
// Invariants: no panic; errors are one of the package's sentinels and one line; a parsed
// notification is up or down, maps to JSON-encodable payloads with valid UTF-8 text and a
// key within MaxKeyBytes, and keeps only valid JSON in Extra.
func FuzzParse(f *testing.F) {
	for _, fx := range bodyFixtures {
		f.Add(string(fx.status), readFixture(f, fx.file))
	}
	f.Add("", []byte(`{"name": "n", "status": "down"}`))
	f.Add(" UP ", []byte(`{"name": 1, "tags": ["a"], "grace": "60", "update_url": "https://h/api/v3/checks/%ff"}`))
	f.Add("$status", []byte(`[]`))

	sentinels := []error{ErrEmptyBody, ErrMalformedBody, ErrNotCheck, ErrMissingStatus, ErrInvalidStatus}
	f.Fuzz(func(t *testing.T, status string, body []byte) {
		header := statusHeader(status)
		n, err := Parse(header, body, FallbackToBodyStatus())
		if err != nil {
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known {
				t.Fatalf("error %v wraps none of the package's errors", err)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error %q spans lines", err)
			}
			return
		}
		if n.Status != StatusUp && n.Status != StatusDown {
			t.Fatalf("status %q", n.Status)
		}
		for k, v := range n.Check.Extra {
			if !json.Valid(v) {
				t.Fatalf("Extra[%q] = %q is not JSON", k, v)
			}
		}
		e, err := ToILert(n)
		if err != nil {
			t.Fatalf("ToILert of a parsed notification: %v", err)
		}
		a, err := ToAlertOps(n)
		if err != nil {
			t.Fatalf("ToAlertOps of a parsed notification: %v", err)
		}
		for what, s := range map[string]string{"summary": e.Summary, "details": e.Details, "alert key": e.AlertKey, "host": a.Host} {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not valid UTF-8: %q", what, s)
			}
		}
		if e.AlertKey == "" || len(e.AlertKey) > MaxKeyBytes || e.AlertKey != a.EventKey {
			t.Fatalf("alert key %q, event key %q", e.AlertKey, a.EventKey)
		}
		if _, err := json.Marshal(e); err != nil {
			t.Fatal(err)
		}
		if _, err := json.Marshal(a); err != nil {
			t.Fatal(err)
		}
	})
}
