package main

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// nagiosFake is iLert's /api/v1/events/nagios endpoint as iLert's 1.x plug-in uses it.
type nagiosFake struct {
	srv    *httptest.Server
	mu     sync.Mutex
	events []nagiosEvent
	fail   []int // statuses for the next requests
	tries  int
}

type nagiosEvent struct {
	APIKey  string `xml:"apiKey"`
	Entries []struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	} `xml:"payload>entry"`
	raw string
}

func (e nagiosEvent) get(k string) string {
	for _, en := range e.Entries {
		if en.Key == k {
			return en.Value
		}
	}
	return ""
}

func newNagiosFake(t *testing.T) *nagiosFake {
	f := &nagiosFake{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.tries++
		if r.Method != http.MethodPost || r.URL.Path != nagiosPath || r.Header.Get("Content-Type") != "application/xml" {
			http.Error(w, "wrong request", http.StatusNotFound)
			return
		}
		if len(f.fail) > 0 {
			code := f.fail[0]
			f.fail = f.fail[1:]
			w.WriteHeader(code)
			return
		}
		b, _ := io.ReadAll(r.Body)
		var ev nagiosEvent
		if !strings.HasPrefix(string(b), `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><event>`) || xml.Unmarshal(b, &ev) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		ev.raw = string(b)
		f.events = append(f.events, ev)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *nagiosFake) received() []nagiosEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]nagiosEvent(nil), f.events...)
}

// TestNagios: iLert 1.x users keep their rule (the API key as the only script parameter);
// the notification goes to the 1.x endpoint in the 1.x plug-in's XML, with the queue
// instead of a cron job.
func TestNagios(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	nf := newNagiosFake(t)
	env := func(fixture string, params ...string) []string {
		e := withoutEnv(h.env(t, fixture, envILertURL+"="+nf.srv.URL), "NOTIFY_PARAMETER*")
		for i, p := range params {
			e = append(e, "NOTIFY_PARAMETER_"+string(rune('1'+i))+"="+p)
		}
		return append(e, "NOTIFY_PARAMETERS="+strings.Join(params, " "))
	}

	r := runBinary(t, env("service-crit-problem.env", fixtureILertKey), "")
	if r.code != exitOK || r.lastLines(1)[0] != "iLert: sent (200, PROBLEM web01/Filesystem /var)" {
		t.Fatalf("exit %d; output:\n%s", r.code, r.out)
	}
	got := nf.received()
	if len(got) != 1 {
		t.Fatalf("the Nagios endpoint received %d events, want 1", len(got))
	}
	ev := got[0]
	if ev.APIKey != fixtureILertKey {
		t.Errorf("apiKey is not the rule's key")
	}
	for k, want := range map[string]string{"PLUGIN_VERSION": "1.7", "NOTIFY_HOSTNAME": "web01",
		"NOTIFY_SERVICEDESC": "Filesystem /var", "NOTIFY_NOTIFICATIONTYPE": "PROBLEM", "NOTIFY_WHAT": "SERVICE"} {
		if v := ev.get(k); v != want {
			t.Errorf("entry %s = %q, want %q", k, v, want)
		}
	}
	for _, en := range ev.Entries {
		if strings.HasPrefix(en.Key, "NOTIFY_PARAMETER") || strings.Contains(en.Value, fixtureILertKey) {
			t.Errorf("payload entry %s carries the script's parameters or the key", en.Key)
		}
	}

	// Ignored types are not sent; an outage queues, the next run delivers in order.
	r = runBinary(t, env("host-downtimestart.env", fixtureILertKey), "")
	if r.code != exitOK || !strings.HasPrefix(r.lastLines(1)[0], "iLert: ignored (DOWNTIMESTART") {
		t.Errorf("downtime: exit %d; output:\n%s", r.code, r.out)
	}
	nf.mu.Lock()
	nf.fail = []int{503, 503}
	nf.mu.Unlock()
	r = runBinary(t, env("service-ack.env", "ilert="+fixtureILertKey, "ilert_mode=nagios"), "")
	if r.code != exitOK || !strings.HasPrefix(r.lastLines(1)[0], "iLert: queued (503 Service Unavailable; 1 waiting") {
		t.Errorf("outage: exit %d; output:\n%s", r.code, r.out)
	}
	r = runBinary(t, h.baseEnv(), "", "flush")
	if r.code != exitOK {
		t.Errorf("flush: exit %d; output:\n%s", r.code, r.out)
	}
	got = nf.received()
	if len(got) != 2 || got[1].get("NOTIFY_NOTIFICATIONTYPE") != "ACKNOWLEDGEMENT" {
		t.Errorf("after the flush the endpoint has %d events, want 2 ending with the ACKNOWLEDGEMENT", len(got))
	}

	// A rejection (wrong alert source type) is permanent.
	nf.mu.Lock()
	nf.fail = []int{404}
	nf.mu.Unlock()
	r = runBinary(t, env("service-ok-recovery.env", fixtureILertKey), "")
	if r.code != exitPermanent || !strings.Contains(r.out, "iLert: rejected (404 Not Found: invalid API key or not a Nagios alert source?) — moved to failed/") {
		t.Errorf("rejection: exit %d; output:\n%s", r.code, r.out)
	}

	// The dry run shows the XML with the key redacted.
	r = runBinary(t, env("service-crit-problem.env", fixtureILertKey), "", "--dry-run")
	if !strings.Contains(r.out, "<event><apiKey>[redacted]</apiKey><payload>") {
		t.Errorf("dry run does not show the XML:\n%s", r.out)
	}
}
