package mkp

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pformatScript reads a JSON list of manifests and prints pprint.pformat of each (with
// Checkmk's trailing newline), separated by NUL, and repr of each string of "strings".
const pformatScript = `
import json, pprint, sys
data = json.load(sys.stdin)
out = [pprint.pformat(m) + "\n" for m in data["manifests"]]
out += [repr(s) for s in data["strings"]]
sys.stdout.write("\0".join(out))
`

// trickyStrings exercise quoting, escapes, non-ASCII, line breaks and long words.
var trickyStrings = []string{
	"", "plain", "it's", `say "hi"`, `both ' and "`, "back\\slash", "tab\there",
	"line\nbreak", "cr\rlf\r\n", "\x00\x01\x1f\x7f", "Grüße – äöü €", "\u00a0nbsp", "\u200bzero width",
	"\u2028\u2029", "\U0001F600 emoji", "\x85next", "\ufeffbom", "\U000e0001tag",
	strings.Repeat("word ", 40), strings.Repeat("x", 200), "a\x1cb\x1dc",
	"first line\nsecond line that is rather long and goes on and on and on past the eighty column limit\n\nlast",
	"trailing spaces     ",
}

func TestPythonLiteralIsWhatPprintWrites(t *testing.T) {
	base := AlertbridgeManifest("1.2.3")
	base.Files = map[Part][]string{
		PartBin:              {BinaryPath},
		PartNotifications:    {WrapperName},
		PartLib:              {LegacyFormPath},
		PartCmkAddonsPlugins: {RulesetFormPath},
	}
	manifests := []Manifest{base}
	for _, s := range trickyStrings {
		m := base
		m.Description = s
		m.Title = "T " + s
		m.Author = s + s
		manifests = append(manifests, m)
	}
	short := base
	short.Description, short.Files = "d", map[Part][]string{PartBin: {"x"}}
	short.Title, short.Author, short.DownloadURL = "t", "a", "u"
	limited := base
	limited.VersionUsableUntil = "2.6.0"
	manifests = append(manifests, short, limited)

	var input struct {
		Manifests []json.RawMessage `json:"manifests"`
		Strings   []string          `json:"strings"`
	}
	for _, m := range manifests {
		input.Manifests = append(input.Manifests, m.JSON())
	}
	input.Strings = trickyStrings
	stdin, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(string(runPython(t, stdin, "-c", pformatScript)), "\x00")
	if len(got) != len(manifests)+len(trickyStrings) {
		t.Fatalf("python3 printed %d results, want %d", len(got), len(manifests)+len(trickyStrings))
	}
	for i, m := range manifests {
		if diff := cmp.Diff(got[i], string(m.PythonLiteral())); diff != "" {
			t.Errorf("manifest %d: info differs from pprint.pformat (-python +go):\n%s", i, diff)
		}
	}
	for i, s := range trickyStrings {
		if want, have := got[len(manifests)+i], pyStrRepr(s); want != have {
			t.Errorf("repr(%q) = %s, we wrote %s", s, want, have)
		}
	}
}

func TestManifestJSON(t *testing.T) {
	m := AlertbridgeManifest("1.2.3-rc.1")
	m.Files = map[Part][]string{PartNotifications: {WrapperName}, PartBin: {BinaryPath}}
	got := string(m.JSON())
	wantPrefix := `{"title":"alertbridge: iLert and AlertOps notifications that are never lost","name":"alertbridge","description":`
	if !strings.HasPrefix(got, wantPrefix) {
		t.Errorf("JSON starts %.120q, want %q", got, wantPrefix)
	}
	wantSuffix := `"version":"1.2.3-rc.1","version.packaged":"2.5.0b1","version.min_required":"2.3.0","version.usable_until":null,"author":"The alertbridge authors","download_url":"https://github.com/alertbridge/alertbridge","files":{"bin":["checkmk-notify"],"notifications":["alertbridge"]}}`
	if !strings.HasSuffix(got, wantSuffix) {
		t.Errorf("JSON ends %q, want %q", got[len(got)-len(wantSuffix):], wantSuffix)
	}
	var back map[string]any
	if err := json.Unmarshal(m.JSON(), &back); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if back["description"] != Description || back["version.usable_until"] != nil {
		t.Errorf("fields do not survive JSON: %v", back)
	}
}

func TestManifestValidate(t *testing.T) {
	good := AlertbridgeManifest("1.0.0")
	good.Files = map[Part][]string{PartBin: {"x"}}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid manifest: %v", err)
	}
	for name, change := range map[string]func(*Manifest){
		"no title":        func(m *Manifest) { m.Title = " " },
		"no author":       func(m *Manifest) { m.Author = "" },
		"no min_required": func(m *Manifest) { m.VersionMinRequired = "" },
		"no packaged":     func(m *Manifest) { m.VersionPackaged = "" },
		"no url":          func(m *Manifest) { m.DownloadURL = "" },
		"name digit":      func(m *Manifest) { m.Name = "1abc" },
		"name space":      func(m *Manifest) { m.Name = "a b" },
		"name empty":      func(m *Manifest) { m.Name = "" },
		"version":         func(m *Manifest) { m.Version = "1.0" },
		"utf8":            func(m *Manifest) { m.Description = "\xff" },
		"part":            func(m *Manifest) { m.Files = map[Part][]string{"nope": {"x"}} },
		"dotdot":          func(m *Manifest) { m.Files = map[Part][]string{PartBin: {"../x"}} },
		"absolute":        func(m *Manifest) { m.Files = map[Part][]string{PartBin: {"/x"}} },
		"space in path":   func(m *Manifest) { m.Files = map[Part][]string{PartBin: {"a b"}} },
		"long path":       func(m *Manifest) { m.Files = map[Part][]string{PartBin: {strings.Repeat("a", 101)}} },
	} {
		m := good
		change(&m)
		if err := m.Validate(); err == nil {
			t.Errorf("%s: Validate accepted it", name)
		}
	}
	if got := good.FileName(); got != "alertbridge-1.0.0.mkp" {
		t.Errorf("FileName = %q", got)
	}
}

func TestPartModes(t *testing.T) {
	for _, c := range []struct {
		part Part
		path string
		mode int
	}{
		{PartBin, "checkmk-notify", 0o700},
		{PartNotifications, "alertbridge", 0o700},
		{PartLib, LegacyFormPath, 0o600},
		{PartLib, "nagios/plugins/check_x", 0o700},
		{PartCmkAddonsPlugins, RulesetFormPath, 0o600},
		{PartCmkAddonsPlugins, "fam/libexec/agent", 0o700},
		{PartAgents, "x", 0o700},
		{PartAlertHandlers, "x", 0o700},
		{PartDoc, "x", 0o600},
	} {
		if got := c.part.Mode(c.path); int(got) != c.mode {
			t.Errorf("%s %s: mode %o, want %o", c.part, c.path, got, c.mode)
		}
	}
	for _, p := range parts {
		if !p.Valid() {
			t.Errorf("%s not valid", p)
		}
	}
	if Part("bins").Valid() {
		t.Error("an unknown part is valid")
	}
}
