package mkp

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func alertbridgePackage(t *testing.T, opts ...Option) *Package {
	t.Helper()
	p, err := Alertbridge(bytes.NewReader(fakeBinary), int64(len(fakeBinary)), "1.4.0-rc.2", opts...)
	if err != nil {
		t.Fatalf("Alertbridge: %v", err)
	}
	return p
}

func TestAlertbridgePackageContents(t *testing.T) {
	p := alertbridgePackage(t)
	if p.FileName() != "alertbridge-1.4.0-rc.2.mkp" {
		t.Errorf("FileName = %q", p.FileName())
	}
	mkp := writePackage(t, p)
	outer := unpack(t, mkp)

	var names []string
	for _, e := range outer {
		names = append(names, e.hdr.Name)
		if e.hdr.Typeflag != tar.TypeReg || e.hdr.Mode != 0o644 || e.hdr.Uid != 0 || e.hdr.Gid != 0 ||
			e.hdr.Uname != "" || e.hdr.Gname != "" || !e.hdr.ModTime.Equal(DefaultModTime()) {
			t.Errorf("%s: header %+v, want a regular file, mode 0644, owner 0, no names, the fixed time", e.hdr.Name, e.hdr)
		}
	}
	wantNames := []string{"info", "info.json", "bin.tar", "cmk_addons_plugins.tar", "lib.tar", "notifications.tar"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Fatalf("members (-want +got):\n%s", diff)
	}
	if !bytes.Equal(outer[0].data, p.Manifest().PythonLiteral()) || !bytes.Equal(outer[1].data, p.Manifest().JSON()) {
		t.Error("info or info.json is not the manifest")
	}

	script, err := SiteWrapperScript(WrapperTitle, SiteBinary)
	if err != nil {
		t.Fatal(err)
	}
	type file struct {
		Path string
		Mode int64
		Data string
	}
	want := map[string][]file{
		"bin.tar":                {{"checkmk-notify", 0o700, string(fakeBinary)}},
		"cmk_addons_plugins.tar": {{"alertbridge/rulesets/notification_parameters.py", 0o600, string(rulesetForm)}},
		"lib.tar":                {{"python3/cmk/gui/plugins/wato/alertbridge_notification_parameters.py", 0o600, string(legacyForm)}},
		"notifications.tar":      {{"alertbridge", 0o700, script}},
	}
	for _, e := range outer[2:] {
		if int64(len(e.data)) != e.hdr.Size || len(e.data)%512 != 0 {
			t.Errorf("%s: %d bytes, header says %d; a tar archive is whole blocks", e.hdr.Name, len(e.data), e.hdr.Size)
		}
		var got []file
		for _, f := range readTar(t, bytes.NewReader(e.data)) {
			if f.hdr.Typeflag != tar.TypeReg || f.hdr.Uid != 0 || !f.hdr.ModTime.Equal(DefaultModTime()) {
				t.Errorf("%s/%s: header %+v", e.hdr.Name, f.hdr.Name, f.hdr)
			}
			got = append(got, file{f.hdr.Name, f.hdr.Mode, string(f.data)})
		}
		if diff := cmp.Diff(want[e.hdr.Name], got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", e.hdr.Name, diff)
		}
	}

	m := p.Manifest()
	wantManifest := Manifest{
		Title:              "alertbridge: iLert and AlertOps notifications that are never lost",
		Name:               "alertbridge",
		Description:        Description,
		Version:            "1.4.0-rc.2",
		VersionPackaged:    "2.5.0b1",
		VersionMinRequired: "2.3.0",
		Author:             Author,
		DownloadURL:        "https://github.com/alertbridge/alertbridge",
		Files: map[Part][]string{
			PartBin:              {"checkmk-notify"},
			PartNotifications:    {"alertbridge"},
			PartLib:              {LegacyFormPath},
			PartCmkAddonsPlugins: {RulesetFormPath},
		},
	}
	if diff := cmp.Diff(wantManifest, m); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
	for _, s := range []string{"iLert", "AlertOps", "built-in iLert method", "AlertOps plug-in",
		"$OMD_ROOT/var/alertbridge/spool", "$OMD_ROOT/var/log/alertbridge.log", WrapperTitle} {
		if !strings.Contains(m.Description, s) {
			t.Errorf("the description does not mention %q", s)
		}
	}
}

