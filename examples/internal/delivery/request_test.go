package delivery_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

const (
	testKey           = "il1api0123456789abcdef"
	testURL           = "https://notify.alertops.com/POSTAlert/aokey-0123456789/Relay"
	testProxyPassword = "pr0xyPassw0rd"
	testProxy         = "http://alice:" + testProxyPassword + "@proxy.example:3128"
)

func sampleRequests() map[string]delivery.Request {
	return map[string]delivery.Request{
		"ilert": delivery.ILert(ilert.Event{
			IntegrationKey: testKey,
			EventType:      ilert.EventTypeAlert,
			Summary:        "web01 is DOWN",
			AlertKey:       "healthchecks/0d7a",
			Labels:         map[string]string{"tag": "true"},
			CustomDetails:  map[string]any{"pings": float64(3), "tags": []any{"a", "b"}},
		}).WithRef("webhook-7"),
		"ilert-checkmk": delivery.ILertCheckmk(testKey, map[string]string{"HOSTNAME": "web01", "NOTIFICATIONTYPE": "PROBLEM"}),
		"ilert-nagios": delivery.ILertNagios(testKey, map[string]string{"NOTIFY_HOSTNAME": "web01", "NOTIFY_NOTIFICATIONTYPE": "PROBLEM"}).
			WithTransport(delivery.Transport{ILertURL: "https://ilert.example", Proxy: testProxy, IgnoreSSL: true}).
			WithRef("PROBLEM web01"),
		"ilert-checkmk-direct": delivery.ILertCheckmk(testKey, map[string]string{"HOSTNAME": "db02", "NOTIFICATIONTYPE": "RECOVERY"}).
			WithTransport(delivery.Transport{Proxy: delivery.NoProxy}),
		"alertops": delivery.AlertOps(testURL, alertops.Alert{
			EventKey: "level/abc", Source: "Level", Host: "pc01", State: "CRITICAL",
			Severity: alertops.SeverityCritical, NotificationType: "PROBLEM",
			Summary: "CRITICAL: disk", Message: "disk", Timestamp: time.Date(2026, 8, 20, 9, 41, 8, 0, time.UTC),
		}),
		"checkmk": delivery.Checkmk(checkmk.Action{Kind: checkmk.ActionAcknowledge, Site: "prod", Host: "web01",
			Service: "Filesystem /var", Comment: "Accepted in iLert by Jane Doe", Sticky: true,
			AlertID: "2983781", EventType: ilert.AlertEventAcknowledged, IdempotencyKey: "2983781/alert-acknowledged"}).
			WithRef("ilert-00000000000000a1"),
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	t.Parallel()
	for name, req := range sampleRequests() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			payload, err := req.Encode()
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			got, err := delivery.Decode(payload)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(req, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			testutil.GoldenJSON(t, "testdata/"+name+".golden.json", payload)
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, payload, want string }{
		{"empty", ``, "does not decode"},
		{"not JSON", `sink=ilert`, "does not decode"},
		{"not an object", `[1]`, "does not decode"},
		{"no version", `{"sink":"ilert","ilert":{}}`, "unsupported version 0"},
		{"future version", `{"v":4,"sink":"ilert","ilert":{}}`, "unsupported version 4 (this program reads versions 1 to 3)"},
		{"version 3 as JSON", `{"v":3,"sink":"ilert","ilert":{}}`, "version 3 is not written as JSON"},
		{"no sink", `{"v":1,"kind":"ilert-checkmk","key":"` + testKey + `","body":{}}`, "it names no sink"},
		{"nagios without notification", `{"v":2,"sink":"ilert-nagios"}`, "no Nagios notification"},
		{"proxy not a URL", `{"v":2,"sink":"ilert","ilert":{},"transport":{"proxy":"alice:` + testProxyPassword + `"}}`, "the proxy is not NO_PROXY or an absolute URL"},
		{"iLert URL not http", `{"v":2,"sink":"ilert","ilert":{},"transport":{"ilertURL":"ftp://` + testKey + `"}}`, "the iLert URL is not an absolute http or https URL"},
		{"unknown sink", `{"v":1,"sink":"pagerduty"}`, `unknown sink "pagerduty"`},
		{"ilert without event", `{"v":1,"sink":"ilert"}`, "no iLert event"},
		{"checkmk without notification", `{"v":1,"sink":"ilert-checkmk"}`, "no Checkmk notification"},
		{"alertops without URL", `{"v":1,"sink":"alertops","alertops":{"EventKey":"k"}}`, "no AlertOps alert or webhook URL"},
		{"checkmk without action", `{"v":2,"sink":"checkmk"}`, "no Checkmk action"},
		{"checkmk action without host", `{"v":2,"sink":"checkmk","checkmkAction":{"kind":"comment","comment":"c"}}`, "checkmk action: no host"},
		{"checkmk unknown action", `{"v":2,"sink":"checkmk","checkmkAction":{"kind":"downtime","host":"h"}}`, `unknown action "downtime"`},
		{"trailing data", `{"v":1,"sink":"ilert","ilert":{}} {}`, "data after the request"},
		{"secret in a wrong type", `{"v":1,"sink":"ilert","ilert":{"integrationKey":["` + testKey + `"]}}`, "does not decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := delivery.Decode([]byte(tt.payload))
			if !errors.Is(err, delivery.ErrInvalidRequest) {
				t.Fatalf("Decode error = %v, want one wrapping ErrInvalidRequest", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode error = %q, want it to contain %q", err, tt.want)
			}
			testutil.AssertNoSecret(t, "error", err.Error(), testKey, testProxyPassword)
		})
	}
}

func TestEncodeInvalid(t *testing.T) {
	t.Parallel()
	tests := map[string]delivery.Request{
		"zero":             {},
		"ilert nil event":  {Sink: delivery.SinkILert},
		"alertops no URL":  {Sink: delivery.SinkAlertOps, AlertOps: &alertops.Alert{}},
		"sink not a sink":  {Sink: "ilert "},
		"checkmk nil body": {Sink: delivery.SinkILertCheckmk},
		"checkmk action":   {Sink: delivery.SinkCheckmk},
		"ack no comment":   delivery.Checkmk(checkmk.Action{Kind: checkmk.ActionAcknowledge, Host: "web01"}),
	}
	for name, req := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := req.Encode(); !errors.Is(err, delivery.ErrInvalidRequest) {
				t.Errorf("Encode error = %v, want ErrInvalidRequest", err)
			}
		})
	}
}

