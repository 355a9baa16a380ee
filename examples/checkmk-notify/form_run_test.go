package main

import (
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
)

// formRun is one run of the binary with the variables Checkmk builds for a field of the
// alertbridge form, and what must arrive.
type formRun struct {
	field   string   // key in the golden encodings
	variant int      // of the field's golden encodings; -1: none
	tag     string   // tells runs of one variant apart
	fixture string   // default service-crit-problem.env
	lines   []string // more NOTIFY_PARAMETER_* lines (another field)
	ruleset []string // instead of lines on 2.5
	noDest  bool     // the field is the destination: add no iLert key
	args    []string
	setup   func(t *testing.T, h *harness) []string // more environment
	check   func(t *testing.T, h *harness, r runResult)
}

// TestFormBlackBox: for each field type of the alertbridge form, the environment Checkmk
// 2.3/2.4 (legacy GUI form) and 2.5 (Ruleset API) build for it configures the notifier as
// the form says. The binary runs as Checkmk runs it, against the fake iLert and AlertOps,
// and the test checks what arrives. (retrier and ilert_rate are translated into the
// script parameters of the notifier's queue handling: TestFormTranslation.)
func TestFormBlackBox(t *testing.T) {
	t.Parallel()
	g := goldenFormEnv(t)
	sentCheckmk := func(t *testing.T, h *harness, r runResult) {
		t.Helper()
		ev := h.ilert.CheckmkEvents()
		if r.code != 0 || len(ev) != 1 || ev[0].IntegrationKey != fixtureILertKey {
			t.Fatalf("exit %d, %d checkmk-ext events (want 1 with the key); output:\n%s", r.code, len(ev), r.out)
		}
	}
	events := func(t *testing.T, h *harness, r runResult) {
		t.Helper()
		if ev := h.ilert.Events(); r.code != 0 || len(ev) != 1 || ev[0].IntegrationKey != fixtureILertKey {
			t.Fatalf("exit %d, %d Events API events (want 1 with the key); output:\n%s", r.code, len(ev), r.out)
		}
	}
	eventsMode := "NOTIFY_PARAMETER_ILERT_MODE=events"
	runs := []formRun{
		{field: "ilert_api_key", variant: 0, noDest: true, check: sentCheckmk},
		{field: "ilert_api_key", variant: 1, noDest: true, check: sentCheckmk}, // the password store
		{field: "alertops_webhook_url", variant: 0, noDest: true, check: alertOpsOnly},
		{field: "alertops_webhook_url", variant: 1, noDest: true, check: alertOpsOnly},
		{field: "ilert_mode", variant: 0, check: sentCheckmk},
		{field: "ilert_mode", variant: 1, check: events},
		{field: "ilert_mode", variant: 2, check: func(t *testing.T, h *harness, r runResult) {
			if ev := h.ilert.NagiosEvents(); r.code != 0 || len(ev) != 1 || ev[0].IntegrationKey != fixtureILertKey {
				t.Fatalf("exit %d, %d Nagios events; output:\n%s", r.code, len(ev), r.out)
			}
		}},
		// HIGH on a WARNING, which would be LOW; LOW on a CRITICAL, which would be HIGH.
		{field: "ilert_priority", variant: 0, tag: "events", fixture: "service-warn-problem.env", lines: []string{eventsMode}, check: priority("HIGH")},
		{field: "ilert_priority", variant: 1, tag: "events", lines: []string{eventsMode}, check: priority("LOW")},
		{field: "ilert_priority", variant: 1, tag: "checkmk", check: func(t *testing.T, h *harness, r runResult) {
			sentCheckmk(t, h, r)
			if got := h.ilert.CheckmkEvents()[0].Context["PARAMETER_ILERT_PRIORITY"]; got != "LOW" {
				t.Errorf("checkmk mode: PARAMETER_ILERT_PRIORITY = %q, want LOW", got)
			}
		}},
		{field: "ilert_summary_host", variant: 0, fixture: "host-down-problem.env", lines: []string{eventsMode}, check: summary("web01 is DOWN")},
		{field: "ilert_summary_service", variant: 0, lines: []string{eventsMode}, check: summary("Filesystem /var is CRITICAL")},
		{field: "url_prefix", variant: 0, lines: []string{eventsMode}, check: link("https://cmk-central/prod/check_mk/index.py?start_url=")},
		{field: "url_prefix", variant: 1, lines: []string{eventsMode}, check: link("https://cmk.example.com/prod/check_mk/index.py?start_url=")},
		// The iLert host does not resolve: only a request through the proxy can arrive.
		{field: "proxy_url", variant: 0, setup: func(t *testing.T, h *harness) []string {
			return []string{"HTTP_PROXY=" + h.ilert.URL(), envILertURL + "=http://api.ilert.invalid"}
		}, check: sentCheckmk},
		{field: "proxy_url", variant: 2, setup: func(t *testing.T, h *harness) []string {
			return []string{envILertURL + "=http://api.ilert.invalid"}
		}, check: sentCheckmk},
		{field: "proxy_url", variant: 1, tag: "dry-run", args: []string{"-n"}, setup: func(t *testing.T, h *harness) []string {
			return []string{"HTTP_PROXY=http://127.0.0.1:1"}
		}, check: func(t *testing.T, h *harness, r runResult) {
			if r.code != 0 || !strings.Contains(r.out, "    route: directly, no proxy\n") {
				t.Errorf("NO_PROXY: exit %d; the dry run does not say it goes directly:\n%s", r.code, r.out)
			}
		}},
		{field: "ignore_ssl", variant: 0, setup: tlsFront, check: sentCheckmk},
		{field: "spool", variant: 0, setup: failILert(queuedRetry.MaxAttempts), check: func(t *testing.T, h *harness, r runResult) {
			if r.code != 0 || !strings.Contains(r.out, "iLert: queued (503 Service Unavailable; 1 waiting") || countFiles(t, h.spool, "pending/*/*.req") != 1 {
				t.Errorf("queue on: exit %d, want 0 and the request queued; output:\n%s", r.code, r.out)
			}
		}},
		{field: "spool", variant: 1, setup: failILert(directRetry.MaxAttempts), check: func(t *testing.T, h *harness, r runResult) {
			if _, err := os.Stat(h.spool); r.code != int(checkmk.ExitTemporary) || !strings.Contains(r.out, "not queued (spool=off)") || !os.IsNotExist(err) {
				t.Errorf("queue off: exit %d, want 1 and no queue (%v); output:\n%s", r.code, err, r.out)
			}
		}},
		{field: "max_age", variant: 0, check: sentCheckmk},
		{field: "timeout", variant: 0, check: sentCheckmk},
		// A time limit per request of one second against an iLert that answers after ten.
		{field: "timeout", variant: -1, tag: "slow-iLert", lines: []string{"NOTIFY_PARAMETER_TIMEOUT_REQUEST=1"},
			ruleset: []string{"NOTIFY_PARAMETER_TIMEOUT_REQUEST=1.0"}, setup: func(t *testing.T, h *harness) []string {
				h.ilert.FailNext(queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503, Delay: 10 * time.Second})
				return nil
			}, check: func(t *testing.T, h *harness, r runResult) {
				if r.code != 0 || !strings.Contains(r.out, "iLert: queued (no answer within the time limit") {
					t.Errorf("exit %d; output lacks the time limit:\n%s", r.code, r.out)
				}
			}},
	}
	for _, version := range []string{"legacy", "ruleset"} {
		for _, fr := range runs {
			name := fmt.Sprintf("%s/%s/%d/%s", version, fr.field, fr.variant, fr.tag)
			lines := fr.lines
			if version == "ruleset" && fr.ruleset != nil {
				lines = fr.ruleset
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				root := formSite(t)
				env := withoutEnv(h.env(t, cmpOr(fr.fixture, "service-crit-problem.env")), "NOTIFY_PARAMETER*")
				env = append(env, "OMD_ROOT="+root)
				env = setEnv(env, "NOTIFY_OMD_ROOT", root)
				if !fr.noDest {
					env = append(env, g[version]["ilert_api_key"][0]...)
				}
				if fr.variant >= 0 {
					for _, line := range g[version][fr.field][fr.variant] {
						env = append(env, strings.Replace(line, "=http://proxy:3128", "="+h.ilert.URL(), 1))
					}
				}
				env = append(env, lines...)
				if fr.setup != nil {
					for _, e := range fr.setup(t, h) {
						k, v, _ := strings.Cut(e, "=")
						env = setEnv(env, k, v)
					}
				}
				fr.check(t, h, runBinary(t, env, "", fr.args...))
			})
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func alertOpsOnly(t *testing.T, h *harness, r runResult) {
	t.Helper()
	al := h.alertops.Alerts()
	if r.code != 0 || len(al) != 1 || al[0].Key != fixtureAlertOpsKey || len(h.ilert.Requests()) != 0 {
		t.Fatalf("exit %d, %d AlertOps alerts (want 1 for the key), %d iLert requests (want 0); output:\n%s",
			r.code, len(al), len(h.ilert.Requests()), r.out)
	}
}

func priority(want string) func(t *testing.T, h *harness, r runResult) {
	return func(t *testing.T, h *harness, r runResult) {
		if ev := h.ilert.Events(); r.code != 0 || len(ev) != 1 || string(ev[0].Priority) != want {
			t.Fatalf("exit %d, %d events; want one with priority %s; output:\n%s", r.code, len(ev), want, r.out)
		}
	}
}

func summary(want string) func(t *testing.T, h *harness, r runResult) {
	return func(t *testing.T, h *harness, r runResult) {
		if ev := h.ilert.Events(); r.code != 0 || len(ev) != 1 || ev[0].Summary != want {
			t.Fatalf("exit %d, %d events; want one with the summary %q; output:\n%s", r.code, len(ev), want, r.out)
		}
	}
}

func link(prefix string) func(t *testing.T, h *harness, r runResult) {
	return func(t *testing.T, h *harness, r runResult) {
		ev := h.ilert.Events()
		if r.code != 0 || len(ev) != 1 {
			t.Fatalf("exit %d, %d events; output:\n%s", r.code, len(ev), r.out)
		}
		for _, l := range ev[0].Links {
			if strings.HasPrefix(l.Href, prefix) {
				return
			}
		}
		t.Errorf("links %+v: none starts with %s", ev[0].Links, prefix)
	}
}

// tlsFront puts an HTTPS server with a certificate no one trusts in front of the fake
// iLert, and points the notifier at it.
func tlsFront(t *testing.T, h *harness) []string {
	u, err := url.Parse(h.ilert.URL())
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(u))
	front.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes of TestFormTLSVerification
	front.StartTLS()
	t.Cleanup(front.Close)
	return []string{envILertURL + "=" + front.URL}
}

