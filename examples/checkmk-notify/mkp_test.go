package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/mkp"
)

// unpackMKP reads a package file: its top-level entries (info, info.json, <part>.tar) and,
// per part, the files of its tar with their modes.
type unpackedFile struct {
	mode int64
	data []byte
}

func unpackMKP(t *testing.T, path string) (top []string, manifest map[string]any, parts map[string]map[string]unpackedFile) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	parts = map[string]map[string]unpackedFile{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		top = append(top, h.Name)
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case h.Name == "info.json":
			if err := json.Unmarshal(data, &manifest); err != nil {
				t.Fatalf("info.json: %v", err)
			}
		case strings.HasSuffix(h.Name, ".tar"):
			files := map[string]unpackedFile{}
			pr := tar.NewReader(bytes.NewReader(data))
			for {
				ph, err := pr.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", h.Name, err)
				}
				b, err := io.ReadAll(pr)
				if err != nil {
					t.Fatal(err)
				}
				files[ph.Name] = unpackedFile{mode: ph.Mode, data: b}
			}
			parts[strings.TrimSuffix(h.Name, ".tar")] = files
		}
	}
	return top, manifest, parts
}

// TestMkp builds the package from the test binary, as an administrator would on any
// machine, and checks every file of it; the packed binary is this very program.
func TestMkp(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "new", "dir") // made by mkp
	r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "mkp", "--out", out, "--version", "1.2.3-rc.1")
	path := filepath.Join(out, "alertbridge-1.2.3-rc.1.mkp")
	if r.code != 0 || !strings.Contains(r.out, "wrote "+path+" (") ||
		!strings.Contains(r.out, "mkp add '"+path+"'; mkp enable alertbridge 1.2.3-rc.1; omd reload apache") {
		t.Fatalf("exit %d; output:\n%s", r.code, r.out)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, out: 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v (%v), want mode %04o", p, fi.Mode().Perm(), err, want)
		}
	}
	top, manifest, parts := unpackMKP(t, path)
	if diff := cmp.Diff([]string{"info", "info.json", "bin.tar", "cmk_addons_plugins.tar", "lib.tar", "notifications.tar"}, top); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if manifest["name"] != "alertbridge" || manifest["version"] != "1.2.3-rc.1" || manifest["version.min_required"] != mkp.MinRequired {
		t.Errorf("manifest %v", manifest)
	}
	self, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	wrapper, err := mkp.SiteWrapperScript(mkp.WrapperTitle, mkp.SiteBinary)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]unpackedFile{
		"bin":                {"checkmk-notify": {0o700, self}},
		"notifications":      {"alertbridge": {0o700, []byte(wrapper)}},
		"lib":                {mkp.LegacyFormPath: {0o600, mkp.LegacyForm()}},
		"cmk_addons_plugins": {mkp.RulesetFormPath: {0o600, mkp.RulesetForm()}},
	}
	for part, files := range want {
		for name, w := range files {
			got, ok := parts[part][name]
			if !ok || got.mode != w.mode || !bytes.Equal(got.data, w.data) {
				t.Errorf("%s/%s: present %v, mode %04o (want %04o), content equal %v", part, name, ok, got.mode, w.mode, bytes.Equal(got.data, w.data))
			}
		}
		if len(parts[part]) != len(files) {
			t.Errorf("part %s holds %d files, want %d", part, len(parts[part]), len(files))
		}
	}

	// The packed binary is a working checkmk-notify.
	exe := filepath.Join(t.TempDir(), "checkmk-notify")
	if err := os.WriteFile(exe, parts["bin"]["checkmk-notify"].data, 0o700); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(exe, "version").CombinedOutput(); err != nil || !strings.HasPrefix(string(b), "checkmk-notify ") {
		t.Errorf("the packed binary: %v; %s", err, b)
	}

	// Building again replaces the file, and a symlink planted at its name is replaced
	// rather than written through.
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	if r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "mkp", "--out", out, "--version", "1.2.3-rc.1"); r.code != 0 {
		t.Fatalf("second build: exit %d; output:\n%s", r.code, r.out)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("the symlink's target was written")
	}
	if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("%s is not a regular file after the build (%v)", path, err)
	}
	if files, _ := filepath.Glob(filepath.Join(out, ".*")); len(files) != 0 {
		t.Errorf("temporary files left: %v", files)
	}
}

