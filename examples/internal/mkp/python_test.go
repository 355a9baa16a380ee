package mkp

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

// writeForms writes both forms to a temporary directory and returns their paths.
func writeForms(t *testing.T) (legacy, ruleset string) {
	t.Helper()
	dir := t.TempDir()
	legacy = filepath.Join(dir, "alertbridge_notification_parameters.py")
	ruleset = filepath.Join(dir, "notification_parameters.py")
	for path, src := range map[string][]byte{legacy: LegacyForm(), ruleset: RulesetForm()} {
		if err := os.WriteFile(path, src, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return legacy, ruleset
}

func TestFormsCompile(t *testing.T) {
	legacy, ruleset := writeForms(t)
	dir := t.TempDir()
	const script = `
import py_compile, sys
for i, path in enumerate(sys.argv[1:-1]):
    py_compile.compile(path, cfile="%s/%d.pyc" % (sys.argv[-1], i), doraise=True)
print("compiled")
`
	if out := runPython(t, nil, "-c", script, legacy, ruleset, dir); strings.TrimSpace(string(out)) != "compiled" {
		t.Errorf("py_compile: %s", out)
	}
}

// legacyResult is what harness.py reports about the 2.3/2.4 GUI plug-in.
type legacyResult struct {
	Registered   []string               `json:"registered"`
	RequiredKeys []string               `json:"required_keys"`
	Order        []string               `json:"order"`
	Fields       map[string]legacyField `json:"fields"`
	Validate     map[string]string      `json:"validate"`
}

type legacyField struct {
	Type     string                 `json:"type"`
	Title    string                 `json:"title"`
	Help     string                 `json:"help"`
	Choices  []any                  `json:"choices"`
	Elements map[string]legacyField `json:"elements"`
	Default  any                    `json:"default"`
}

func runLegacy(t *testing.T, version, layout string) legacyResult {
	t.Helper()
	legacy, _ := writeForms(t)
	var r legacyResult
	runPythonJSON(t, &r, nil, "testdata/harness.py", "legacy", "testdata/standins", legacy, version, layout)
	return r
}

func TestLegacyFormRegistersOn23And24(t *testing.T) {
	for _, c := range []struct{ version, layout string }{
		{"2.3.0p27", "utils"}, // 2.3: cmk.utils.version
		{"2.4.0p16", "ccc"},   // 2.4: cmk.ccc.version
		{"2.4.0b1", "ccc"},
		{"", "none"}, // version unknown: register rather than leave the method without a form
	} {
		t.Run(c.version+"-"+c.layout, func(t *testing.T) {
			r := runLegacy(t, c.version, c.layout)
			if diff := cmp.Diff([]string{"alertbridge"}, r.Registered); diff != "" {
				t.Fatalf("registered (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(FormKeys(), r.Order); diff != "" {
				t.Errorf("field order (-want +got):\n%s", diff)
			}
			keys := mapKeys(r.Fields)
			if diff := cmp.Diff(sorted(FormKeys()), keys); diff != "" {
				t.Errorf("form keys (-want +got):\n%s", diff)
			}
			for key, f := range r.Fields {
				checkLegacyHelp(t, key, f)
			}
			if diff := cmp.Diff(TimeoutKeys(), keysInOrder(r.Fields["timeout"].Elements, TimeoutKeys())); diff != "" {
				t.Errorf("timeout keys (-want +got):\n%s", diff)
			}
			if len(r.RequiredKeys) != 0 {
				t.Errorf("required keys %v: every field is optional, the validator asks for a destination", r.RequiredKeys)
			}
			want := map[string]string{
				"empty":          "rejected: Configure at least one destination: an iLert API key or an AlertOps webhook URL.",
				"ilert":          "ok",
				"alertops_store": "ok",
				"defaults":       "ok",
				"bad_mode":       "rejected: not a choice",
				"bad_prefix":     "rejected: Give an http or https URL such as https://host/site/check_mk/.",
			}
			if diff := cmp.Diff(want, r.Validate); diff != "" {
				t.Errorf("validation (-want +got):\n%s", diff)
			}
			for key, want := range map[string]legacyField{
				"ilert_api_key":        {Type: "CascadingDropdown", Choices: []any{"ilert_api_key", "store"}},
				"alertops_webhook_url": {Type: "CascadingDropdown", Choices: []any{"alertops_webhook_url", "store"}},
				"ilert_mode":           {Type: "DropdownChoice", Choices: []any{"checkmk", "events", "nagios"}, Default: "checkmk"},
				"ilert_priority":       {Type: "DropdownChoice", Choices: []any{"HIGH", "LOW"}, Default: "HIGH"},
				"url_prefix":           {Type: "CascadingDropdown", Choices: []any{"automatic_http", "automatic_https", "manual"}, Default: []any{"automatic_https", nil}},
				"proxy_url":            {Type: "CascadingDropdown", Choices: []any{"environment", "no_proxy", "global", "url"}, Default: []any{"environment", "environment"}},
				"ignore_ssl":           {Type: "FixedValue", Default: true},
				"spool":                {Type: "Checkbox", Default: true},
				"retrier":              {Type: "Checkbox", Default: true},
				"max_age":              {Type: "Age", Default: float64(604800)},
				"ilert_rate":           {Type: "Integer", Default: float64(50)},
				"timeout":              {Type: "Dictionary"},
			} {
				got := r.Fields[key]
				got.Title, got.Help, got.Elements = "", "", nil
				if want.Default == nil && want.Type != "Dictionary" {
					got.Default = nil
				}
				if want.Type == "Dictionary" {
					got.Default = nil
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", key, diff)
				}
			}
		})
	}
}

func TestLegacyFormStaysOutOfTheWayOn25(t *testing.T) {
	for _, v := range []string{"2.5.0", "2.5.0b1", "2.6.0p1", "3.0.0", "2025.06.01"} {
		if r := runLegacy(t, v, "ccc"); len(r.Registered) != 0 {
			t.Errorf("Checkmk %s: the GUI plug-in registered %v; from 2.5 on the Ruleset API file provides the form", v, r.Registered)
		}
	}
}

func checkLegacyHelp(t *testing.T, key string, f legacyField) {
	t.Helper()
	if key != "proxy_url" && (strings.TrimSpace(f.Help) == "" || strings.TrimSpace(f.Title) == "") {
		t.Errorf("field %s has no title or help text", key)
	}
	for sub, e := range f.Elements {
		checkLegacyHelp(t, key+"."+sub, e)
	}
}

// rulesetResult is what harness.py reports about the Ruleset API v1 file.
type rulesetResult struct {
	RuleSpecs []string                `json:"rule_specs"`
	Name      string                  `json:"name"`
	Topic     string                  `json:"topic"`
	Title     string                  `json:"title"`
	FormType  string                  `json:"form_type"`
	Order     []string                `json:"order"`
	Fields    map[string]rulesetField `json:"fields"`
	Required  []string                `json:"required"`
	Validate  map[string]string       `json:"validate"`
	Migrate   map[string]any          `json:"migrate"`
}

type rulesetField struct {
	Type     string                  `json:"type"`
	Title    string                  `json:"title"`
	Help     string                  `json:"help"`
	Migrate  bool                    `json:"migrate"`
	Choices  []string                `json:"choices"`
	Elements map[string]rulesetField `json:"elements"`
	Default  any                     `json:"default"`
}

func TestRulesetFormLoads(t *testing.T) {
	_, ruleset := writeForms(t)
	var r rulesetResult
	runPythonJSON(t, &r, nil, "testdata/harness.py", "ruleset", "testdata/standins", ruleset)
	if diff := cmp.Diff([]string{"rule_spec_alertbridge"}, r.RuleSpecs); diff != "" {
		t.Fatalf("rule_spec_ objects (-want +got):\n%s", diff)
	}
	if r.Name != WrapperName || r.Topic != "notifications" || r.FormType != "Dictionary" || r.Title == "" {
		t.Errorf("rule spec: name %q, topic %q, form %q, title %q", r.Name, r.Topic, r.FormType, r.Title)
	}
	if diff := cmp.Diff(sorted(FormKeys()), mapKeys(r.Fields)); diff != "" {
		t.Errorf("form keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(FormKeys(), r.Order); diff != "" {
		t.Errorf("field order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(TimeoutKeys(), keysInOrder(r.Fields["timeout"].Elements, TimeoutKeys())); diff != "" {
		t.Errorf("timeout keys (-want +got):\n%s", diff)
	}
	var check func(string, rulesetField)
	check = func(key string, f rulesetField) {
		if strings.TrimSpace(f.Help) == "" || strings.TrimSpace(f.Title) == "" {
			t.Errorf("field %s has no title or help text", key)
		}
		for sub, e := range f.Elements {
			check(key+"."+sub, e)
		}
	}
	for key, f := range r.Fields {
		check(key, f)
	}
	types := map[string]string{
		"ilert_api_key": "Password", "alertops_webhook_url": "Password", "ilert_mode": "SingleChoice",
		"ilert_priority": "SingleChoice", "ilert_summary_host": "String", "ilert_summary_service": "String",
		"ilert_rate": "Integer", "url_prefix": "CascadingSingleChoice", "proxy_url": "Proxy",
		"ignore_ssl": "FixedValue", "spool": "BooleanChoice", "max_age": "TimeSpan",
		"retrier": "BooleanChoice", "timeout": "Dictionary",
	}
	for key, typ := range types {
		if r.Fields[key].Type != typ {
			t.Errorf("%s is a %s, want %s", key, r.Fields[key].Type, typ)
		}
	}
	for _, key := range []string{"ilert_api_key", "alertops_webhook_url", "url_prefix", "proxy_url", "max_age"} {
		if !r.Fields[key].Migrate {
			t.Errorf("%s has no migration from what the 2.3/2.4 form stored", key)
		}
	}
	if diff := cmp.Diff([]string{"checkmk", "events", "nagios"}, r.Fields["ilert_mode"].Choices); diff != "" {
		t.Errorf("ilert_mode choices (-want +got):\n%s", diff)
	}
	if len(r.Required) != 0 {
		t.Errorf("required %v", r.Required)
	}
	wantValidate := map[string]string{
		"empty":    "rejected: Configure at least one destination: an iLert API key or an AlertOps webhook URL.",
		"ilert":    "ok",
		"alertops": "ok",
	}
	if diff := cmp.Diff(wantValidate, r.Validate); diff != "" {
		t.Errorf("validation (-want +got):\n%s", diff)
	}
	wantMigrate := map[string]any{
		"secret_store":          []any{"cmk_postprocessed", "stored_password", []any{"ilert_prod", ""}},
		"secret_explicit_kind":  []any{"cmk_postprocessed", "explicit_password", true, "K"},
		"secret_migrated":       []any{"cmk_postprocessed", "stored_password", []any{"x", ""}},
		"secret_2_3_beta":       []any{"cmk_postprocessed", "explicit_password", []any{"uuidA", "K"}},
		"prefix_tuple":          []any{"automatic_https", nil},
		"prefix_dict_manual":    []any{"manual", "https://h/s/check_mk/"},
		"prefix_dict_automatic": []any{"automatic_http", nil},
		"max_age_int":           float64(604800),
	}
	if diff := cmp.Diff(wantMigrate, r.Migrate); diff != "" {
		t.Errorf("migrations (-want +got):\n%s", diff)
	}
}

// A misspelt argument must fail against the stand-ins, or they prove nothing.
func TestStandInsRejectUnknownArguments(t *testing.T) {
	legacy, ruleset := writeForms(t)
	dir := t.TempDir()
	for name, c := range map[string]struct {
		src, from, to, cmd string
	}{
		"valuespec": {legacy, "allow_empty=False,\n                default_value=_DEFAULT_SUMMARY_HOST", "allow_empty=False,\n                default=_DEFAULT_SUMMARY_HOST, deflt=1", "legacy"},
		"form spec": {ruleset, "macro_support=True,", "macro_support=True, help=None,", "ruleset"},
	} {
		src, err := os.ReadFile(c.src)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(src, []byte(c.from)) {
			t.Fatalf("%s: the form no longer contains %q", name, c.from)
		}
		broken := filepath.Join(dir, name+".py")
		if err := os.WriteFile(broken, bytes.Replace(src, []byte(c.from), []byte(c.to), 1), 0o600); err != nil {
			t.Fatal(err)
		}
		script := `
import runpy, sys
sys.argv = ["harness.py", sys.argv[1], "testdata/standins", sys.argv[2]] + sys.argv[3:]
try:
    runpy.run_path("testdata/harness.py", run_name="__main__")
except TypeError as e:
    print("TypeError:", e)
`
		args := []string{"-c", script, c.cmd, broken}
		if c.cmd == "legacy" {
			args = append(args, "2.4.0p16", "ccc")
		}
		if out := string(runPython(t, nil, args...)); !strings.Contains(out, "TypeError:") || !strings.Contains(out, "unexpected keyword argument") {
			t.Errorf("%s: a misspelt argument was accepted:\n%.300s", name, out)
		}
	}
}

// TestEncodings records the NOTIFY_PARAMETER_* variables that Checkmk's flattening
// (cmk/base/events.py, add_to_event_context) makes of sample values of each field, as
// the 2.3/2.4 form ("legacy") and the 2.5 form ("ruleset") store them. checkmk-notify's
// tests run the notifier with exactly these (TestFormBlackBox); docs/checkmk-form.md
// shows them. Update with -update.
func TestEncodings(t *testing.T) {
	var got map[string]map[string][][]string
	runPythonJSON(t, &got, nil, "testdata/harness.py", "encodings")
	for form, fields := range got {
		if diff := cmp.Diff(sorted(FormKeys()), mapKeys(fields)); diff != "" {
			t.Errorf("%s samples do not cover the form keys (-want +got):\n%s", form, diff)
		}
	}
	b, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	testutil.GoldenText(t, "testdata/encodings.golden.json", b)
	// The shapes the existing decoder (checkmk/params.go, password.go, urls.go, proxy.go)
	// relies on.
	for _, c := range []struct {
		form, key string
		i         int
		want      string
	}{
		{"legacy", "ilert_api_key", 1, "NOTIFY_PARAMETER_ILERT_API_KEY_1=store"},
		{"ruleset", "ilert_api_key", 0, "NOTIFY_PARAMETER_ILERT_API_KEY_3_2=KEY"},
		{"ruleset", "alertops_webhook_url", 1, "NOTIFY_PARAMETER_ALERTOPS_WEBHOOK_URL_3_1=alertops_ops"},
		{"legacy", "url_prefix", 0, "NOTIFY_PARAMETER_URL_PREFIX_1=automatic_https"},
		{"ruleset", "proxy_url", 1, "NOTIFY_PARAMETER_PROXY_URL=NO_PROXY"},
		{"legacy", "max_age", 0, "NOTIFY_PARAMETER_MAX_AGE=604800"},
		{"ruleset", "max_age", 0, "NOTIFY_PARAMETER_MAX_AGE=604800.0"},
		{"ruleset", "spool", 1, "NOTIFY_PARAMETER_SPOOL=False"},
		{"ruleset", "timeout", 0, "NOTIFY_PARAMETER_TIMEOUT_REQUEST=2.5"},
	} {
		if !slices.Contains(got[c.form][c.key][c.i], c.want) {
			t.Errorf("%s %s sample %d: %v lacks %s", c.form, c.key, c.i, got[c.form][c.key][c.i], c.want)
		}
	}
	if slices.ContainsFunc(got["ruleset"]["ilert_api_key"][0], func(s string) bool {
		return strings.HasPrefix(s, "NOTIFY_PARAMETER_ILERT_API_KEY=")
	}) {
		t.Error("the 2.5 password form must have no joined NOTIFY_PARAMETER_ILERT_API_KEY (its third member is a tuple)")
	}
}

func mapKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// keysInOrder returns the keys of m that order lists, in that order, followed by any
// others (so a missing or extra key shows in a diff).
func keysInOrder[V any](m map[string]V, order []string) []string {
	var out []string
	for _, k := range order {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	for _, k := range mapKeys(m) {
		if !slices.Contains(order, k) {
			out = append(out, k)
		}
	}
	return out
}
