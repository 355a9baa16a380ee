package testutil

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Update is the -update flag of every test binary that imports this package: when set,
// golden files are rewritten with what the test produced instead of being compared.
var Update = flag.Bool("update", false, "rewrite golden files under testdata/ with the current output")

// GoldenJSON compares got, a JSON document, with the golden file at path. It compares the
// parsed values, so formatting differences do not matter; with -update it writes got,
// indented, to path. A missing golden file fails the test and says how to create it.
func GoldenJSON(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		var buf bytes.Buffer
		if err := json.Indent(&buf, got, "", "  "); err != nil {
			t.Fatalf("golden %s: output is not JSON: %v\n%s", path, err, got)
		}
		buf.WriteByte('\n')
		WriteFile(t, path, buf.Bytes())
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run the test with -update to create it)", path, err)
	}
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("golden %s is not JSON: %v", path, err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("output for %s is not JSON: %v\n%s", path, err, got)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// GoldenText compares got with the golden file at path byte for byte; with -update it
// writes got to path.
func GoldenText(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		WriteFile(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run the test with -update to create it)", path, err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// WriteFile writes data to path, creating its directory.
func WriteFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// AssertNoSecret fails the test if s contains any of the non-empty secrets. what names s in
// the failure message (for example "error string" or "stdout").
func AssertNoSecret(t testing.TB, what, s string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if secret != "" && strings.Contains(s, secret) {
			t.Errorf("%s contains a secret (%d characters starting %.3q…):\n%s", what, len(secret), secret, s)
		}
	}
}
