package delivery_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

const (
	testKey = "il1api0123456789abcdef"
	testURL = "https://notify.alertops.com/POSTAlert/aokey-0123456789/Relay"
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
		"alertops": delivery.AlertOps(testURL, alertops.Alert{
			EventKey: "level/abc", Source: "Level", Host: "pc01", State: "CRITICAL",
			Severity: alertops.SeverityCritical, NotificationType: "PROBLEM",
			Summary: "CRITICAL: disk", Message: "disk", Timestamp: time.Date(2026, 8, 20, 9, 41, 8, 0, time.UTC),
		}),
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
		{"future version", `{"v":2,"sink":"ilert","ilert":{}}`, "unsupported version 2"},
		{"unknown sink", `{"v":1,"sink":"pagerduty"}`, `unknown sink "pagerduty"`},
		{"ilert without event", `{"v":1,"sink":"ilert"}`, "no iLert event"},
		{"checkmk without notification", `{"v":1,"sink":"ilert-checkmk"}`, "no Checkmk notification"},
		{"alertops without URL", `{"v":1,"sink":"alertops","alertops":{"EventKey":"k"}}`, "no AlertOps alert or webhook URL"},
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
			testutil.AssertNoSecret(t, "error", err.Error(), testKey)
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
			testutil.AssertNoSecret(t, name+" "+verb, got, testKey, testURL, "aokey-0123456789")
			if !strings.Contains(got, string(req.Sink)) {
				t.Errorf("%s %s = %q, want the sink named", name, verb, got)
			}
		}
	}
}

func TestSinkAndVerdictValid(t *testing.T) {
	t.Parallel()
	for _, s := range []delivery.Sink{delivery.SinkILert, delivery.SinkILertCheckmk, delivery.SinkAlertOps} {
		if !s.Valid() {
			t.Errorf("%q.Valid() = false", s)
		}
	}
	if delivery.Sink("ILERT").Valid() {
		t.Error(`Sink("ILERT").Valid() = true`)
	}
	for _, v := range []delivery.Verdict{delivery.VerdictDelivered, delivery.VerdictBenign, delivery.VerdictRetry, delivery.VerdictRateLimited, delivery.VerdictRejected} {
		if !v.Valid() {
			t.Errorf("%q.Valid() = false", v)
		}
	}
	if delivery.Verdict("").Valid() {
		t.Error(`Verdict("").Valid() = true`)
	}
}