// TestMkpDryRun prints the manifest and the files, and writes nothing.
func TestMkpDryRun(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "mkp", "-n", "--version", "2.0.0", "--out", out)
	wrapper, err := mkp.SiteWrapperScript(mkp.WrapperTitle, mkp.SiteBinary)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Package file:                  alertbridge-2.0.0.mkp\n",
		"Required Checkmk Version:      2.3.0\n",
		"  bin (installed below $OMD_ROOT/local/bin/)\n    0700 ",
		"  checkmk-notify\n",
		fmt.Sprintf("    0700 %10d  alertbridge\n", len(wrapper)),
		"    0600      ", mkp.LegacyFormPath, mkp.RulesetFormPath,
		"dry run: would write " + filepath.Join(out, "alertbridge-2.0.0.mkp") + "\n",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	if entries, _ := os.ReadDir(out); r.code != 0 || len(entries) != 0 {
		t.Errorf("exit %d, %d files written", r.code, len(entries))
	}
}

// TestMkpVersion: a version that is not MAJOR.MINOR.PATCH[-pre] is refused, and so is the
// default when this binary has none (a build in a clone); the error says to pass
// --version.
func TestMkpVersion(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	for _, v := range []string{"1.2", "v1.2.3", "1.2.3+dirty", "01.2.3"} {
		r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "mkp", "--version", v, "--out", out)
		if r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, `mkp: --version "`+v+`" is not MAJOR.MINOR.PATCH[-pre] (`) {
			t.Errorf("--version %s: exit %d; output:\n%s", v, r.code, r.out)
		}
	}
	// The default: the test binary's own module version, as "version" reports it.
	ver := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "version").out
	r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "mkp", "--out", out)
	switch {
	case strings.HasPrefix(ver, "checkmk-notify devel"):
		if r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "built without a module version") || !strings.Contains(r.out, "pass --version") {
			t.Errorf("a devel build: exit %d; output:\n%s", r.code, r.out)
		}
	case r.code == 0:
		if files, _ := filepath.Glob(filepath.Join(out, "alertbridge-*.mkp")); len(files) != 1 {
			t.Errorf("version %s: %d packages written", ver, len(files))
		}
	default:
		if !strings.Contains(r.out, "pass --version") {
			t.Errorf("version %s: exit %d; output:\n%s", ver, r.code, r.out)
		}
	}
	if files, _ := filepath.Glob(filepath.Join(out, "*")); len(files) > 1 {
		t.Errorf("refused versions wrote files: %v", files)
	}
	if r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "flush", "--out", out); r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "flag --out is only for mkp") {
		t.Errorf("flush --out: exit %d; output:\n%s", r.code, r.out)
	}
}

func TestPackageVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flag, module string
		want         mkp.Version
		err          string
	}{
		{flag: "1.2.3", module: "(devel)", want: "1.2.3"},
		{flag: "1.2.3-rc.1", want: "1.2.3-rc.1"},
		{module: "v1.4.0", want: "1.4.0"},
		{module: "v0.0.0-20261202022719-28ef74b0d5e1", want: "0.0.0-20261202022719-28ef74b0d5e1"},
		{module: "(devel)", err: "built without a module version"},
		{module: "", err: "built without a module version"},
		{module: "v0.0.0-20261202022719-28ef74b0d5e1+dirty", err: `this binary's version "v0.0.0-20261202022719-28ef74b0d5e1+dirty" is not MAJOR.MINOR.PATCH[-pre] (build metadata`},
		{flag: "1.2", module: "v1.4.0", err: `--version "1.2" is not MAJOR.MINOR.PATCH[-pre] (it needs exactly three numbers`},
	}
	for _, tt := range tests {
		got, err := packageVersion(tt.flag, tt.module)
		if got != tt.want || (err != nil) != (tt.err != "") || (err != nil && (!strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "--version"))) {
			t.Errorf("packageVersion(%q, %q) = %q, %v; want %q, %q", tt.flag, tt.module, got, err, tt.want, tt.err)
		}
	}
}

