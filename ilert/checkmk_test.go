package ilert_test

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/google/go-cmp/cmp"
)

// readEnv reads a Checkmk fixture (NAME=value lines, # comments) into a context map with
// the NOTIFY_ prefix stripped, as the checkmk-ext endpoint expects it.
func readEnv(t testing.TB, files ...string) map[string]string {
	t.Helper()
	ctx := map[string]string{}
	for _, file := range files {
		f, err := os.Open(filepath.Join("testdata", "checkmk", file))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			name, value, _ := strings.Cut(line, "=")
			ctx[strings.TrimPrefix(name, "NOTIFY_")] = value
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return ctx
}

func TestScrubCheckmkContext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		params      string
		key         string
		wantRemoved []string
	}{
		{"params-ilert-2.0-2.1.env", "", []string{"PARAMETER_ILERT_API_KEY"}},
		{"params-ilert-2.2-2.3.env", "", []string{"PARAMETER_ILERT_API_KEY", "PARAMETER_ILERT_API_KEY_1", "PARAMETER_ILERT_API_KEY_2"}},
		{"params-ilert-2.4.env", "il1api0f3c2b9e0d4a4f61b2c8e5d7a9f0c1b3", []string{"PARAMETER_ILERT_API_KEY_1", "PARAMETER_ILERT_API_KEY_2",
			"PARAMETER_ILERT_API_KEY_3", "PARAMETER_ILERT_API_KEY_3_1", "PARAMETER_ILERT_API_KEY_3_2"}},
		{"params-ilert-2.4-stored.env", "", []string{"PARAMETER_ILERT_API_KEY_1", "PARAMETER_ILERT_API_KEY_2",
			"PARAMETER_ILERT_API_KEY_3", "PARAMETER_ILERT_API_KEY_3_1", "PARAMETER_ILERT_API_KEY_3_2"}},
	}
	for _, tt := range tests {
		t.Run(tt.params, func(t *testing.T) {
			t.Parallel()
			in := readEnv(t, "service-crit-problem.env", tt.params)
			n := len(in)
			out, removed := ilert.ScrubCheckmkContext(tt.key, in)
			// The fixture's positional script parameters hold our notifier's own secrets.
			wantRemoved := append([]string{"PARAMETERS", "PARAMETER_1", "PARAMETER_2"}, tt.wantRemoved...)
			slices.Sort(wantRemoved)
			if diff := cmp.Diff(wantRemoved, removed); diff != "" {
				t.Errorf("removed (-want +got):\n%s", diff)
			}
			if len(in) != n {
				t.Error("the input map was modified")
			}
			if len(out) != n-len(removed) {
				t.Errorf("kept %d of %d variables, removed %d", len(out), n, len(removed))
			}
			for name, v := range out {
				if strings.Contains(name, "API_KEY") || (tt.key != "" && strings.Contains(v, tt.key)) {
					t.Errorf("secret kept: %s", name)
				}
			}
			if out["HOSTNAME"] != in["HOSTNAME"] || out["PARAMETER_ILERT_PRIORITY"] != in["PARAMETER_ILERT_PRIORITY"] {
				t.Error("ordinary variables were not kept")
			}
		})
	}
}

func TestScrubCheckmkContextDefensive(t *testing.T) {
	t.Parallel()
	in := map[string]string{
		"HOSTNAME":                 "web01",
		"HOSTLABEL_token":          "not a parameter: kept",
		"PARAMETER_1":              "ilert=k3y-123",
		"PARAMETER_ROUTING_KEY_3":  "x",
		"PARAMETER_WEBHOOK_URL":    "https://hooks.example/abc",
		"PARAMETER_DB_PASSWORD":    "pw",
		"PARAMETER_CLIENT_SECRET":  "s",
		"PARAMETER_ACCESS_TOKEN":   "t",
		"NOTIFY_PARAMETER_API_KEY": "prefixed name",
		"PARAMETER_PROXY_URL":      "http://bob:hunter2@proxy:3128",
		"SERVICEOUTPUT":            "echo https://api.ilert.com/api/v1/events/checkmk-ext/k3y-123",
		"PARAMETER_ILERT_PRIORITY": "HIGH",
		"PARAMETERS":               "alertops=https://notify.alertops.com/POSTAlert/abc/CheckMK",
		"PARAMETER_2":              "alertops=https://notify.alertops.com/POSTAlert/abc/CheckMK",
	}
	out, removed := ilert.ScrubCheckmkContext("k3y-123", in)
	want := map[string]string{
		"HOSTNAME":                 "web01",
		"HOSTLABEL_token":          "not a parameter: kept",
		"PARAMETER_PROXY_URL":      "http://proxy:3128",
		"PARAMETER_ILERT_PRIORITY": "HIGH",
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("scrubbed context (-want +got):\n%s", diff)
	}
	if len(removed) != len(in)-len(want) {
		t.Errorf("removed %v", removed)
	}
}
