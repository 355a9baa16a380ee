package healthchecks

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

// checkMapped asserts what every mapped notification must satisfy, then pins both payloads
// in golden files named after base.
func checkMapped(t *testing.T, n *Notification, base string) {
	t.Helper()
	e := mustILert(t, n)
	a := mustAlertOps(t, n)

	wantType, wantResolved := ilert.EventTypeAlert, false
	if n.Status == StatusUp {
		wantType, wantResolved = ilert.EventTypeResolve, true
	}
	if e.EventType != wantType || a.Resolved != wantResolved {
		t.Errorf("event type %s, resolved %v; want %s, %v", e.EventType, a.Resolved, wantType, wantResolved)
	}
	if e.AlertKey == "" || e.AlertKey != a.EventKey || len(e.AlertKey) > MaxKeyBytes {
		t.Errorf("alert key %q, event key %q: want equal, non-empty, at most %d bytes", e.AlertKey, a.EventKey, MaxKeyBytes)
	}
	if e.IntegrationKey != "" {
		t.Errorf("integration key %q, want it left to the caller", e.IntegrationKey)
	}
	keyed := e
	keyed.IntegrationKey = "il1api-test"
	if err := keyed.Validate(); err != nil {
		t.Errorf("mapped event does not pass ilert's Validate: %v", err)
	}
	for what, s := range map[string]string{"summary": e.Summary, "details": e.Details} {
		if !utf8.ValidString(s) {
			t.Errorf("%s is not valid UTF-8: %q", what, s)
		}
	}

	ev, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	al, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	// Opening the ping URL marks the check as up: it must not travel to the sinks.
	for what, out := range map[string][]byte{"iLert event": ev, "AlertOps alert": al} {
		testutil.AssertNoSecret(t, what, string(out), n.Check.PingURL)
	}
	testutil.GoldenJSON(t, filepath.Join("testdata", base+".ilert.golden.json"), ev)
	testutil.GoldenJSON(t, filepath.Join("testdata", base+".alertops.golden.json"), al)
}

func TestMapFixtures(t *testing.T) {
	t.Parallel()
	for _, f := range bodyFixtures {
		t.Run(f.file, func(t *testing.T) {
			t.Parallel()
			n, err := Parse(statusHeader(string(f.status)), readFixture(t, f.file))
			if err != nil {
				t.Fatal(err)
			}
			checkMapped(t, n, strings.TrimSuffix(f.file, ".json"))
		})
	}
}

func TestToILertSimpleDown(t *testing.T) {
	t.Parallel()
	n, err := Parse(statusHeader("down"), readFixture(t, "simple-down.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := ilert.Event{
		EventType: ilert.EventTypeAlert,
		Summary:   "Healthchecks: Nightly DB backup is DOWN",
		Details: "- Status: DOWN\n- Slug: nightly-db-backup\n- Period: 1 hour\n- Grace time: 10 minutes\n" +
			"- Last ping: 2026-08-19T09:15:02Z",
		AlertKey: "healthchecks/5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4",
		Links: []ilert.Link{{
			Href: "https://healthchecks.io/checks/5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4/details/",
			Text: "Check in Healthchecks",
		}},
		CustomDetails: map[string]any{
			"source":          "healthchecks",
			"status":          "down",
			"body_status":     "down",
			"check":           "Nightly DB backup",
			"check_id":        "5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4",
			"slug":            "nightly-db-backup",
			"pings":           int64(1432),
			"grace_seconds":   int64(600),
			"timeout_seconds": int64(3600),
			"last_ping":       "2026-08-19T09:15:02Z",
		},
	}
	if diff := cmp.Diff(want, mustILert(t, n)); diff != "" {
		t.Errorf("ToILert (-want +got):\n%s", diff)
	}
}

func TestToAlertOpsTimestamp(t *testing.T) {
	t.Parallel()
	lastPing := date("2026-08-20T00:00:41Z")
	received := time.Date(2026, 8, 20, 3, 30, 5, 999, time.FixedZone("CEST", 2*3600))
	tests := []struct {
		name     string
		received time.Time
		lastPing time.Time
		want     time.Time
	}{
		{"received wins, in UTC to the second", received, lastPing, date("2026-08-20T01:30:05Z")},
		{"last ping without received", time.Time{}, lastPing, lastPing},
		{"neither", time.Time{}, time.Time{}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := &Notification{Status: StatusUp, Received: tt.received, Check: Check{Name: "n", LastPing: tt.lastPing}}
			got := mustAlertOps(t, n).Timestamp
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("Timestamp = %v, want %v in UTC", got, tt.want)
			}
		})
	}
}

