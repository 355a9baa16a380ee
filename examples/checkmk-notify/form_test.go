package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/examples/internal/mkp"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// The password store entries the golden encodings name, and what the fake site's store
// holds under them.
const (
	storeILertID    = "ilert_prod"
	storeAlertOpsID = "alertops_ops"
)

// goldenFormEnv reads the variables Checkmk passes for each field of the alertbridge form
// (examples/internal/mkp/testdata/encodings.golden.json, recorded by the mkp package's
// tests from the forms themselves): version ("legacy" for 2.3/2.4, "ruleset" for 2.5+) →
// field → variants → NOTIFY_PARAMETER_* lines. The placeholders KEY and URL become the
// fixture's iLert key and AlertOps webhook URL.
func goldenFormEnv(t testing.TB) map[string]map[string][][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "internal", "mkp", "testdata", "encodings.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g map[string]map[string][][]string
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	for _, fields := range g {
		for _, variants := range fields {
			for _, lines := range variants {
				for i, line := range lines {
					name, value, _ := strings.Cut(line, "=")
					parts := strings.Split(value, "\t")
					for j, p := range parts {
						switch p {
						case "KEY":
							parts[j] = fixtureILertKey
						case "URL":
							parts[j] = fixtureAlertOpsURL
						}
					}
					lines[i] = name + "=" + strings.Join(parts, "\t")
				}
			}
		}
	}
	if len(g["legacy"]) != len(mkp.FormKeys()) || len(g["ruleset"]) != len(mkp.FormKeys()) {
		t.Fatalf("golden encodings have %d and %d fields, the form %d", len(g["legacy"]), len(g["ruleset"]), len(mkp.FormKeys()))
	}
	return g
}

// formSite is a site root whose password store holds the fixture's key and URL under the
// ids the golden encodings use.
func formSite(t *testing.T) string {
	t.Helper()
	return fakeSite(t, "other:secret-of-someone-else\n"+storeILertID+":"+fixtureILertKey+"\n"+
		storeAlertOpsID+":"+fixtureAlertOpsURL+"\n")
}

