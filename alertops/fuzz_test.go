package alertops_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzUnmarshalAlert decodes arbitrary JSON into an Alert. Invariants: no panic; an
// alert that decodes also encodes, as valid JSON; encoding is a fixed point after one
// round (decode(encode(a)) encodes to the same bytes, and decodes to the same alert);
// Validate never panics and its errors wrap ErrInvalidAlert.
func FuzzUnmarshalAlert(f *testing.F) {
	if b, err := os.ReadFile("testdata/golden/seed-payload.golden.json"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `"x"`, `{"EventKey":1}`,
		`{"EventKey":"web01","Source":"Checkmk","Host":"web01","HostAddress":"10.0.0.7","Service":"","State":"DOWN",` +
			`"Severity":"critical","NotificationType":"PROBLEM","Summary":"web01 is DOWN","Message":"PING CRITICAL",` +
			`"Resolved":false,"Timestamp":"2026-04-07T16:59:32Z"}`,
		`{"Timestamp":"2026-04-07T18:59:32.123456789+02:00","Resolved":true}`,
		`{"Timestamp":"0000-01-01T00:00:00Z"}`, `{"Timestamp":"9999-12-31T23:59:59.999Z"}`,
		`{"Timestamp":"2026-04-07 16:59:32"}`, `{"Timestamp":null,"Severity":null}`,
		`{"eventkey":"x","EventKey":"y","Extra":{"a":[1,2.5e400,null,"\u2028"]}}`,
		`{"k\ud800":"lone surrogate","k\ufffd":2,"<&>":"html"}`,
		`{"Message":"line1\nline2\u0000\"q\""}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a alertops.Alert
		if err := json.Unmarshal(data, &a); err != nil {
			return
		}
		if err := a.Validate(); err != nil && !errorsIsInvalid(err) {
			t.Errorf("Validate error does not wrap ErrInvalidAlert: %v", err)
		}
		enc1, err := a.MarshalJSON()
		if err != nil {
			t.Fatalf("a decoded alert does not encode: %v\ninput %q", err, data)
		}
		if !json.Valid(enc1) {
			t.Fatalf("invalid JSON: %q", enc1)
		}
		var b alertops.Alert
		if err := json.Unmarshal(enc1, &b); err != nil {
			t.Fatalf("own output does not decode: %v\n%q", err, enc1)
		}
		enc2, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc1, enc2) {
			t.Fatalf("encoding is not stable:\n%q\n%q", enc1, enc2)
		}
		var c alertops.Alert
		if err := json.Unmarshal(enc2, &c); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(b, c, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("decoding is not stable (-first +second):\n%s", diff)
		}
	})
}

// errorsIsInvalid reports whether every joined problem wraps ErrInvalidAlert.
func errorsIsInvalid(err error) bool {
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) {
		return false
	}
	for _, e := range joined.Unwrap() {
		if !errors.Is(e, alertops.ErrInvalidAlert) {
			return false
		}
	}
	return true
}
