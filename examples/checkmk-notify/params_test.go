package main

import (
	"github.com/alertbridge/alertbridge/checkmk"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ruleEnv is a full notification with the parameters of a params-*.env fixture instead of
// the custom script's list.
func (h *harness) ruleEnv(t *testing.T, params string, extra ...string) []string {
	t.Helper()
	env := withoutEnv(h.env(t, "service-crit-problem.env"), "NOTIFY_PARAMETER*")
	env = append(env, loadEnv(t, params)...)
	for _, e := range extra {
		k, v, _ := strings.Cut(e, "=")
		env = setEnv(env, k, v)
	}
	return env
}

// fakeSite makes an OMD site root with a plain-text password store holding the fixture key
// under "ilert_prod" (the format of Checkmk up to 2.0, which the store reader accepts).
func fakeSite(t *testing.T, entries string) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "var", "check_mk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stored_passwords"), []byte(entries), 0o600); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestRuleForms runs the built-in iLert rule's parameters of every Checkmk version.
func TestRuleForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		params  string
		store   bool // the key comes from the password store
		proxied bool // the rule sets an explicit proxy
	}{
		{params: "params-ilert-2.0-2.1.env", proxied: true},
		{params: "params-ilert-2.2-2.3.env", store: true},
		{params: "params-ilert-2.4.env"},
		{params: "params-ilert-2.4-stored.env", store: true, proxied: true},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.params, ".env"), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			var extra []string
			if tt.store {
				root := fakeSite(t, "other:secret-of-someone-else\nilert_prod:"+fixtureILertKey+"\n")
				extra = append(extra, "OMD_ROOT="+root, "NOTIFY_OMD_ROOT="+root)
			}
			if tt.proxied {
				// The explicit proxy is the fake itself; the iLert host does not resolve, so
				// only a request through the proxy can arrive.
				extra = append(extra, "NOTIFY_PARAMETER_PROXY_URL="+h.ilert.URL(), envILertURL+"=http://api.ilert.invalid")
			}
			r := runBinary(t, h.ruleEnv(t, tt.params, extra...), "")
			if r.code != int(checkmk.ExitSent) {
				t.Fatalf("exit code %d, want 0; output:\n%s", r.code, r.out)
			}
			events := h.ilert.CheckmkEvents()
			if len(events) != 1 {
				t.Fatalf("iLert received %d events, want 1; output:\n%s", len(events), r.out)
			}
			if events[0].IntegrationKey != fixtureILertKey {
				t.Errorf("the key in the path is not the fixture's key")
			}
			for k, v := range events[0].Context {
				if strings.HasPrefix(k, "PARAMETER_ILERT_API_KEY") || strings.HasPrefix(k, "PARAMETER_PROXY_URL") {
					t.Errorf("iLert received the secret-carrying variable %s", k)
				}
				if strings.Contains(v, fixtureILertKey) {
					t.Errorf("iLert received the key in %s", k)
				}
			}
			if got := events[0].Context["PARAMETER_ILERT_PRIORITY"]; got == "" {
				t.Errorf("PARAMETER_ILERT_PRIORITY not passed on to iLert")
			}
			if want := "iLert: sent (202, PROBLEM web01/Filesystem /var)"; r.lastLines(1)[0] != want {
				t.Errorf("last line %q, want %q", r.lastLines(1)[0], want)
			}
			if n := len(h.alertops.Requests()); n != 0 {
				t.Errorf("AlertOps received %d requests; the rule names iLert only", n)
			}
		})
	}
}