func failILert(n int) func(t *testing.T, h *harness) []string {
	return func(t *testing.T, h *harness) []string {
		h.ilert.FailNext(n, ilerttest.Failure{Status: 503})
		return nil
	}
}

// TestFormTLSVerification: without ignore_ssl the same TLS front is refused, so that
// TestFormBlackBox's ignore_ssl run proves the field takes effect.
func TestFormTLSVerification(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	env := withoutEnv(h.env(t, "service-crit-problem.env"), "NOTIFY_PARAMETER*")
	env = append(env, goldenFormEnv(t)["legacy"]["ilert_api_key"][0]...)
	for _, e := range tlsFront(t, h) {
		k, v, _ := strings.Cut(e, "=")
		env = setEnv(env, k, v)
	}
	r := runBinary(t, env, "")
	if r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "iLert: rejected (TLS certificate not accepted (ignore_ssl=yes turns verification off))") {
		t.Errorf("exit %d; output:\n%s", r.code, r.out)
	}
}

// TestFormReadsBuiltInEncodings: the alertbridge form reads the password, proxy and URL
// prefix shapes of the built-in iLert forms of Checkmk 2.0 to 2.4 (the fixtures
// params-ilert-*.env) as the built-in form does: here in events mode, where the notifier
// itself uses priority, summary and URL prefix.
func TestFormReadsBuiltInEncodings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		params, priority, prefix string
		proxied                  bool
	}{
		{"params-ilert-2.0-2.1.env", "HIGH", "https://cmk-central/prod/", true},
		{"params-ilert-2.2-2.3.env", "LOW", "https://cmk.example.com/prod/", false},
		{"params-ilert-2.4.env", "HIGH", "https://cmk-central/prod/", false},
		{"params-ilert-2.4-stored.env", "HIGH", "https://cmk.example.com/prod/", true},
	}
	for _, tt := range tests {
		t.Run(tt.params, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			root := formSite(t)
			extra := []string{"OMD_ROOT=" + root, "NOTIFY_OMD_ROOT=" + root, "NOTIFY_PARAMETER_ILERT_MODE=events"}
			if tt.proxied {
				extra = append(extra, "NOTIFY_PARAMETER_PROXY_URL="+h.ilert.URL(), envILertURL+"=http://api.ilert.invalid")
			}
			r := runBinary(t, h.ruleEnv(t, tt.params, extra...), "")
			ev := h.ilert.Events()
			if r.code != 0 || len(ev) != 1 {
				t.Fatalf("exit %d, %d events; output:\n%s", r.code, len(ev), r.out)
			}
			e := ev[0]
			const want = "PROBLEM Service Alert: web01.example.com/Filesystem /var is CRITICAL - Used: 97.12%"
			if e.IntegrationKey != fixtureILertKey || string(e.Priority) != tt.priority || !strings.HasPrefix(e.Summary, want) {
				t.Errorf("key %v, priority %s (want %s), summary %q", e.IntegrationKey == fixtureILertKey, e.Priority, tt.priority, e.Summary)
			}
			if len(e.Links) == 0 || !strings.HasPrefix(e.Links[0].Href, tt.prefix) {
				t.Errorf("links %+v, want them under %s", e.Links, tt.prefix)
			}
		})
	}
}