// The manifest as Checkmk reads it: ast.literal_eval of info equals json.loads of
// info.json, and the fields Checkmk's Manifest model requires are there.
func TestInfoParsesAsPythonLiteralAndEqualsJSON(t *testing.T) {
	mkp := writePackage(t, alertbridgePackage(t))
	dir := t.TempDir()
	path := filepath.Join(dir, "alertbridge.mkp")
	if err := os.WriteFile(path, mkp, 0o600); err != nil {
		t.Fatal(err)
	}
	const script = `
import ast, json, sys, tarfile
with tarfile.open(sys.argv[1], "r:gz") as tar:
    info = ast.literal_eval(tar.extractfile("info").read().decode())
    as_json = json.loads(tar.extractfile("info.json").read().decode())
    members = [m.name for m in tar.getmembers()]
print(json.dumps({"equal": info == as_json, "info": info, "members": members}))
`
	var got struct {
		Equal   bool           `json:"equal"`
		Info    map[string]any `json:"info"`
		Members []string       `json:"members"`
	}
	runPythonJSON(t, &got, nil, "-c", script, path)
	if !got.Equal {
		t.Error("ast.literal_eval(info) != json.loads(info.json)")
	}
	for _, k := range []string{"title", "name", "description", "version", "version.packaged",
		"version.min_required", "version.usable_until", "author", "download_url", "files"} {
		if _, ok := got.Info[k]; !ok {
			t.Errorf("info lacks %q", k)
		}
	}
	if got.Info["version.usable_until"] != nil || got.Info["version.min_required"] != "2.3.0" {
		t.Errorf("info: %v", got.Info)
	}
	if diff := cmp.Diff([]string{"info", "info.json", "bin.tar", "cmk_addons_plugins.tar", "lib.tar", "notifications.tar"}, got.Members); diff != "" {
		t.Errorf("Python's tarfile sees (-want +got):\n%s", diff)
	}
}

func TestWriteIsReproducible(t *testing.T) {
	a := writePackage(t, alertbridgePackage(t))
	b := writePackage(t, alertbridgePackage(t))
	if !bytes.Equal(a, b) {
		t.Error("two builds of the same package differ")
	}
	other := writePackage(t, alertbridgePackage(t, WithModTime(time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC))))
	if bytes.Equal(a, other) {
		t.Error("WithModTime changed nothing")
	}
	for _, e := range unpack(t, other) {
		if !e.hdr.ModTime.Equal(time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)) {
			t.Errorf("%s: time %v", e.hdr.Name, e.hdr.ModTime)
		}
	}
	if _, err := Alertbridge(bytes.NewReader(fakeBinary), 1, "1.0.0", WithModTime(time.Unix(0, 0))); err == nil {
		t.Error("WithModTime accepted the epoch")
	}
}

func TestWriteStopsWhenContextIsDone(t *testing.T) {
	p := alertbridgePackage(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Write(ctx, &bytes.Buffer{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Write with a cancelled context: %v", err)
	}
}

func TestWriteNoticesAShortBinary(t *testing.T) {
	p, err := Alertbridge(bytes.NewReader(fakeBinary[:100]), int64(len(fakeBinary)), "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	err = p.Write(context.Background(), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "checkmk-notify") {
		t.Errorf("Write with a binary shorter than its size: %v", err)
	}
}

func TestNewRejects(t *testing.T) {
	m := AlertbridgeManifest("1.0.0")
	ok := BytesFile(PartBin, "x", []byte("x"))
	for name, files := range map[string][]File{
		"no files":  nil,
		"bad part":  {BytesFile("nope", "x", nil)},
		"bad path":  {BytesFile(PartBin, "../x", nil)},
		"twice":     {ok, ok},
		"no body":   {{Part: PartBin, Path: "y", Size: 1}},
		"neg. size": {{Part: PartBin, Path: "y", Size: -1, Body: bytes.NewReader(nil)}},
	} {
		if _, err := New(m, files); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
	bad := m
	bad.Version = "1.0"
	if _, err := New(bad, []File{ok}); err == nil {
		t.Error("New accepted a bad version")
	}
	if _, err := Alertbridge(nil, 0, "1.0.0"); err == nil {
		t.Error("Alertbridge accepted no binary")
	}
	if _, err := Alertbridge(bytes.NewReader(fakeBinary), 10, "1.0"); err == nil {
		t.Error("Alertbridge accepted a bad version")
	}
}

func TestFilesAndManifestAreCopies(t *testing.T) {
	p := alertbridgePackage(t)
	p.Files()[0].Path = "changed"
	p.Manifest().Files[PartBin][0] = "changed"
	if p.Files()[0].Path == "changed" || p.Manifest().Files[PartBin][0] == "changed" {
		t.Error("a caller changed the package through a returned value")
	}
}

// Checkmk installs a part with "tar xf - --touch -C <dir> <files of the manifest>"
// (cmk/mkp_tool/_mkp.py, _extract_tar); GNU tar must find every listed file.
func TestPartsExtractWithGNUTar(t *testing.T) {
	tarBin, err := exec.LookPath("tar")
	if err != nil {
		t.Fatalf("tar is not on PATH: %v", err)
	}
	p := alertbridgePackage(t)
	m := p.Manifest()
	for _, e := range unpack(t, writePackage(t, p))[2:] {
		part := Part(strings.TrimSuffix(e.hdr.Name, ".tar"))
		dir := t.TempDir()
		cmd := exec.Command(tarBin, append([]string{"xf", "-", "--touch", "-C", dir}, m.Files[part]...)...)
		cmd.Stdin = bytes.NewReader(e.data)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: tar: %v\n%s", e.hdr.Name, err, out)
		}
		for _, f := range p.Files() {
			if f.Part != part {
				continue
			}
			got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
			if err != nil {
				t.Errorf("%s: %v", f.Path, err)
				continue
			}
			want := make([]byte, f.Size)
			if _, err := f.Body.ReadAt(want, 0); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s/%s: extracted content differs", part, f.Path)
			}
		}
	}
}
