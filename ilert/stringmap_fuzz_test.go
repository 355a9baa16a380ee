package ilert_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/alertbridge/alertbridge/ilert"
)

// FuzzCheckmkBody: the checkmk-ext body, encoded without reflection, is what encoding/json
// writes for the map with HTML escaping off, byte for byte, and decodes to the same map (keys that are not UTF-8 are
// replaced, as encoding/json replaces them).
func FuzzCheckmkBody(f *testing.F) {
	f.Add("HOSTNAME", "web01", "SERVICEOUTPUT", "CRIT - <b>disk</b> & more\n\x01\xff")
	f.Add("", "", "LONG\u2028", "\"quoted\"\\")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		m := map[string]string{k1: v1, k2: v2}
		got := ilert.AppendStringMap(nil, m)
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(m); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Fatalf("body %s, encoding/json %s", got, want.Bytes())
		}
		var back map[string]string
		if err := json.Unmarshal(got, &back); err != nil || (utf8.ValidString(k1) && utf8.ValidString(k2) && len(back) != len(m)) {
			t.Fatalf("body %s does not decode to the map: %v", got, err)
		}
	})
}