// notificationWith is a host notification whose parameters are the given
// NOTIFY_PARAMETER_* lines, in a site with root.
func notificationWith(t testing.TB, root string, lines ...string) *checkmk.Notification {
	t.Helper()
	env := []string{"NOTIFY_WHAT=HOST", "NOTIFY_HOSTNAME=web01", "NOTIFY_NOTIFICATIONTYPE=PROBLEM",
		"NOTIFY_MONITORING_HOST=cmk-central", "NOTIFY_OMD_SITE=prod", "NOTIFY_OMD_ROOT=" + root}
	n, err := checkmk.FromEnviron(append(env, lines...))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFormTranslation: every field of the alertbridge form, in the encoding of 2.3/2.4 and
// of 2.5, becomes the script parameter of the same meaning, which the one parser reads.
// retrier and ilert_rate are translated into exactly the parameters retrier=on|off and
// ilert_rate=N of the notifier's queue handling.
func TestFormTranslation(t *testing.T) {
	t.Parallel()
	want := map[string][][]string{
		"ilert_api_key":         {{"ilert=" + fixtureILertKey}, {"ilert=" + fixtureILertKey}},
		"alertops_webhook_url":  {{"alertops=" + fixtureAlertOpsURL}, {"alertops=" + fixtureAlertOpsURL}},
		"ilert_mode":            {{"ilert_mode=checkmk"}, {"ilert_mode=events"}, {"ilert_mode=nagios"}},
		"ilert_priority":        {{"ilert_priority=HIGH"}, {"ilert_priority=LOW"}},
		"ilert_summary_host":    {nil},
		"ilert_summary_service": {nil},
		"ilert_rate":            {{"ilert_rate=50"}, {"ilert_rate=0"}},
		"url_prefix":            {nil, nil},
		"proxy_url":             {{"proxy=FROM_ENVIRONMENT"}, {"proxy=NO_PROXY"}, {"proxy=http://proxy:3128"}},
		"ignore_ssl":            {{"ignore_ssl=yes"}},
		"spool":                 {{"spool=on"}, {"spool=off"}},
		"max_age":               {{"max_age=168h0m0s"}},
		"retrier":               {{"retrier=on"}, {"retrier=off"}},
	}
	timeouts := map[string][]string{"legacy": {"timeout=10s", "budget=30s"}, "ruleset": {"timeout=2.5s", "budget=30s"}}
	root := formSite(t)
	env := &environment{getenv: func(string) string { return "" }}
	for version, fields := range goldenFormEnv(t) {
		for field, variants := range fields {
			for i, lines := range variants {
				n := notificationWith(t, root, lines...)
				items, err := formSettings(context.Background(), formAlertbridge, n, env)
				if err != nil {
					t.Errorf("%s %s #%d: %v", version, field, i, err)
					continue
				}
				var got []string
				for _, s := range items {
					got = append(got, s.name+"="+s.value)
					if !strings.Contains(s.origin, `alertbridge form, field "`) || !strings.Contains(s.origin, "PARAMETER_") {
						t.Errorf("%s %s: origin %q does not name the field", version, field, s.origin)
					}
				}
				w := timeouts[version]
				if field != "timeout" {
					w = want[field][i]
				}
				if diff := cmp.Diff(w, got); diff != "" {
					t.Errorf("%s %s #%d (%q): settings (-want +got):\n%s", version, field, i, lines, diff)
				}
			}
		}
	}
}

// TestFormConfiguration: the settings a form's fields translate into configure the
// notifier, every field (the last variant of each: stored secrets, nagios, LOW, off, a
// proxy URL, the retrier off, pacing off).
func TestFormConfiguration(t *testing.T) {
	t.Parallel()
	g := goldenFormEnv(t)
	root := formSite(t)
	env := &environment{getenv: func(string) string { return "" }}
	for _, version := range []string{"legacy", "ruleset"} {
		var lines []string
		for _, variants := range g[version] {
			lines = append(lines, variants[len(variants)-1]...)
		}
		cfg, err := configure(context.Background(), notificationWith(t, root, lines...), env)
		if err != nil {
			t.Fatalf("%s: %v", version, err)
		}
		wantTimeout := map[string]time.Duration{"legacy": 10 * time.Second, "ruleset": 2500 * time.Millisecond}[version]
		if cfg.form != formAlertbridge || cfg.spool || cfg.retrier || cfg.maxAge != 7*24*time.Hour || cfg.timeout != wantTimeout || cfg.budget != 30*time.Second {
			t.Errorf("%s: form %q, spool %v, retrier %v, max age %v, timeout %v, budget %v", version, cfg.form, cfg.spool, cfg.retrier, cfg.maxAge, cfg.timeout, cfg.budget)
		}
		if len(cfg.targets) > 0 && !cfg.targets[0].rate.Off() {
			t.Errorf("%s: iLert rate %v, want off (ilert_rate=0)", version, cfg.targets[0].rate)
		}
		if len(cfg.targets) != 2 {
			t.Fatalf("%s: %d targets, want iLert and AlertOps", version, len(cfg.targets))
		}
		il, ao := cfg.targets[0], cfg.targets[1]
		if il.sink != delivery.SinkILertNagios || il.key != fixtureILertKey || il.priority != "LOW" || il.proxy != "http://proxy:3128" || !il.ignoreSSL {
			t.Errorf("%s: iLert target %s, key %v, priority %s, proxy %s, ignore SSL %v", version, il.sink, il.key == fixtureILertKey, il.priority, il.proxy, il.ignoreSSL)
		}
		if ao.webhookURL != fixtureAlertOpsURL || ao.proxy != "http://proxy:3128" || !ao.ignoreSSL {
			t.Errorf("%s: AlertOps target URL %v, proxy %s, ignore SSL %v", version, ao.webhookURL == fixtureAlertOpsURL, ao.proxy, ao.ignoreSSL)
		}
	}
}

// TestRuleFormOf tells the kinds of rules apart by their variables.
func TestRuleFormOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []string
		want  ruleForm
		err   string
	}{
		{"no parameters", nil, formNone, ""},
		{"empty script list", []string{"NOTIFY_PARAMETERS="}, formNone, ""},
		{"script list", []string{"NOTIFY_PARAMETERS=ilert=k", "NOTIFY_PARAMETER_1=ilert=k"}, formScript, ""},
		{"built-in iLert 2.4", loadEnv(t, "params-ilert-2.4.env"), formILert, ""},
		{"built-in iLert 2.0", loadEnv(t, "params-ilert-2.0-2.1.env"), formILert, ""},
		{"AlertOps plug-in", []string{"NOTIFY_PARAMETER_ALERTOPS_WEBHOOK_URL=" + fixtureAlertOpsURL, "NOTIFY_PARAMETER_IGNORE_SSL=True"}, formAlertOps, ""},
		{"alertbridge: AlertOps URL as a password", []string{"NOTIFY_PARAMETER_ALERTOPS_WEBHOOK_URL_1=store", "NOTIFY_PARAMETER_ALERTOPS_WEBHOOK_URL_2=x"}, formAlertbridge, ""},
		{"alertbridge: both destinations", []string{"NOTIFY_PARAMETER_ILERT_API_KEY=k", "NOTIFY_PARAMETER_ALERTOPS_WEBHOOK_URL=" + fixtureAlertOpsURL}, formAlertbridge, ""},
		{"alertbridge: its own field", []string{"NOTIFY_PARAMETER_ILERT_API_KEY=k", "NOTIFY_PARAMETER_TIMEOUT_BUDGET=30"}, formAlertbridge, ""},
		{"alertbridge without destination", []string{"NOTIFY_PARAMETER_SPOOL=True"}, formAlertbridge, ""},
		{"only fields without destination", []string{"NOTIFY_PARAMETER_IGNORE_SSL=True"}, formNone, ""},
		{"list and form", []string{"NOTIFY_PARAMETER_1=ilert=k", "NOTIFY_PARAMETER_ILERT_API_KEY=k"}, formNone, "both a custom script's parameters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ruleFormOf(notificationWith(t, "/nonexistent", tt.lines...).Parameters())
			if (err != nil) != (tt.err != "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("error %v, want one containing %q", err, tt.err)
			}
			if got != tt.want || !got.Valid() {
				t.Errorf("form %q, want %q", got, tt.want)
			}
		})
	}
	if ruleForm("other").Valid() {
		t.Error("an unknown form is valid")
	}
}

