package level

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/httpx"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

// alertFixtures are the webhook fixtures that carry alerts.
var alertFixtures = []string{
	"alert_active.documented-minimal.json",
	"alert_active.inferred.json",
	"alert_active.warning-nopayload.inferred.json",
	"alert_resolved.inferred.json",
}

// nonAlertFixtures are the webhook fixtures that carry no alert.
var nonAlertFixtures = []string{
	"device_updated.inferred.json",
	"level-webhook-envelope.request.json",
}

func decodeFixture(t testing.TB, name string) *Event {
	t.Helper()
	e, err := Decode(fixture(t, name))
	if err != nil {
		t.Fatalf("Decode %s: %v", name, err)
	}
	return e
}

// goldenPath is testdata/<fixture without .json>.<sink>.golden.json.
func goldenPath(fixtureName, sink string) string {
	return filepath.Join("testdata", strings.TrimSuffix(fixtureName, ".json")+"."+sink+".golden.json")
}

func TestToILertGolden(t *testing.T) {
	t.Parallel()
	for _, name := range alertFixtures {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ev, err := ToILert(decodeFixture(t, name))
			if err != nil {
				t.Fatalf("ToILert: %v", err)
			}
			checkILertInvariants(t, ev)
			got, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			testutil.GoldenJSON(t, goldenPath(name, "ilert"), got)
		})
	}
}

// checkILertInvariants checks what every mapped event must satisfy.
func checkILertInvariants(t testing.TB, ev ilert.Event) {
	t.Helper()
	if !ev.EventType.Valid() {
		t.Errorf("EventType %q is not valid", ev.EventType)
	}
	if ev.Priority != "" && !ev.Priority.Valid() {
		t.Errorf("Priority %q is not valid", ev.Priority)
	}
	if ev.IntegrationKey != "" {
		t.Errorf("IntegrationKey = %q, want it left to the caller", ev.IntegrationKey)
	}
	if ev.EventType == ilert.EventTypeAlert && ev.Summary == "" {
		t.Error("ALERT without a summary")
	}
	if !utf8.ValidString(ev.Summary) || strings.ContainsAny(ev.Summary, "\r\n") {
		t.Errorf("Summary %q is not one line of valid UTF-8", ev.Summary)
	}
	if _, err := json.Marshal(ev); err != nil {
		t.Errorf("the event does not marshal: %v", err)
	}
	ev.IntegrationKey = "il1api-test"
	if err := ev.Validate(); err != nil {
		t.Errorf("the mapped event does not pass ilert's Validate: %v", err)
	}
}

func TestToILertPairsActiveAndResolved(t *testing.T) {
	t.Parallel()
	active, err := ToILert(decodeFixture(t, "alert_active.inferred.json"))
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := ToILert(decodeFixture(t, "alert_resolved.inferred.json"))
	if err != nil {
		t.Fatal(err)
	}
	if active.EventType != ilert.EventTypeAlert || resolved.EventType != ilert.EventTypeResolve {
		t.Errorf("event types = %s, %s; want ALERT, RESOLVE", active.EventType, resolved.EventType)
	}
	if active.AlertKey == "" || active.AlertKey != resolved.AlertKey {
		t.Errorf("alert keys %q and %q differ", active.AlertKey, resolved.AlertKey)
	}
	other, err := ToILert(decodeFixture(t, "alert_active.warning-nopayload.inferred.json"))
	if err != nil {
		t.Fatal(err)
	}
	if other.AlertKey == active.AlertKey {
		t.Errorf("two different alerts share the key %q", other.AlertKey)
	}
}

func TestToILertNotAlert(t *testing.T) {
	t.Parallel()
	events := map[string]*Event{
		"nil":          nil,
		"unknown type": {Type: "alert_acknowledged", ID: "e1", Alert: &Alert{ID: "a1"}},
		"device type":  {Type: EventDeviceCreated, ID: "e1", Alert: &Alert{ID: "a1"}},
	}
	for _, name := range nonAlertFixtures {
		events[name] = decodeFixture(t, name)
	}
	for name, e := range events {
		if got, err := ToILert(e); !errors.Is(err, ErrNotAlert) {
			t.Errorf("%s: ToILert = %+v, %v; want ErrNotAlert", name, got, err)
		}
		if got, err := ToAlertOps(e); !errors.Is(err, ErrNotAlert) {
			t.Errorf("%s: ToAlertOps = %+v, %v; want ErrNotAlert", name, got, err)
		}
	}
}

