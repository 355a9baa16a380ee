package main

import (
	"encoding/json"
	"github.com/alertbridge/alertbridge/checkmk"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/internal/testutil"
)

// TestFixtures runs every notification fixture exactly as Checkmk would (its environment
// only, no arguments) against fake iLert and AlertOps and checks what they received, the
// exit code and the output.
func TestFixtures(t *testing.T) {
	t.Parallel()
	for _, fixture := range fullFixtures(t) {
		name := strings.TrimSuffix(fixture, ".env")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			r := runBinary(t, h.env(t, fixture), "")
			if r.code != int(checkmk.ExitSent) {
				t.Fatalf("exit code %d, want 0; output:\n%s", r.code, r.out)
			}
			testutil.GoldenText(t, filepath.Join("testdata", "golden", name+".golden.txt"), []byte(r.out))

			events := h.ilert.CheckmkEvents()
			ignored := strings.Contains(name, "downtime") || strings.Contains(name, "flapping") || strings.Contains(name, "custom")
			switch {
			case ignored && len(events) != 0:
				t.Errorf("iLert received %d events for an ignored type", len(events))
			case ignored:
				if !strings.Contains(r.out, "iLert: ignored (") {
					t.Errorf("output does not say iLert ignored it:\n%s", r.out)
				}
			case len(events) != 1:
				t.Fatalf("iLert received %d events, want 1", len(events))
			default:
				if events[0].IntegrationKey != fixtureILertKey {
					t.Errorf("iLert key in the path is not the fixture's key")
				}
				body, err := json.Marshal(events[0].Context)
				if err != nil {
					t.Fatal(err)
				}
				testutil.AssertNoSecret(t, "checkmk-ext body", string(body), fixtureSecrets...)
				testutil.GoldenJSON(t, filepath.Join("testdata", "golden", name+".checkmk-ext.json"), body)
			}

			reqs := h.alertops.Requests()
			if len(reqs) != 1 {
				t.Fatalf("AlertOps received %d requests, want 1", len(reqs))
			}
			if got := h.alertops.Alerts(); len(got) != 1 || got[0].Key != fixtureAlertOpsKey || got[0].Integration != "CheckMK" {
				t.Errorf("AlertOps alerts = %+v, want one for the fixture's key and integration CheckMK", len(got))
			}
			testutil.GoldenJSON(t, filepath.Join("testdata", "golden", name+".alertops.json"), reqs[0].Body)

			if n := countFiles(t, h.spool, "pending/*/*.req"); n != 0 {
				t.Errorf("%d requests left in the queue, want 0", n)
			}
		})
	}
}

// TestBulk feeds the bulk fixture on standard input with an environment that holds no
// notification, as Checkmk does for --bulk.
func TestBulk(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	stdin := readFixture(t, "bulk.txt")
	r := runBinary(t, h.baseEnv(), stdin, "--bulk")
	if r.code != int(checkmk.ExitSent) {
		t.Fatalf("exit code %d, want 0; output:\n%s", r.code, r.out)
	}
	testutil.GoldenText(t, filepath.Join("testdata", "golden", "bulk.golden.txt"), []byte(r.out))
	var got []string
	for _, e := range h.ilert.CheckmkEvents() {
		got = append(got, e.Context["HOSTNAME"]+"/"+e.Context["SERVICEDESC"])
		if strings.Contains(e.Context["LONGSERVICEOUTPUT"], "\x01") {
			t.Errorf("bulk value still holds the 0x01 line separator")
		}
	}
	want := []string{"web01/Filesystem /var", "web01/Interface eth1", "db02/"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("iLert received %q, want %q in bulk order", got, want)
	}
	if n := len(h.alertops.Alerts()); n != 3 {
		t.Errorf("AlertOps received %d alerts, want 3", n)
	}
	// --bulk ignores NOTIFY_* variables in the environment.
	h2 := newHarness(t)
	env := append(h2.baseEnv(), "NOTIFY_WHAT=HOST", "NOTIFY_HOSTNAME=from-env", "NOTIFY_NOTIFICATIONTYPE=PROBLEM")
	r = runBinary(t, env, stdin, "--bulk")
	for _, e := range h2.ilert.CheckmkEvents() {
		if e.Context["HOSTNAME"] == "from-env" {
			t.Errorf("bulk mode read a notification from the environment")
		}
	}
	if r.code != int(checkmk.ExitSent) || len(h2.ilert.CheckmkEvents()) != 3 {
		t.Errorf("bulk with NOTIFY_* in the environment: exit %d, %d events; want 0, 3", r.code, len(h2.ilert.CheckmkEvents()))
	}
}

// TestMissingVariable: a context without WHAT, HOSTNAME or NOTIFICATIONTYPE is a permanent
// failure that names the variable.
func TestMissingVariable(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"WHAT", "HOSTNAME", "NOTIFICATIONTYPE"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			env := withoutEnv(h.env(t, "service-crit-problem.env"), "NOTIFY_"+v)
			r := runBinary(t, env, "")
			if r.code != int(checkmk.ExitPermanent) {
				t.Errorf("exit code %d, want 2", r.code)
			}
			if last := r.lastLines(1)[0]; !strings.Contains(last, v) {
				t.Errorf("last line %q does not name %s", last, v)
			}
			if len(h.ilert.Requests())+len(h.alertops.Requests()) != 0 {
				t.Errorf("something was sent")
			}
		})
	}
}
