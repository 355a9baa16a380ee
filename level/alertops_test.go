package level

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

func TestToAlertOpsGolden(t *testing.T) {
	t.Parallel()
	for _, name := range alertFixtures {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := decodeFixture(t, name)
			a, err := ToAlertOps(e)
			if err != nil {
				t.Fatalf("ToAlertOps: %v", err)
			}
			if !a.Severity.Valid() {
				t.Errorf("Severity %q is not valid", a.Severity)
			}
			ev, err := ToILert(e)
			if err != nil {
				t.Fatal(err)
			}
			if a.EventKey != ev.AlertKey {
				t.Errorf("EventKey %q differs from the iLert AlertKey %q", a.EventKey, ev.AlertKey)
			}
			got, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			testutil.GoldenJSON(t, goldenPath(name, "alertops"), got)
		})
	}
}

func TestToAlertOpsStateAndSeverity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ          EventType
		severity     Severity
		wantState    string
		wantSeverity alertops.Severity
		wantType     string
	}{
		{EventAlertActive, SeverityEmergency, "EMERGENCY", alertops.SeverityCritical, "PROBLEM"},
		{EventAlertActive, SeverityCritical, "CRITICAL", alertops.SeverityCritical, "PROBLEM"},
		{EventAlertActive, "Critical", "CRITICAL", alertops.SeverityCritical, "PROBLEM"},
		{EventAlertActive, SeverityWarning, "WARNING", alertops.SeverityWarning, "PROBLEM"},
		{EventAlertActive, SeverityInformation, "INFORMATION", alertops.SeverityInfo, "PROBLEM"},
		{EventAlertActive, "info", "INFORMATION", alertops.SeverityInfo, "PROBLEM"},
		{EventAlertActive, "", "ACTIVE", alertops.SeverityError, "PROBLEM"},
		{EventAlertActive, "major", "MAJOR", alertops.SeverityError, "PROBLEM"},
		{EventAlertResolved, SeverityCritical, "OK", alertops.SeverityInfo, "RECOVERY"},
		{EventAlertResolved, "", "OK", alertops.SeverityInfo, "RECOVERY"},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ)+"/"+string(tt.severity), func(t *testing.T) {
			t.Parallel()
			got, err := ToAlertOps(&Event{Type: tt.typ, ID: "e1", Alert: &Alert{Severity: tt.severity}})
			if err != nil {
				t.Fatal(err)
			}
			want := [4]any{tt.wantState, tt.wantSeverity, tt.wantType, tt.typ == EventAlertResolved}
			if diff := cmp.Diff(want, [4]any{got.State, got.Severity, got.NotificationType, got.Resolved}); diff != "" {
				t.Errorf("State, Severity, NotificationType, Resolved (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToAlertOpsFallbacks(t *testing.T) {
	t.Parallel()
	started := time.Date(2026, 8, 20, 9, 41, 7, 0, time.UTC)
	resolvedAt := started.Add(time.Hour)
	tests := []struct {
		name string
		e    *Event
		want alertops.Alert
	}{
		{
			name: "no occurred_at, active: started_at; device id as host; payload as message",
			e: &Event{Type: EventAlertActive, ID: "e1", Alert: &Alert{
				DeviceID: "d1", Payload: "90%", Severity: SeverityWarning, StartedAt: started,
			}},
			want: alertops.Alert{
				EventKey: "level/event/e1", Source: "Level", Host: "d1", State: "WARNING",
				Severity: alertops.SeverityWarning, NotificationType: "PROBLEM",
				Summary: "WARNING: Level alert on d1", Message: "90%", Timestamp: started,
				LongMessage: "- Value: 90%\n- Severity: warning\n- Device: d1\n- Started: 2026-08-20T09:41:07Z\n- Level event: alert_active e1",
			},
		},
		{
			name: "no occurred_at, resolved: resolved_at, in UTC",
			e: &Event{Type: EventAlertResolved, Alert: &Alert{
				ID: "a1", Name: "n", StartedAt: started, ResolvedAt: resolvedAt.In(time.FixedZone("CEST", 7200)),
			}},
			want: alertops.Alert{
				EventKey: "level/a1", Source: "Level", Service: "n", State: "OK",
				Severity: alertops.SeverityInfo, NotificationType: "RECOVERY", Resolved: true,
				Summary: "RESOLVED: n", Timestamp: resolvedAt,
				LongMessage: "- Started: 2026-08-20T09:41:07Z\n- Resolved: 2026-08-20T10:41:07Z\n- Level alert: a1\n- Level event: alert_resolved",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ToAlertOps(tt.e)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ToAlertOps (-want +got):\n%s", diff)
			}
		})
	}
}
