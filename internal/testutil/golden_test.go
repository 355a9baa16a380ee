package testutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// recorder captures failures instead of failing the real test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}

func TestGoldenJSONComparesParsedValues(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.golden.json")
	if err := os.WriteFile(path, []byte("{\n  \"a\": 1,\n  \"b\": [true]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &recorder{TB: t}
	GoldenJSON(r, path, []byte(`{"b":[true],"a":1}`))
	if r.failed {
		t.Error("equal JSON with other formatting was reported as different")
	}
	r = &recorder{TB: t}
	GoldenJSON(r, path, []byte(`{"b":[false],"a":1}`))
	if !r.failed {
		t.Error("different JSON was not reported")
	}
	r = &recorder{TB: t}
	GoldenJSON(r, filepath.Join(dir, "missing.json"), []byte(`{}`))
	if !r.failed {
		t.Error("a missing golden file was not reported")
	}
}

func TestAssertNoSecret(t *testing.T) {
	r := &recorder{TB: t}
	AssertNoSecret(r, "error", "post https://x/POSTAlert/[redacted]/CheckMK: 500", "k3y", "")
	if r.failed {
		t.Error("a clean string was reported")
	}
	r = &recorder{TB: t}
	AssertNoSecret(r, "error", "post https://x/POSTAlert/k3y/CheckMK: 500", "k3y")
	if !r.failed {
		t.Error("a leaked secret was not reported")
	}
}

func TestRejectionAndTemporary(t *testing.T) {
	t.Parallel()
	cause := errors.New("401")
	r, tmp := Rejection(cause), Temporary(cause)
	p, ok := errors.AsType[interface {
		error
		Permanent() bool
		Retryable() bool
	}](fmt.Errorf("send: %w", r))
	if !ok || !p.Permanent() || p.Retryable() || !errors.Is(r, cause) || r.Error() != "401" {
		t.Errorf("Rejection: %v", r)
	}
	q, ok := errors.AsType[interface {
		error
		Permanent() bool
		Retryable() bool
	}](tmp)
	if !ok || q.Permanent() || !q.Retryable() || !errors.Is(tmp, cause) {
		t.Errorf("Temporary: %v", tmp)
	}
}
