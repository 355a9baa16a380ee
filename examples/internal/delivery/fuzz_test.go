package delivery_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/alertbridge/alertbridge/examples/internal/delivery"
)

// FuzzDecode checks (for every format version, the golden files as seeds) that Decode never panics, that what it accepts is valid and encodes
// again, and that the re-encoded request decodes to the same request (empty and absent
// lists and maps are the same on the wire).
func FuzzDecode(f *testing.F) {
	golden, _ := filepath.Glob("testdata/*.golden.*")
	for _, name := range golden {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"v":1,"sink":"ilert","ilert":{"apiKey":"k","incidentKey":"x","eventType":"ALERT"}}`))
	f.Add([]byte(`{"v":1,"sink":"alertops","alertopsURL":"u","alertops":{"EventKey":1}}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		r, err := delivery.Decode(payload)
		if err != nil {
			if !errors.Is(err, delivery.ErrInvalidRequest) {
				t.Fatalf("Decode error %v does not wrap ErrInvalidRequest", err)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("decoded request is invalid: %v", err)
		}
		again, err := r.Encode()
		if err != nil {
			return // e.g. a CustomDetails number JSON cannot re-encode; Decode accepted it
		}
		r2, err := delivery.Decode(again)
		if err != nil {
			t.Fatalf("re-encoded request does not decode: %v\n%s", err, again)
		}
		if diff := cmp.Diff(r, r2, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("decode(encode(r)) differs (-first +second):\n%s", diff)
		}
	})
}