func TestRequestFormatHidesSecrets(t *testing.T) {
	t.Parallel()
	for name, req := range sampleRequests() {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			got := fmt.Sprintf(verb, req)
			testutil.AssertNoSecret(t, name+" "+verb, got, testKey, testURL, "aokey-0123456789", testProxyPassword)
			if !strings.Contains(got, string(req.Sink)) {
				t.Errorf("%s %s = %q, want the sink named", name, verb, got)
			}
		}
	}
}

func TestSinkAndStateValid(t *testing.T) {
	t.Parallel()
	for _, s := range []delivery.Sink{delivery.SinkILert, delivery.SinkILertCheckmk, delivery.SinkILertNagios, delivery.SinkAlertOps, delivery.SinkCheckmk} {
		if !s.Valid() {
			t.Errorf("%q.Valid() = false", s)
		}
	}
	if delivery.Sink("ILERT").Valid() {
		t.Error(`Sink("ILERT").Valid() = true`)
	}
	for _, v := range []delivery.State{delivery.StateSent, delivery.StateNothingToDo, delivery.StateQueued,
		delivery.StateRejected} {
		if !v.Valid() {
			t.Errorf("%q.Valid() = false", v)
		}
	}
	if delivery.State("").Valid() {
		t.Error(`State("").Valid() = true`)
	}
}

// TestEncodeVersion: a request without the additions of version 2 is written as version 1,
// byte for byte as before, so that the relay's queue reads the same to older programs.
func TestEncodeVersion(t *testing.T) {
	t.Parallel()
	want := map[string]string{"ilert": `{"v":1,`, "ilert-checkmk": `{"v":1,`, "alertops": `{"v":1,`,
		"ilert-nagios": `{"v":2,`, "ilert-checkmk-direct": `{"v":2,`, "checkmk": `{"v":2,`}
	for name, req := range sampleRequests() {
		payload, err := req.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(payload), want[name]) {
			t.Errorf("%s encodes as %.12s…, want %s…", name, payload, want[name])
		}
	}
}

func TestRequestSecrets(t *testing.T) {
	t.Parallel()
	reqs := sampleRequests()
	tests := map[string][]string{
		"ilert":                {testKey},
		"ilert-nagios":         {testKey, testProxy, "alice:" + testProxyPassword, testProxyPassword},
		"ilert-checkmk-direct": {testKey},
		"alertops":             {testURL, "aokey-0123456789"},
		"checkmk":              nil,
	}
	for name, want := range tests {
		if diff := cmp.Diff(want, reqs[name].Secrets()); diff != "" {
			t.Errorf("%s: Secrets() (-want +got):\n%s", name, diff)
		}
	}
}