// TestFormErrors: a bad value of a form is a configuration error that names the form and
// the field and says how to fix it, and never shows the value when it may be a secret.
func TestFormErrors(t *testing.T) {
	t.Parallel()
	root := formSite(t)
	key := "NOTIFY_PARAMETER_ILERT_API_KEY=ilert_api_key\t" + fixtureILertKey
	tests := []struct {
		name   string
		lines  []string
		root   string
		want   []string
		secret string // must not show
	}{
		{"mode", []string{key, "NOTIFY_PARAMETER_ILERT_MODE=xmlmode"}, root,
			[]string{`alertbridge form, field "iLert mode" (PARAMETER_ILERT_MODE): the value (not shown) is not a mode; use checkmk, events or nagios`}, ""},
		{"priority", []string{key, "NOTIFY_PARAMETER_ILERT_PRIORITY=MEDIUM"}, root,
			[]string{`field "iLert priority" (PARAMETER_ILERT_PRIORITY): "MEDIUM" is not a priority; use HIGH or LOW`}, ""},
		{"max age", []string{key, "NOTIFY_PARAMETER_MAX_AGE=a week"}, root,
			[]string{`field "Maximum age of queued alerts" (PARAMETER_MAX_AGE): not a number of seconds`}, ""},
		{"request timeout", []string{key, "NOTIFY_PARAMETER_TIMEOUT_REQUEST=-2.5"}, root,
			[]string{`field "Time limits: per request" (PARAMETER_TIMEOUT_REQUEST): must be positive`}, ""},
		{"queue", []string{key, "NOTIFY_PARAMETER_SPOOL=maybe"}, root,
			[]string{`field "Queue" (PARAMETER_SPOOL): use on or off`}, ""},
		{"manual URL prefix", []string{key, "NOTIFY_PARAMETER_TIMEOUT_BUDGET=30", "NOTIFY_PARAMETER_URL_PREFIX_1=manual", "NOTIFY_PARAMETER_URL_PREFIX_2="}, root,
			[]string{`field "URL prefix for links to Checkmk" (PARAMETER_URL_PREFIX): the manual prefix is not a URL`}, ""},
		{"proxy", []string{key, "NOTIFY_PARAMETER_PROXY_URL=http://bob:Pr0xyS3cret@[::1"}, root,
			[]string{`iLert form, field "HTTP proxy" (PARAMETER_PROXY_URL): not a usable proxy; use FROM_ENVIRONMENT, NO_PROXY`}, "Pr0xyS3cret"},
		{"AlertOps URL", []string{"NOTIFY_PARAMETER_ALERTOPS_WEBHOOK_URL=https://u:S3cretPass@notify.alertops.com/POSTAlert/" + fixtureAlertOpsKey + "/CheckMK"}, root,
			[]string{`AlertOps form, field "AlertOps webhook URL" (PARAMETER_ALERTOPS_WEBHOOK_URL): not an AlertOps webhook URL (it must not contain user information`}, "S3cretPass"},
		{"empty 2.5 password", []string{"NOTIFY_PARAMETER_ILERT_API_KEY_1=cmk_postprocessed", "NOTIFY_PARAMETER_ILERT_API_KEY_2=explicit_password", "NOTIFY_PARAMETER_ILERT_API_KEY_3_1=uuid1", "NOTIFY_PARAMETER_ILERT_API_KEY_3_2="}, root,
			[]string{`iLert form, field "iLert alert source API key" (PARAMETER_ILERT_API_KEY): `, "the password is empty; enter the value again"}, ""},
		{"secret where the 2.5 kind belongs", []string{"NOTIFY_PARAMETER_ILERT_API_KEY_1=cmk_postprocessed", "NOTIFY_PARAMETER_ILERT_API_KEY_2=" + fixtureILertKey, "NOTIFY_PARAMETER_ILERT_API_KEY_3_1=x"}, root,
			[]string{`(PARAMETER_ILERT_API_KEY): `, "is neither explicit_password nor stored_password"}, fixtureILertKey},
		{"store entry missing", []string{"NOTIFY_PARAMETER_ILERT_API_KEY=store\tnot_there", "NOTIFY_PARAMETER_ILERT_API_KEY_1=store", "NOTIFY_PARAMETER_ILERT_API_KEY_2=not_there"}, root,
			[]string{`(PARAMETER_ILERT_API_KEY): checkmk: password store id "not_there" not found`, "add the entry in Setup > General > Passwords"}, ""},
		{"store without a site", []string{"NOTIFY_PARAMETER_ALERTOPS_WEBHOOK_URL_1=store", "NOTIFY_PARAMETER_ALERTOPS_WEBHOOK_URL_2=" + storeAlertOpsID}, "",
			[]string{`alertbridge form, field "AlertOps webhook URL" (PARAMETER_ALERTOPS_WEBHOOK_URL): refers to the password store, but OMD_ROOT is not set`}, ""},
		{"store entry empty", []string{"NOTIFY_PARAMETER_ILERT_API_KEY_1=store", "NOTIFY_PARAMETER_ILERT_API_KEY_2=empty"}, fakeSite(t, "empty:\n"),
			[]string{`(PARAMETER_ILERT_API_KEY): is empty`}, ""},
		{"no destination", []string{"NOTIFY_PARAMETER_SPOOL=True"}, root, []string{noDestinationHelp}, ""},
		{"rate", []string{key, "NOTIFY_PARAMETER_ILERT_RATE=fifty-a-minute"}, root,
			[]string{`alertbridge form, field "iLert rate limit" (PARAMETER_ILERT_RATE): not a rate; use N (per minute, at most 10000), N/DURATION such as 5/10s, or 0`}, "fifty-a-minute"},
		{"negative rate", []string{key, "NOTIFY_PARAMETER_ILERT_RATE=-5"}, root,
			[]string{`field "iLert rate limit" (PARAMETER_ILERT_RATE): not a rate`}, ""},
		{"retrier", []string{key, "NOTIFY_PARAMETER_RETRIER=sometimes"}, root,
			[]string{`alertbridge form, field "Background retrier" (PARAMETER_RETRIER): use on or off`}, "sometimes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := notificationWith(t, tt.root, tt.lines...)
			if tt.root == "" {
				n.SiteRoot = ""
			}
			env := &environment{getenv: func(string) string { return "" }}
			_, err := configure(context.Background(), n, env)
			if _, ok := err.(*configError); !ok {
				t.Fatalf("error %v (%T), want a *configError", err, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if tt.secret != "" {
				testutil.AssertNoSecret(t, "configuration error", err.Error(), tt.secret)
			}
		})
	}
}

// TestFormFields: the decoder knows every key of the form that examples/internal/mkp
// ships, by the titles the form shows.
func TestFormFields(t *testing.T) {
	t.Parallel()
	var keys []string
	legacy, ruleset := string(mkp.LegacyForm()), string(mkp.RulesetForm())
	for _, f := range formFields {
		if !slices.Contains(f.forms, formAlertbridge) {
			t.Errorf("%s: not a field of the alertbridge form", f.key)
		}
		k, _, _ := strings.Cut(strings.ToLower(f.key), "_request")
		k, _, _ = strings.Cut(k, "_budget")
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
		for _, part := range strings.Split(f.title, ": ") {
			part = `"` + part + `"`
			// The 2.3/2.4 form's proxy field is Checkmk's HTTPProxyReference, with its title.
			if (f.key != "PROXY_URL" && !strings.Contains(strings.ToLower(legacy), strings.ToLower(part))) ||
				!strings.Contains(strings.ToLower(ruleset), strings.ToLower(part)) {
				t.Errorf("%s: the title %s is not in both forms", f.key, part)
			}
		}
	}
	if diff := cmp.Diff(mkp.FormKeys(), keys); diff != "" {
		t.Errorf("form keys (-mkp +decoder):\n%s", diff)
	}
}

// TestSeconds: the time spans of 2.3/2.4 (whole seconds) and 2.5 (decimal).
func TestSeconds(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"604800": "168h0m0s", "604800.0": "168h0m0s", "2.5": "2.5s", " 30 ": "30s", "0.001": "1ms",
		"0": "", "-1": "", "abc": "", "NaN": "", "+Inf": "", "1e300": "", "": ""} {
		got, err := seconds(in)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("seconds(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestParameterDocs: the custom-script parameters that the help text and the README's
// table list are the ones the parser knows, and every field of the forms is translated
// into one of them.
func TestParameterDocs(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var inHelp, inREADME []string
	for _, m := range regexp.MustCompile(`(?m)^    ([a-z_]+)=`).FindAllStringSubmatch(helpText, -1) {
		inHelp = append(inHelp, m[1])
	}
	table := string(readme)[strings.Index(string(readme), "| parameter | meaning |"):]
	table = table[:strings.Index(table, "\n\n")]
	for _, m := range regexp.MustCompile("`([a-z_]+)=").FindAllStringSubmatch(table, -1) {
		inREADME = append(inREADME, m[1])
	}
	if diff := cmp.Diff(inHelp, inREADME); diff != "" || len(inHelp) < 12 {
		t.Errorf("parameters of the help text (-) and the README (+):\n%s", diff)
	}
	for _, name := range inHelp {
		b := &builder{c: config{spool: true}}
		if err := b.apply(setting{name: name, origin: "test"}); err != nil && strings.Contains(err.Error(), "unknown name") {
			t.Errorf("the help text lists %s=, which the parser does not know", name)
		}
	}
	for _, f := range formFields {
		if f.param != "" && !slices.Contains(inHelp, f.param) {
			t.Errorf("field %s translates into %s=, which the help text does not list", f.key, f.param)
		}
	}
}