// TestMappingSkipsOtherStatuses: a notification built by hand with a status other than
// down and up has nothing to send; a nil one is an error.
func TestMappingSkipsOtherStatuses(t *testing.T) {
	t.Parallel()
	n := &Notification{Status: StatusGrace, Check: Check{Name: "n", UUID: "u-1"}}
	if e, err := ToILert(n); !errors.Is(err, ErrSkip) || e.EventType != "" {
		t.Errorf("ToILert(grace) = %v, %v; want ErrSkip", e, err)
	}
	if a, err := ToAlertOps(n); !errors.Is(err, ErrSkip) || a.EventKey != "" {
		t.Errorf("ToAlertOps(grace) = %v, %v; want ErrSkip", a, err)
	}
	if _, err := ToILert(nil); err == nil || errors.Is(err, ErrSkip) {
		t.Errorf("ToILert(nil) = %v, want an error that is not ErrSkip", err)
	}
	if _, err := ToAlertOps(nil); err == nil || errors.Is(err, ErrSkip) {
		t.Errorf("ToAlertOps(nil) = %v, want an error that is not ErrSkip", err)
	}
}

func TestToAlertOpsUp(t *testing.T) {
	t.Parallel()
	n := &Notification{Status: StatusUp, Check: Check{Slug: "nightly", UUID: "u-1", Description: " Runs nightly.\n"}}
	want := alertops.Alert{
		EventKey:         "healthchecks/u-1",
		Source:           "Healthchecks",
		Host:             "nightly",
		State:            "UP",
		Severity:         alertops.SeverityInfo,
		NotificationType: "RECOVERY",
		Summary:          "Healthchecks: nightly is UP",
		Message:          "Runs nightly.",
		Resolved:         true,
		LongMessage:      "- Status: UP\n- Slug: nightly\n- Last ping: never\n\nRuns nightly.",
	}
	if diff := cmp.Diff(want, mustAlertOps(t, n)); diff != "" {
		t.Errorf("ToAlertOps (-want +got):\n%s", diff)
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ü", 200) // 400 bytes
	tests := []struct {
		name  string
		check Check
		want  string
	}{
		{"uuid", Check{UUID: "5c2b", Name: "n"}, "healthchecks/5c2b"},
		{"slug", Check{Slug: "s", Name: "n"}, "healthchecks/s"},
		{"name without id", Check{Name: "Nightly"}, "healthchecks/Nightly"},
		{"nothing", Check{}, "healthchecks/"},
		{"too long is hashed", Check{Name: long}, "healthchecks/sha256:" + sha256Hex(long)},
		{"just fits", Check{Slug: strings.Repeat("s", MaxKeyBytes-len(KeyPrefix))}, KeyPrefix + strings.Repeat("s", MaxKeyBytes-len(KeyPrefix))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.check.Key()
			if got != tt.want {
				t.Errorf("Key() = %q, want %q", got, tt.want)
			}
			if len(got) > MaxKeyBytes {
				t.Errorf("Key() is %d bytes, more than %d", len(got), MaxKeyBytes)
			}
		})
	}
}

func TestLabels(t *testing.T) {
	t.Parallel()
	got := labels([]string{"prod", "env:staging", "team=ops", ":x", "y:", "a:b:c"})
	want := map[string]string{"prod": "true", "env": "staging", "team": "ops", ":x": "true", "y:": "true", "a": "b:c"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if labels(nil) != nil {
		t.Error("labels(nil) is not nil")
	}
}

func TestHumanDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0 seconds"},
		{time.Second, "1 second"},
		{1500 * time.Millisecond, "1 second"},
		{10 * time.Minute, "10 minutes"},
		{time.Hour, "1 hour"},
		{86400 * time.Second, "1 day"},
		{93784 * time.Second, "1 day 2 hours 3 minutes 4 seconds"},
		{-time.Minute, "-1 minute"},
	}
	for _, tt := range tests {
		if got := humanDuration(tt.d); got != tt.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// A check keeps its alert key when Healthchecks is upgraded past v3.5, which added "uuid":
// otherwise an alert opened before the upgrade would never be resolved.
func TestKeyStableAcrossReleases(t *testing.T) {
	t.Parallel()
	var legacy, current Check
	if err := legacy.decode(readFixture(t, "legacy-v2.5-simple-down.json")); err != nil {
		t.Fatal(err)
	}
	if err := current.decode(readFixture(t, "simple-down.json")); err != nil {
		t.Fatal(err)
	}
	if legacy.Key() != current.Key() {
		t.Errorf("v2.5 key %q differs from current key %q", legacy.Key(), current.Key())
	}
}
