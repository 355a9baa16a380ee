package checkmk

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

// TestToAlertOpsGolden maps every fixture (every type: AlertOps gets them all) and
// compares the JSON body with its golden file.
func TestToAlertOpsGolden(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC) // never used: fixtures carry MICROTIME
	for _, c := range mappingCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			n := c.notification(t)
			a, err := ToAlertOps(n, AlertOpsOptions{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Validate(); err != nil {
				t.Errorf("mapped alert does not validate: %v", err)
			}
			if !a.Timestamp.Equal(n.Time) {
				t.Errorf("Timestamp %v, want the notification's time %v", a.Timestamp, n.Time)
			}
			got, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			testutil.AssertNoSecret(t, "AlertOps body", string(got), fixtureSecrets...)
			testutil.GoldenJSON(t, goldenPath(c.name, "alertops"), got)
		})
	}
}

// TestToAlertOpsSeedPayload rebuilds the example payload of the AlertOps Checkmk plug-in's
// documentation from an equivalent context and compares it field by field. The seed
// writes EventKey as the format "hostname_ServiceDesc" and elides the DetailsURL's query
// ("view.py?..."), so those two are compared as what they stand for.
func TestToAlertOpsSeedPayload(t *testing.T) {
	t.Parallel()
	seed, err := os.ReadFile(filepath.Join("testdata", "alertops-seed-payload.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := mustNew(t, map[string]string{
		"WHAT":                        "SERVICE",
		"NOTIFICATIONTYPE":            "PROBLEM",
		"OMD_SITE":                    "cmk",
		"MONITORING_HOST":             "checkmk.example.com",
		"HOSTNAME":                    "hostname",
		"HOSTADDRESS":                 "192.168.1.100",
		"HOSTSTATE":                   "UP",
		"SERVICEDESC":                 "CPU Load",
		"SERVICESTATE":                "CRITICAL",
		"SERVICEOUTPUT":               "CRITICAL - 15min load 8.52 at 8 CPUs",
		"LONGSERVICEOUTPUT":           "Extended output from the check plugin (if available)",
		"MICROTIME":                   "1775581172412345", // 2026-04-07T16:59:32.412345Z
		"SERVICEURL":                  "/check_mk/view.py?view_name=service&host=hostname&service=CPU%20Load&site=cmk",
		"HOSTURL":                     "/check_mk/view.py?view_name=hoststatus&host=hostname&site=cmk",
		"PARAMETER_URL_PREFIX_MANUAL": "https://checkmk.example.com/cmk/check_mk/",
	})
	a, err := ToAlertOps(n, AlertOpsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var want, gotFields map[string]any
	if err := json.Unmarshal(seed, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &gotFields); err != nil {
		t.Fatal(err)
	}
	if want["EventKey"] != "hostname_ServiceDesc" {
		t.Fatalf("seed EventKey changed: %v", want["EventKey"])
	}
	want["EventKey"] = "hostname_CPU Load"
	seedURL, _ := want["DetailsURL"].(string)
	gotURL, _ := gotFields["DetailsURL"].(string)
	if base := strings.TrimSuffix(seedURL, "..."); !strings.HasPrefix(gotURL, base) || len(gotURL) <= len(base) {
		t.Errorf("DetailsURL %q does not continue the seed's %q", gotURL, seedURL)
	}
	want["DetailsURL"] = "https://checkmk.example.com/cmk/check_mk/view.py?view_name=service&host=hostname&service=CPU%20Load&site=cmk"
	if diff := cmp.Diff(want, gotFields); diff != "" {
		t.Errorf("payload differs from the seed (-seed +got):\n%s", diff)
	}
	if diff := cmp.Diff(jsonKeys(t, seed), jsonKeys(t, got)); diff != "" {
		t.Errorf("key order differs from the seed (-seed +got):\n%s", diff)
	}
}

// jsonKeys returns the top-level keys of a JSON object in document order.
func jsonKeys(t *testing.T, data []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestToAlertOpsFields(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 4, 7, 16, 59, 32, 0, time.UTC)
	micro := time.Date(2025, 3, 18, 8, 14, 7, 412345000, time.UTC)
	tests := []struct {
		name string
		ctx  map[string]string
		opts AlertOpsOptions
		want alertops.Alert
	}{
		{
			name: "host problem",
			ctx: hostCtx(map[string]string{
				"HOSTADDRESS": "10.0.0.1", "MICROTIME": "1742285647412345", "LONGHOSTOUTPUT": `a\nb`,
				"SERVICEDESC": "", "SERVICESTATE": "",
			}),
			opts: AlertOpsOptions{Now: now},
			want: alertops.Alert{
				EventKey: "web01", Source: "Checkmk", Host: "web01", HostAddress: "10.0.0.1", State: "DOWN",
				Severity: alertops.SeverityCritical, NotificationType: "PROBLEM", Summary: "web01 is DOWN",
				Message: "CRITICAL - lost 100%", LongMessage: "a\nb", Timestamp: micro,
			},
		},
		{
			name: "service recovery, no MICROTIME",
			ctx:  serviceCtx(map[string]string{"NOTIFICATIONTYPE": "RECOVERY", "SERVICESTATE": "OK", "SERVICEOUTPUT": "fine"}),
			opts: AlertOpsOptions{Now: now},
			want: alertops.Alert{
				EventKey: "web01_Filesystem /var", Source: "Checkmk", Host: "web01", Service: "Filesystem /var",
				State: "OK", Severity: alertops.SeverityInfo, NotificationType: "RECOVERY",
				Summary: "OK: Filesystem /var on web01", Message: "fine", Resolved: true, Timestamp: now,
			},
		},
		{
			name: "short state, acknowledgement kept verbatim, absurd MICROTIME",
			ctx: serviceCtx(map[string]string{
				"NOTIFICATIONTYPE": "ACKNOWLEDGEMENT (jdoe)", "SERVICESTATE": "WARN", "MICROTIME": "9223372036854775807",
			}),
			opts: AlertOpsOptions{Now: now},
			want: alertops.Alert{
				EventKey: "web01_Filesystem /var", Source: "Checkmk", Host: "web01", Service: "Filesystem /var",
				State: "WARNING", Severity: alertops.SeverityWarning, NotificationType: "ACKNOWLEDGEMENT (jdoe)",
				Summary: "WARNING: Filesystem /var on web01", Message: "Used: 97%", Timestamp: now,
			},
		},
		{
			name: "downtime on a host without state, URL from option",
			ctx: hostCtx(map[string]string{
				"NOTIFICATIONTYPE": "DOWNTIMESTART", "HOSTSTATE": "", "HOSTOUTPUT": "", "HOSTURL": "/check_mk/x?h=web01",
				"PARAMETER_URL_PREFIX_AUTOMATIC": "https", "MONITORING_HOST": "ignored",
			}),
			opts: AlertOpsOptions{URLPrefix: "https://cmk/prod"},
			want: alertops.Alert{
				EventKey: "web01", Source: "Checkmk", Host: "web01", Severity: alertops.SeverityForUnknownState,
				NotificationType: "DOWNTIMESTART", Summary: "web01: DOWNTIMESTART", DetailsURL: "https://cmk/prod/check_mk/x?h=web01",
			},
		},
		{
			name: "service without state, details URL of the service",
			ctx: serviceCtx(map[string]string{
				"NOTIFICATIONTYPE": "CUSTOM", "SERVICESTATE": "", "HOSTURL": "/check_mk/h", "SERVICEURL": "/check_mk/s",
				"PARAMETER_URL_PREFIX_MANUAL": "https://cmk/prod/check_mk/",
			}),
			want: alertops.Alert{
				EventKey: "web01_Filesystem /var", Source: "Checkmk", Host: "web01", Service: "Filesystem /var",
				Severity: alertops.SeverityForUnknownState, NotificationType: "CUSTOM",
				Summary: "CUSTOM: Filesystem /var on web01", Message: "Used: 97%", DetailsURL: "https://cmk/prod/check_mk/s",
			},
		},
		{
			name: "unreachable host, alert handler type",
			ctx:  hostCtx(map[string]string{"NOTIFICATIONTYPE": "ALERTHANDLER (OK)", "HOSTSTATE": "UNREACHABLE"}),
			opts: AlertOpsOptions{Now: now},
			want: alertops.Alert{
				EventKey: "web01", Source: "Checkmk", Host: "web01", State: "UNREACHABLE", Severity: alertops.SeverityError,
				NotificationType: "ALERTHANDLER (OK)", Summary: "web01 is UNREACHABLE", Message: "CRITICAL - lost 100%", Timestamp: now,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ToAlertOps(mustNew(t, tt.ctx), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ToAlertOps (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("nil", func(t *testing.T) {
		t.Parallel()
		a, err := ToAlertOps(nil, AlertOpsOptions{Now: now})
		if diff := cmp.Diff(alertops.Alert{}, a); diff != "" || err == nil {
			t.Errorf("nil notification: error %v (-want +got):\n%s", err, diff)
		}
	})
}
