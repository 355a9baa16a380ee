package main

import (
	"github.com/alertbridge/alertbridge/checkmk"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/ilert/ilerttest"
)

// nagiosEvent is what the fake iLert's 1.x Nagios endpoint received.
type nagiosEvent ilerttest.NagiosEvent

func (e nagiosEvent) get(k string) string { return e.Variables[k] }

// nagiosReceived returns the events the fake iLert accepted on its Nagios endpoint.
func nagiosReceived(h *harness) []nagiosEvent {
	var out []nagiosEvent
	for _, e := range h.ilert.NagiosEvents() {
		out = append(out, nagiosEvent(e))
	}
	return out
}

// TestNagios: iLert 1.x users keep their rule (the API key as the only script parameter);
// the notification goes to the 1.x endpoint in the 1.x plug-in's XML, with the queue
// instead of a cron job.
func TestNagios(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	env := func(fixture string, params ...string) []string {
		e := withoutEnv(h.env(t, fixture), "NOTIFY_PARAMETER*")
		for i, p := range params {
			e = append(e, "NOTIFY_PARAMETER_"+string(rune('1'+i))+"="+p)
		}
		return append(e, "NOTIFY_PARAMETERS="+strings.Join(params, " "))
	}

	r := runBinary(t, env("service-crit-problem.env", fixtureILertKey), "")
	if r.code != int(checkmk.ExitSent) || r.lastLines(1)[0] != "iLert: sent (200, PROBLEM web01/Filesystem /var)" {
		t.Fatalf("exit %d; output:\n%s", r.code, r.out)
	}
	got := nagiosReceived(h)
	if len(got) != 1 {
		t.Fatalf("the Nagios endpoint received %d events, want 1", len(got))
	}
	ev := got[0]
	if ev.IntegrationKey != fixtureILertKey {
		t.Errorf("apiKey is not the rule's key")
	}
	for k, want := range map[string]string{"PLUGIN_VERSION": "1.7", "NOTIFY_HOSTNAME": "web01",
		"NOTIFY_SERVICEDESC": "Filesystem /var", "NOTIFY_NOTIFICATIONTYPE": "PROBLEM", "NOTIFY_WHAT": "SERVICE"} {
		if v := ev.get(k); v != want {
			t.Errorf("entry %s = %q, want %q", k, v, want)
		}
	}
	for k, v := range ev.Variables {
		if strings.HasPrefix(k, "NOTIFY_PARAMETER") || strings.Contains(v, fixtureILertKey) {
			t.Errorf("payload entry %s carries the script's parameters or the key", k)
		}
	}

	// Ignored types are not sent; an outage queues, the next run delivers in order.
	r = runBinary(t, env("host-downtimestart.env", fixtureILertKey), "")
	if r.code != int(checkmk.ExitSent) || !strings.HasPrefix(r.lastLines(1)[0], "iLert: ignored (DOWNTIMESTART") {
		t.Errorf("downtime: exit %d; output:\n%s", r.code, r.out)
	}
	h.ilert.FailNext(2, ilerttest.Failure{Status: 503})
	r = runBinary(t, env("service-ack.env", "ilert="+fixtureILertKey, "ilert_mode=nagios"), "")
	if r.code != int(checkmk.ExitSent) || !strings.HasPrefix(r.lastLines(1)[0], "iLert: queued (503 Service Unavailable; 1 waiting") {
		t.Errorf("outage: exit %d; output:\n%s", r.code, r.out)
	}
	r = runBinary(t, h.baseEnv(), "", "flush")
	if r.code != int(checkmk.ExitSent) {
		t.Errorf("flush: exit %d; output:\n%s", r.code, r.out)
	}
	got = nagiosReceived(h)
	if len(got) != 2 || got[1].get("NOTIFY_NOTIFICATIONTYPE") != "ACKNOWLEDGEMENT" {
		t.Errorf("after the flush the endpoint has %d events, want 2 ending with the ACKNOWLEDGEMENT", len(got))
	}

	// A rejection (wrong alert source type) is permanent.
	h.ilert.FailNext(1, ilerttest.Failure{Status: 404, Body: "<error>not found</error>"})
	r = runBinary(t, env("service-ok-recovery.env", fixtureILertKey), "")
	if r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "iLert: rejected (404 Not Found: invalid API key or not a Nagios alert source?) — moved to failed/") {
		t.Errorf("rejection: exit %d; output:\n%s", r.code, r.out)
	}

	// The dry run shows the XML with the place of the key marked.
	r = runBinary(t, env("service-crit-problem.env", fixtureILertKey), "", "--dry-run")
	if !strings.Contains(r.out, "<event><apiKey>[secret]</apiKey><payload>") {
		t.Errorf("dry run does not show the XML:\n%s", r.out)
	}
}