// TestInstallForm writes the notification script and both form files into a site, with
// the modes Checkmk gives them, and says how to make the GUI load the form.
func TestInstallForm(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	env := []string{"PATH=/usr/bin:/bin", "OMD_ROOT=" + root}
	wrapperPath := filepath.Join(root, "local", "share", "check_mk", "notifications", "alertbridge")
	legacyPath := filepath.Join(root, "local", "lib", filepath.FromSlash(mkp.LegacyFormPath))
	rulesetPath := filepath.Join(root, "local", "lib", "python3", "cmk_addons", "plugins", filepath.FromSlash(mkp.RulesetFormPath))

	r := runBinary(t, env, "", "install", "--form", "-n")
	if r.code != 0 || strings.Count(r.out, "dry run: would write ") != 3 || !strings.Contains(r.out, legacyPath+" (mode 0600") {
		t.Errorf("install --form -n: exit %d; output:\n%s", r.code, r.out)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("the dry run wrote into the site")
	}

	r = runBinary(t, env, "", "install", "--form")
	if r.code != 0 || !strings.Contains(r.out, "run omd reload apache (as the site user) so that the GUI loads the form") {
		t.Fatalf("install --form: exit %d; output:\n%s", r.code, r.out)
	}
	bin, err := filepath.EvalSymlinks(binary)
	if err != nil {
		t.Fatal(err)
	}
	script, err := mkp.WrapperScript(mkp.WrapperTitle, bin)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]struct {
		mode os.FileMode
		data []byte
	}{
		wrapperPath: {0o700, []byte(script)},
		legacyPath:  {0o600, mkp.LegacyForm()},
		rulesetPath: {0o600, mkp.RulesetForm()},
	} {
		b, err := os.ReadFile(path)
		fi, serr := os.Stat(path)
		if err != nil || serr != nil || fi.Mode().Perm() != want.mode || !bytes.Equal(b, want.data) {
			t.Errorf("%s: %v %v; mode %v, want %04o; content as shipped: %v", path, err, serr, fi.Mode().Perm(), want.mode, bytes.Equal(b, want.data))
		}
		if !strings.Contains(r.out, "wrote "+path) {
			t.Errorf("output does not name %s:\n%s", path, r.out)
		}
	}
	if fi, err := os.Stat(filepath.Dir(rulesetPath)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("new directory %s: %v (%v), want 0700", filepath.Dir(rulesetPath), fi.Mode().Perm(), err)
	}

	// Again: the same files are fine. A form file with other content, or the extension
	// package's script, needs --force.
	if r := runBinary(t, env, "", "install", "--form"); r.code != 0 {
		t.Errorf("reinstall: exit %d; output:\n%s", r.code, r.out)
	}
	if err := os.WriteFile(legacyPath, []byte("# changed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runBinary(t, env, "", "install", "--form"); r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "exists with other content") {
		t.Errorf("over a changed form: exit %d; output:\n%s", r.code, r.out)
	}
	if b, _ := os.ReadFile(legacyPath); string(b) != "# changed\n" {
		t.Errorf("the changed form was replaced without --force")
	}
	pkgScript, _ := mkp.SiteWrapperScript(mkp.WrapperTitle, mkp.SiteBinary)
	if err := os.WriteFile(wrapperPath, []byte(pkgScript), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(legacyPath, mkp.LegacyForm(), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runBinary(t, env, "", "install"); r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "is the extension package's script") {
		t.Errorf("over the package's script: exit %d; output:\n%s", r.code, r.out)
	}
	if r := runBinary(t, env, "", "install", "--form", "--force"); r.code != 0 {
		t.Errorf("install --form --force: exit %d; output:\n%s", r.code, r.out)
	}

	// --form needs a site, and is for the method alertbridge only.
	if r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "install", "--form", "--dir", t.TempDir()); r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "OMD_ROOT is not set") {
		t.Errorf("--form without a site: exit %d; output:\n%s", r.code, r.out)
	}
	if r := runBinary(t, env, "", "install", "--form", "--name", "ilert"); r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, `--form writes the form of the method "alertbridge"`) {
		t.Errorf("--form --name ilert: exit %d; output:\n%s", r.code, r.out)
	}
}

// TestInstallForeignDirectory: install refuses a directory of another user, as when it
// runs as root with the site's OMD_ROOT: the site could not use what it writes.
func TestInstallForeignDirectory(t *testing.T) {
	t.Parallel()
	if os.Getuid() != 0 {
		t.Skip("needs root to give a directory to another user (CI runs as root)")
	}
	dir := t.TempDir()
	if err := os.Chown(dir, 65534, 65534); err != nil { // nobody
		t.Fatal(err)
	}
	r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "install", "--dir", filepath.Join(dir, "notifications"))
	if r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "belongs to uid 65534, not to you (uid 0): run install as the site user") {
		t.Errorf("exit %d; output:\n%s", r.code, r.out)
	}
	if _, err := os.Stat(filepath.Join(dir, "notifications")); !os.IsNotExist(err) {
		t.Errorf("install created %s (%v)", filepath.Join(dir, "notifications"), err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(dir, &st); err != nil || st.Uid != 65534 {
		t.Errorf("the directory changed owner")
	}
}
