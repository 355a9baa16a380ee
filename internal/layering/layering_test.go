package layering

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// imports lists, for every package of the module, what it imports: all of its
// dependencies (go list -deps) and the direct imports of its tests.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	touchSources(t)
	cmd := exec.Command("go", "list", "-f",
		"{{.ImportPath}} {{join .Deps \" \"}} {{join .TestImports \" \"}} {{join .XTestImports \" \"}}",
		Module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 {
			pkgs[f[0]] = f[1:]
		}
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list named only %d packages:\n%s", len(pkgs), out)
	}
	return pkgs
}

// touchSources reads the metadata of every directory and Go file of the module. go test
// caches a passing result until a file the test looked at changes; go list runs in a child
// process, which it does not watch, so without this an upward import added later could
// hide behind a cached pass.
func touchSources(t *testing.T) {
	t.Helper()
	err := filepath.WalkDir(filepath.Join("..", ".."), func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != filepath.Join("..", ".."):
			return filepath.SkipDir
		case d.IsDir(), strings.HasSuffix(path, ".go"):
			_, err := os.Stat(path)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestImportsRunOneWay fails for every import that goes up a floor, or from one sink to
// another, and for packages in a top-level directory the floors do not name.
func TestImportsRunOneWay(t *testing.T) {
	for pkg, deps := range imports(t) {
		root, floor, _ := FloorOf(pkg)
		if !floor.Valid() {
			t.Errorf("%s: top-level directory %q has no floor; add it to roots", pkg, root)
			continue
		}
		for _, dep := range deps {
			if !Allowed(pkg, dep) {
				_, depFloor, _ := FloorOf(dep)
				t.Errorf("%s (%s) imports %s (%s): imports run programs → sources → sinks → internal",
					pkg, floor, dep, depFloor)
			}
		}
	}
}

// TestAllowed checks the rule itself on the imports it must refuse and accept.
func TestAllowed(t *testing.T) {
	tests := []struct {
		pkg, dep string
		want     bool
	}{
		{"internal/spool", "ilert", false},
		{"internal/httpx", "checkmk", false},
		{"internal/spool", "examples/internal/delivery", false},
		{"internal/httpx", "internal/redact", true},
		{"ilert", "checkmk", false},
		{"ilert", "alertops", false},
		{"ilert", "examples/webhook-relay", false},
		{"ilert/ilerttest", "ilert", true},
		{"ilert", "internal/httpx", true},
		{"checkmk", "examples/internal/delivery", false},
		{"checkmk", "ilert", true},
		{"level", "internal/jsonx", true},
		{"examples/checkmk-notify", "checkmk", true},
		{"examples/internal/delivery", "ilert", true},
		{"alertops", "internal/httpx", true},
		{"healthchecks", "level", false}, // sources stand side by side
		{"examples/webhook-relay", "internal/spool", true},
	}
	for _, tt := range tests {
		if got := Allowed(Module+"/"+tt.pkg, Module+"/"+tt.dep); got != tt.want {
			t.Errorf("%s importing %s: allowed = %t, want %t", tt.pkg, tt.dep, got, tt.want)
		}
	}
	if _, _, ok := FloorOf("net/http"); ok {
		t.Error("net/http placed inside the module")
	}
	if !Allowed(Module+"/ilert", "net/http") {
		t.Error("a sink may not import the standard library")
	}
	if Allowed(Module+"/newtree", Module+"/internal/httpx") || Allowed(Module+"/internal/httpx", Module+"/newtree") {
		t.Error("a top-level directory without a floor is allowed to import or be imported")
	}
}