// TestConfiguration covers the custom script parameters and configuration errors.
func TestConfiguration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		params     []string // replaces the fixture's script parameters; nil: keep them
		extra      []string
		wantCode   int
		wantILert  int // checkmk-ext events
		wantEvents int // Events API events
		wantAOps   int
		wantOut    []string
		notOut     []string
	}{
		{name: "ilert_mode=checkmk", params: []string{"ilert=" + fixtureILertKey, "ilert_mode=checkmk", "ilert_priority=low"},
			wantILert: 1, wantOut: []string{"iLert: sent (202"}},
		{name: "events mode", params: []string{"ilert=" + fixtureILertKey, "ilert_mode=events", "ilert_priority=LOW"},
			wantEvents: 1, wantOut: []string{"iLert: sent (202"}},
		{name: "AlertOps only", params: []string{"alertops=" + fixtureAlertOpsURL, "timeout=5s", "max_age=1h", "budget=20s"},
			wantAOps: 1, wantOut: []string{"AlertOps: sent (200"}, notOut: []string{"iLert"}},
		{name: "AlertOps rule form", params: []string{},
			extra:    []string{"NOTIFY_PARAMETER_ALERTOPS_WEBHOOK_URL=" + fixtureAlertOpsURL, "NOTIFY_PARAMETER_IGNORE_SSL=True"},
			wantAOps: 1, wantOut: []string{"AlertOps: sent (200"}},
		{name: "two iLert keys", params: []string{"ilert=" + fixtureILertKey, "ilert=il1second0000000000000000000"},
			wantILert: 2, wantOut: []string{"iLert ilert-", "sent (202"}},
		{name: "unknown parameter", params: []string{"ilert=" + fixtureILertKey, "colour=deep-blue-secret"},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{`script parameter 2 ("colour"): unknown name`}, notOut: []string{"deep-blue-secret"}},
		// issue 9 §3: a URL with a query, or a key with "=", in a parameter of its own was
		// echoed (lower-cased) as the "name" of an unknown parameter.
		{name: "AlertOps URL with a query as a parameter of its own", params: []string{"ilert=" + fixtureILertKey, fixtureAlertOpsURL + "?x=y"},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{"script parameter 2: unknown name (not shown"},
			notOut: []string{"postalert", "POSTAlert", "notify.alertops", "checkmk?x"}},
		{name: "key with = as a parameter of its own", params: []string{"alertops=" + fixtureAlertOpsURL, "Q2hlY2ttaw0K3y=="},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{"script parameter 2: unknown name (not shown"},
			notOut: []string{"Q2hlY2ttaw0K3y", "q2hly2ttaw0k3y"}},
		{name: "long lower-case name not shown", params: []string{"ilert=" + fixtureILertKey, "abcdefghijklmnopqrstuvwxyz0123456789=x"},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{"script parameter 2: unknown name (not shown"}, notOut: []string{"abcdefghij"}},
		{name: "bad proxy", params: []string{"ilert=" + fixtureILertKey, "proxy=http://user:Pr0xySecret@[::1"},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{`script parameter 2 ("proxy"): not a usable proxy; use FROM_ENVIRONMENT`}, notOut: []string{"Pr0xySecret"}},
		{name: "AlertOps URL of another scheme", params: []string{"alertops=notify.alertops.com/POSTAlert/" + fixtureAlertOpsKey + "/CheckMK"},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{`script parameter 1 ("alertops"): not an AlertOps webhook URL (the scheme is not http or https)`}},
		{name: "AlertOps URL with a word as its scheme", params: []string{"alertops=abcdefgh://notify.alertops.com/POSTAlert/" + fixtureAlertOpsKey + "/CheckMK"},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{`script parameter 1 ("alertops"): not an AlertOps webhook URL (it does not parse)`}, notOut: []string{"abcdefgh"}},
		{name: "mistyped mode shown when short", params: []string{"ilert=" + fixtureILertKey, "ilert_mode=evnts"},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{`script parameter 2 ("ilert_mode"): "evnts" is not a mode; use checkmk, events or nagios`}},
		{name: "long mode not shown", params: []string{"ilert=" + fixtureILertKey, "ilert_mode=checkmkx"},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{`the value (not shown) is not a mode`}, notOut: []string{"checkmkx"}},
		{name: "bare parameter after the first", params: []string{"ilert=" + fixtureILertKey, "lonely-secret-value"},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{"script parameter 2 is not of the form name=value"}, notOut: []string{"lonely-secret-value"}},
		{name: "bad mode", params: []string{"ilert=" + fixtureILertKey, "ilert_mode=xml"},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{"ilert_mode"}},
		{name: "no destination", params: []string{},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{"no destination configured", "PARAMETER_ILERT_API_KEY", "alertops=<webhook URL>"}},
		{name: "password store entry missing", params: []string{},
			extra:    []string{"NOTIFY_PARAMETER_ILERT_API_KEY=store\tnot_there", "NOTIFY_PARAMETER_ILERT_API_KEY_1=store", "NOTIFY_PARAMETER_ILERT_API_KEY_2=not_there"},
			wantCode: int(checkmk.ExitPermanent), wantOut: []string{"not_there"}},
		{name: "spool off still sends", params: []string{"ilert=" + fixtureILertKey, "spool=off"},
			wantILert: 1, wantOut: []string{"iLert: sent (202"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			env := h.env(t, "service-crit-problem.env")
			if tt.params != nil {
				env = withoutEnv(env, "NOTIFY_PARAMETER*")
				for i, p := range tt.params {
					env = append(env, "NOTIFY_PARAMETER_"+strconv.Itoa(i+1)+"="+p)
				}
				env = append(env, "NOTIFY_PARAMETERS="+strings.Join(tt.params, " "))
			}
			if tt.name == "password store entry missing" {
				root := fakeSite(t, "ilert_prod:"+fixtureILertKey+"\n")
				env = setEnv(setEnv(env, "OMD_ROOT", root), "NOTIFY_OMD_ROOT", root)
			}
			env = append(env, tt.extra...)
			r := runBinary(t, env, "")
			if r.code != tt.wantCode {
				t.Errorf("exit code %d, want %d; output:\n%s", r.code, tt.wantCode, r.out)
			}
			if got := len(h.ilert.CheckmkEvents()); got != tt.wantILert {
				t.Errorf("checkmk-ext events: %d, want %d", got, tt.wantILert)
			}
			if got := len(h.ilert.Events()); got != tt.wantEvents {
				t.Errorf("Events API events: %d, want %d", got, tt.wantEvents)
			}
			if got := len(h.alertops.Alerts()); got != tt.wantAOps {
				t.Errorf("AlertOps alerts: %d, want %d", got, tt.wantAOps)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(r.out, w) {
					t.Errorf("output lacks %q:\n%s", w, r.out)
				}
			}
			for _, w := range tt.notOut {
				if strings.Contains(r.out, w) {
					t.Errorf("output contains %q:\n%s", w, r.out)
				}
			}
			if tt.wantEvents > 0 {
				ev := h.ilert.Events()[0]
				if ev.IntegrationKey != fixtureILertKey || ev.EventType != "ALERT" || ev.AlertKey == "" || ev.Priority != "LOW" {
					t.Errorf("Events API event: type %s, key set %t, alert key %q, priority %s; want ALERT, true, set, LOW",
						ev.EventType, ev.IntegrationKey == fixtureILertKey, ev.AlertKey, ev.Priority)
				}
			}
		})
	}
}