// TestFormQueueFields: the alertbridge form's queue fields, as Checkmk passes them
// (NOTIFY_PARAMETER_RETRIER=False, NOTIFY_PARAMETER_ILERT_RATE=5; the same in the 2.3/2.4
// and 2.5 encodings), round-trip through the binary: no retrier for a rule that turns it
// off (one for a rule that keeps it on), and at most five requests a minute to the key.
func TestFormQueueFields(t *testing.T) {
	t.Parallel()
	g := goldenFormEnv(t)
	for _, version := range []string{"legacy", "ruleset"} {
		formEnv := func(t *testing.T, h *harness, fixture string, lines ...string) []string {
			env := withoutEnv(h.env(t, fixture), "NOTIFY_PARAMETER*")
			return append(append(env, g[version]["ilert_api_key"][0]...), lines...)
		}
		t.Run(version+"/retrier=False", func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			watchRetriers(t, h.spool)
			if g[version]["retrier"][1][0] != "NOTIFY_PARAMETER_RETRIER=False" {
				t.Fatalf("the golden encoding of the unticked retrier is %v", g[version]["retrier"][1])
			}
			h.ilert.FailNext(queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503})
			r := runBinary(t, withRetrier(formEnv(t, h, "host-down-problem.env", "NOTIFY_PARAMETER_RETRIER=False"), fastSchedule), "")
			if want := "iLert: queued (503 Service Unavailable; 1 waiting, retried on the next run or by flush)"; r.code != 0 || r.lastLines(1)[0] != want {
				t.Errorf("exit %d, last line %q, want %q", r.code, r.lastLines(1)[0], want)
			}
			if p := retrierProcs(t, h.spool); len(p) != 0 {
				t.Errorf("%d retrier(s) started although the rule turned it off", len(p))
			}
		})
		t.Run(version+"/retrier=True", func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			watchRetriers(t, h.spool)
			h.ilert.FailNext(queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503})
			r := runBinary(t, withRetrier(formEnv(t, h, "host-down-problem.env", g[version]["retrier"][0]...), fastSchedule), "")
			if want := "iLert: queued (503 Service Unavailable; 1 waiting, retrying in the background)"; r.code != 0 || r.lastLines(1)[0] != want {
				t.Errorf("exit %d, last line %q, want %q", r.code, r.lastLines(1)[0], want)
			}
			if !waitFor(time.Minute, func() bool { return len(h.ilert.CheckmkEvents()) == 1 }) || !waitNoRetrier(t, h.spool, time.Minute) {
				t.Errorf("the retrier did not deliver and exit")
			}
		})
		t.Run(version+"/ilert_rate=5", func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			for i := range 6 {
				env := setEnv(formEnv(t, h, "host-down-problem.env", "NOTIFY_PARAMETER_ILERT_RATE=5"), "NOTIFY_HOSTNAME", fmt.Sprintf("host%d", i))
				r := runBinary(t, env, "")
				want := fmt.Sprintf("iLert: sent (202, PROBLEM host%d)", i)
				if i == 5 {
					want = "iLert: queued (paced: at most 5 per minute per alert source (ilert_rate=5); 1 waiting, retried on the next run or by flush)"
				}
				if r.code != 0 || r.lastLines(1)[0] != want {
					t.Errorf("run %d: exit %d, last line %q, want %q", i, r.code, r.lastLines(1)[0], want)
				}
			}
			if n := len(h.ilert.CheckmkEvents()); n != 5 {
				t.Errorf("iLert received %d events within the minute, want 5", n)
			}
		})
	}
}