func TestAlertEventWithoutAlertIsForwarded(t *testing.T) {
	t.Parallel()
	e := &Event{Type: EventAlertResolved, ID: "e1"} // built by hand, no Alert
	ev, err := ToILert(e)
	if err != nil {
		t.Fatalf("ToILert: %v", err)
	}
	if ev.EventType != ilert.EventTypeResolve || ev.AlertKey != "level/event/e1" || ev.Summary != "RESOLVED: Level alert" {
		t.Errorf("ToILert = %s %q %q", ev.EventType, ev.AlertKey, ev.Summary)
	}
	a, err := ToAlertOps(e)
	if err != nil {
		t.Fatalf("ToAlertOps: %v", err)
	}
	if !a.Resolved || a.EventKey != "level/event/e1" {
		t.Errorf("ToAlertOps = Resolved %v, EventKey %q", a.Resolved, a.EventKey)
	}
	if e.Alert != nil {
		t.Error("the mapping modified its input")
	}
}

func TestToILertPriority(t *testing.T) {
	t.Parallel()
	tests := []struct {
		severity Severity
		want     ilert.Priority
	}{
		{SeverityEmergency, ilert.PriorityHigh},
		{SeverityCritical, ilert.PriorityHigh},
		{"CRITICAL", ilert.PriorityHigh},
		{" Emergency ", ilert.PriorityHigh},
		{SeverityWarning, ilert.PriorityLow},
		{SeverityInformation, ilert.PriorityLow},
		{"info", ilert.PriorityLow},
		{"", ""},
		{"fatal", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.severity), func(t *testing.T) {
			t.Parallel()
			e := &Event{Type: EventAlertActive, ID: "e1", Alert: &Alert{ID: "a1", Severity: tt.severity}}
			got, err := ToILert(e)
			if err != nil {
				t.Fatal(err)
			}
			if got.Priority != tt.want {
				t.Errorf("ALERT priority = %q, want %q", got.Priority, tt.want)
			}
			e.Type = EventAlertResolved
			if got, _ := ToILert(e); got.Priority != "" {
				t.Errorf("RESOLVE priority = %q, want unset", got.Priority)
			}
		})
	}
}

func TestAlertKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		e    *Event
		want string
	}{
		{"alert id", &Event{ID: "e1", Alert: &Alert{ID: "a1"}}, "level/a1"},
		{"no alert id", &Event{ID: "e1", Alert: &Alert{}}, "level/event/e1"},
		{"no alert", &Event{ID: "e1"}, "level/event/e1"},
		{"nothing", &Event{Alert: &Alert{}}, ""},
		{"nil", nil, ""},
	}
	for _, tt := range tests {
		if got := tt.e.AlertKey(); got != tt.want {
			t.Errorf("%s: AlertKey() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestMappingWithoutIdentityIsPermanent(t *testing.T) {
	t.Parallel()
	for _, typ := range []EventType{EventAlertActive, EventAlertResolved} {
		e := &Event{Type: typ, Alert: &Alert{Name: "Disk full"}}
		if _, err := ToILert(e); !errors.Is(err, ErrNoIdentity) || !httpx.IsPermanent(err) {
			t.Errorf("ToILert(%s without ids) = %v, want a permanent ErrNoIdentity", typ, err)
		}
		if _, err := ToAlertOps(e); !errors.Is(err, ErrNoIdentity) || !httpx.IsPermanent(err) {
			t.Errorf("ToAlertOps(%s without ids) = %v, want a permanent ErrNoIdentity", typ, err)
		}
	}
}

func TestSummaryAndDetails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		e           *Event
		wantSummary string
		wantDetails string
	}{
		{
			name:        "bare alert",
			e:           &Event{Type: EventAlertActive, ID: "e1", Alert: &Alert{}},
			wantSummary: "ACTIVE: Level alert",
			wantDetails: "- Level event: alert_active e1",
		},
		{
			name:        "device id only, unknown severity",
			e:           &Event{Type: EventAlertActive, Alert: &Alert{ID: "a1", DeviceID: "d1", Severity: "Major"}},
			wantSummary: "MAJOR: Level alert a1 on d1",
			wantDetails: "- Severity: Major\n- Device: d1\n- Level alert: a1\n- Level event: alert_active",
		},
		{
			name: "line breaks in one-line places",
			e: &Event{Type: EventAlertResolved, ID: "e1", Alert: &Alert{
				Name: "Disk\nfull", DeviceHostname: "pc\r\n1", Description: "line 1\nline 2", Payload: "a\nb",
			}},
			wantSummary: "RESOLVED: Disk full on pc  1",
			wantDetails: "line 1\nline 2\n\n- Value: a b\n- Device: pc  1\n- Level event: alert_resolved e1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ToILert(tt.e)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantSummary, got.Summary); diff != "" {
				t.Errorf("Summary (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantDetails, got.Details); diff != "" {
				t.Errorf("Details (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToILertCustomDetailsSkipsInvalidData(t *testing.T) {
	t.Parallel()
	e := &Event{Type: EventAlertActive, ID: "e1", Data: []byte(`{broken`), Alert: &Alert{ID: "a1"}}
	got, err := ToILert(e)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.CustomDetails["data"]; ok {
		t.Error("invalid Data was put into customDetails")
	}
	if _, err := json.Marshal(got); err != nil {
		t.Errorf("the event does not marshal: %v", err)
	}
}
