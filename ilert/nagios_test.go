package ilert_test

import (
	"context"
	"encoding/xml"
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// nagiosVars are the variables the 1.x plug-in sends for a notification context: every
// name with the NOTIFY_ prefix.
func nagiosVars(t testing.TB, files ...string) map[string]string {
	t.Helper()
	vars := map[string]string{}
	for k, v := range readEnv(t, files...) {
		vars["NOTIFY_"+k] = v
	}
	return vars
}

func TestSendNagios(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	c, _ := newClient(t, srv.URL())
	vars := nagiosVars(t, "service-crit-problem.env", "params-ilert-2.4.env")
	vars["NOTIFY_SERVICEOUTPUT"] = `CRIT - 97% used <"/var" & 'x'>`
	res, err := c.SendNagios(context.Background(), testKey, vars)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Attempts != 1 {
		t.Errorf("response %+v, want 200 after 1 attempt", res)
	}
	if len(res.ScrubbedVariables) != 8 {
		t.Errorf("scrubbed %v, want the 5 API key variables and the 3 script parameters", res.ScrubbedVariables)
	}
	r := srv.Requests()[0]
	if r.Method != http.MethodPost || r.Path != "/api/v1/events/nagios" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	for name, want := range map[string]string{"Content-Type": "application/xml", "Accept": "application/xml", "Authorization": ""} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	got := srv.NagiosEvents()
	if len(got) != 1 || got[0].IntegrationKey != testKey {
		t.Fatalf("recorded %d events (key right: %t), want 1", len(got), len(got) == 1 && got[0].IntegrationKey == testKey)
	}
	want := maps.Clone(vars)
	for _, name := range res.ScrubbedVariables {
		delete(want, name)
	}
	want["PLUGIN_VERSION"] = ilert.NagiosPluginVersion
	if diff := cmp.Diff(want, got[0].Variables); diff != "" {
		t.Errorf("variables iLert received (-want +got):\n%s", diff)
	}
	for name, v := range got[0].Variables {
		testutil.AssertNoSecret(t, "variable "+name, v, testKey)
	}

	if _, err := c.SendNagios(context.Background(), " ", vars); !errors.Is(err, ilert.ErrInvalidEvent) {
		t.Errorf("empty key: %v", err)
	}
	if _, err := c.SendNagios(context.Background(), testKey, nil); !errors.Is(err, ilert.ErrInvalidEvent) {
		t.Errorf("no variables: %v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("invalid calls sent %d requests", n-1)
	}
}

func TestSendNagiosAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		failure       ilerttest.Failure
		wantRetryable bool
		wantLimited   bool
	}{
		{name: "404 wrong source type", failure: ilerttest.Failure{Status: 404, Body: "<error>not found</error>"}},
		{name: "401 with JSON", failure: ilerttest.Failure{Status: 401, Code: "UNAUTHORIZED"}},
		{name: "503", failure: ilerttest.Failure{Status: 503}, wantRetryable: true},
		{name: "429", failure: ilerttest.Failure{Status: 429}, wantRetryable: true, wantLimited: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			srv.FailNext(1, tt.failure)
			c, _ := newClient(t, srv.URL(), ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: 1}))
			_, err := c.SendNagios(context.Background(), testKey, map[string]string{"NOTIFY_HOSTNAME": "web01"})
			var apiErr *ilert.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.failure.Status {
				t.Fatalf("error %v, want an APIError with status %d", err, tt.failure.Status)
			}
			if ilert.IsRetryable(err) != tt.wantRetryable || ilert.IsPermanent(err) == tt.wantRetryable ||
				ilert.IsRateLimited(err) != tt.wantLimited || ilert.IsBenign(err) {
				t.Errorf("classified retryable %t, permanent %t, rate limited %t, benign %t; want retryable %t, rate limited %t",
					ilert.IsRetryable(err), ilert.IsPermanent(err), ilert.IsRateLimited(err), ilert.IsBenign(err), tt.wantRetryable, tt.wantLimited)
			}
			testutil.AssertNoSecret(t, "error", err.Error(), testKey)
			testutil.AssertNoSecret(t, "error URL", apiErr.URL, testKey)
		})
	}
}

func TestNagiosXML(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		key  string
		vars map[string]string
	}{
		"service-crit-problem": {"il1api-golden-example", nagiosVars(t, "service-crit-problem.env")},
		"escaping":             {`k&<"'>`, map[string]string{`NOTIFY_A"B`: "x\ny\t<z>", "NOTIFY_CTRL": "bell\x07 \xff end", "PLUGIN_VERSION": "1.6"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := ilert.NagiosXML(tt.key, tt.vars)
			testutil.GoldenText(t, "testdata/golden/nagios-"+name+".golden.xml", got)
			if _, err := parseNagios(got); err != nil {
				t.Errorf("the body does not parse as XML: %v", err)
			}
		})
	}
}

// nagiosEvent is the 1.x XML as the tests read it back.
type nagiosEvent struct {
	APIKey  string `xml:"apiKey"`
	Entries []struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	} `xml:"payload>entry"`
}

func parseNagios(body []byte) (nagiosEvent, error) {
	var ev nagiosEvent
	if !strings.HasPrefix(string(body), `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><event><apiKey>`) {
		return ev, errors.New("does not start with the declaration and <event><apiKey>")
	}
	return ev, xml.Unmarshal(body, &ev)
}

// FuzzNagiosXML: whatever the key and variables, the body is well-formed XML that reads
// back as the key and the variables, with the characters XML cannot hold replaced.
func FuzzNagiosXML(f *testing.F) {
	f.Add("il1api-example", "NOTIFY_HOSTNAME", "web01", "NOTIFY_SERVICEOUTPUT", "CRIT - 97% used")
	f.Add(`k&<"'>`, `NOTIFY_A"B`, "x\ny\t<z>", "NOTIFY_CTRL", "bell\x07 \xff end")
	f.Add("k", "PLUGIN_VERSION", "1.6", "NOTIFY_X", "]]>")
	f.Fuzz(func(t *testing.T, key, name1, value1, name2, value2 string) {
		if strings.TrimSpace(key) == "" {
			return
		}
		vars := map[string]string{name1: value1, name2: value2}
		ev, err := parseNagios(ilert.NagiosXML(key, vars))
		if err != nil {
			t.Fatalf("body does not parse: %v", err)
		}
		if ev.APIKey != xmlText(key) {
			t.Errorf("apiKey %q, want %q", ev.APIKey, xmlText(key))
		}
		scrubbed, _ := ilert.ScrubCheckmkContext(key, vars)
		if _, ok := scrubbed["PLUGIN_VERSION"]; !ok {
			scrubbed["PLUGIN_VERSION"] = ilert.NagiosPluginVersion
		}
		got := map[string]string{}
		for _, e := range ev.Entries {
			got[e.Key] = e.Value
		}
		want := map[string]string{}
		for k, v := range scrubbed {
			want[xmlText(k)] = xmlText(v)
		}
		if len(want) != len(scrubbed) {
			return // two names that differ only in characters XML cannot hold
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("entries (-want +got):\n%s", diff)
		}
	})
}

// xmlText is s as an XML parser reads it back after xml.EscapeText: characters XML cannot
// hold become U+FFFD.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	var out string
	if err := xml.Unmarshal([]byte("<x>"+b.String()+"</x>"), &out); err != nil {
		return "unparsable: " + err.Error()
	}
	return out
}
