package mkp

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// python3 returns the path of python3 or fails the test: the manifest and form tests
// need it (.ci/run installs it; on a Checkmk host it is always there).
func python3(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("python3 is not on PATH; install it (for example apt-get install python3) to run the tests of the Checkmk manifest and forms: %v", err)
	}
	return p
}

// runPython runs python3 with args and stdin and returns its standard output.
func runPython(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python3(t), append([]string{"-B"}, args...)...)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "PYTHONIOENCODING=utf-8")
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("python3 %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// runPythonJSON runs python3 and decodes its standard output as JSON into v.
func runPythonJSON(t *testing.T, v any, stdin []byte, args ...string) {
	t.Helper()
	out := runPython(t, stdin, args...)
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("python3 %s printed no JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// entry is one member of a tar archive.
type entry struct {
	hdr  *tar.Header
	data []byte
}

func readTar(t *testing.T, r io.Reader) []entry {
	t.Helper()
	tr := tar.NewReader(r)
	var es []entry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return es
		}
		if err != nil {
			t.Fatalf("reading tar: %v", err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("reading %s: %v", h.Name, err)
		}
		es = append(es, entry{h, data})
	}
}

// unpack returns the members of an .mkp file (gzip tar).
func unpack(t *testing.T, mkp []byte) []entry {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(mkp))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	es := readTar(t, zr)
	if err := zr.Close(); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return es
}

func writePackage(t *testing.T, p *Package) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := p.Write(context.Background(), &b); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.Bytes()
}

// fakeBinary stands for the checkmk-notify binary: more than one tar block, not a
// multiple of 512.
var fakeBinary = bytes.Repeat([]byte("\x7fELF checkmk-notify "), 100)
