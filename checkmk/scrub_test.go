package checkmk

import (
	"encoding/json"
	"maps"
	"testing"

	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

func TestContextWithoutSecrets(t *testing.T) {
	t.Parallel()
	const key = "K3y-0123456789abcdef"
	base := map[string]string{"WHAT": "HOST", "HOSTNAME": "web01", "NOTIFICATIONTYPE": "PROBLEM"}
	with := func(extra map[string]string) map[string]string {
		m := maps.Clone(base)
		maps.Copy(m, extra)
		return m
	}
	tests := []struct {
		name    string
		in      map[string]string
		want    map[string]string
		secrets []string // must not appear in the output
	}{
		{
			name: "2.0 explicit key",
			in:   with(map[string]string{"PARAMETER_ILERT_API_KEY": "ilert_api_key\t" + key, "PARAMETER_ILERT_PRIORITY": "HIGH"}),
			want: with(map[string]string{"PARAMETER_ILERT_PRIORITY": "HIGH"}),
		},
		{
			name: "2.0 stored key",
			in:   with(map[string]string{"PARAMETER_ILERT_API_KEY": "store\tilert_prod"}),
			want: base,
		},
		{
			name: "legacy bare key",
			in:   with(map[string]string{"PARAMETER_ILERT_API_KEY": key}),
			want: base,
		},
		{
			name: "2.2 explicit key",
			in: with(map[string]string{
				"PARAMETER_ILERT_API_KEY": "ilert_api_key\t" + key, "PARAMETER_ILERT_API_KEY_1": "ilert_api_key",
				"PARAMETER_ILERT_API_KEY_2": key,
			}),
			want: base,
		},
		{
			name: "2.4 explicit key",
			in: with(map[string]string{
				"PARAMETER_ILERT_API_KEY_1": "cmk_postprocessed", "PARAMETER_ILERT_API_KEY_2": "explicit_password",
				"PARAMETER_ILERT_API_KEY_3": "uuid1\t" + key, "PARAMETER_ILERT_API_KEY_3_1": "uuid1",
				"PARAMETER_ILERT_API_KEY_3_2": key,
			}),
			want: base,
		},
		{
			name: "2.4 password of another plug-in",
			in: with(map[string]string{
				"PARAMETER_SERVICE_TOKEN_1": "cmk_postprocessed", "PARAMETER_SERVICE_TOKEN_2": "explicit_password",
				"PARAMETER_SERVICE_TOKEN_3_1": "uuid2", "PARAMETER_SERVICE_TOKEN_3_2": key,
				"PARAMETER_SERVICE_NAME": "web",
			}),
			want: with(map[string]string{"PARAMETER_SERVICE_NAME": "web"}),
		},
		{
			name: "2.2 password tuple of another plug-in",
			in: with(map[string]string{
				"PARAMETER_API_1": "password", "PARAMETER_API_2": key, "PARAMETER_API": "password\t" + key,
			}),
			want: base,
		},
		{
			name: "2.0 password tuple of another plug-in",
			in:   with(map[string]string{"PARAMETER_AUTH": "password\t" + key}),
			want: base,
		},
		{
			name: "built-in secrets whatever their form",
			in: with(map[string]string{
				"PARAMETER_ROUTING_KEY": key, "PARAMETER_WEBHOOK_URL": "https://hooks.example.com/" + key,
				"PARAMETER_PASSWORD": key, "PARAMETER_ALERTOPS_WEBHOOK_URL": "https://notify.alertops.com/POSTAlert/" + key + "/CheckMK",
			}),
			want: base,
		},
		{
			name: "Slack webhook 2.2",
			in: with(map[string]string{
				"PARAMETER_WEBHOOK_URL_1": "webhook_url", "PARAMETER_WEBHOOK_URL_2": "https://hooks.slack.com/services/" + key,
			}),
			want: base,
		},
		{
			name:    "proxy with credentials",
			in:      with(map[string]string{"PARAMETER_PROXY_URL": "http://user:pr0xy-pa55word@proxy:3128"}),
			want:    base,
			secrets: []string{"pr0xy-pa55word"},
		},
		{
			name: "2.4 proxy form",
			in: with(map[string]string{
				"PARAMETER_PROXY_1": "cmk_postprocessed", "PARAMETER_PROXY_2": "explicit_proxy",
				"PARAMETER_PROXY_3": "http://user:pr0xy-pa55word@proxy:3128",
			}),
			want:    base,
			secrets: []string{"pr0xy-pa55word"},
		},
		{
			name: "URL prefix, priority, summaries and TLS are kept",
			in: with(map[string]string{
				"PARAMETER_URL_PREFIX": "manual\thttps://cmk/prod/check_mk/", "PARAMETER_URL_PREFIX_1": "manual",
				"PARAMETER_URL_PREFIX_2": "https://cmk/prod/check_mk/", "PARAMETER_IGNORE_SSL": "True",
				"PARAMETER_ILERT_SUMMARY_HOST": "$HOSTNAME$",
			}),
			want: with(map[string]string{
				"PARAMETER_URL_PREFIX": "manual\thttps://cmk/prod/check_mk/", "PARAMETER_URL_PREFIX_1": "manual",
				"PARAMETER_URL_PREFIX_2": "https://cmk/prod/check_mk/", "PARAMETER_IGNORE_SSL": "True",
				"PARAMETER_ILERT_SUMMARY_HOST": "$HOSTNAME$",
			}),
		},
		{
			name: "custom script list",
			in: with(map[string]string{
				"PARAMETERS":  "ilert=" + key + " alertops=https://a/POSTAlert/k3y-4lert0ps/CheckMK ilert_mode=events empty=",
				"PARAMETER_1": "ilert=" + key, "PARAMETER_2": "alertops=https://a/POSTAlert/k3y-4lert0ps/CheckMK",
				"PARAMETER_3": "ilert_mode=events", "PARAMETER_4": "empty=",
			}),
			want: with(map[string]string{
				"PARAMETERS":  "ilert=[redacted] alertops=[redacted] ilert_mode=[redacted] empty=",
				"PARAMETER_1": "ilert=[redacted]", "PARAMETER_2": "alertops=[redacted]",
				"PARAMETER_3": "ilert_mode=[redacted]", "PARAMETER_4": "empty=",
			}),
			secrets: []string{"k3y-4lert0ps"},
		},
		{
			name: "bare first parameter (1.x API key)",
			in:   with(map[string]string{"PARAMETERS": key + " x=1", "PARAMETER_1": key, "PARAMETER_2": "x=1"}),
			want: with(map[string]string{"PARAMETERS": "[redacted] x=[redacted]", "PARAMETER_1": "[redacted]", "PARAMETER_2": "x=[redacted]"}),
		},
		{
			name: "PARAMETERS alone",
			in:   with(map[string]string{"PARAMETERS": key + " ilert=" + key}),
			want: with(map[string]string{"PARAMETERS": "[redacted] ilert=[redacted]"}),
		},
		{
			name: "a secret copied into another variable removes it",
			in: with(map[string]string{
				"PARAMETER_1": "ilert=" + key, "HOSTNOTES": "key is " + key, "PARAMETER_2": "short=abc",
				"HOSTALIAS": "abc",
			}),
			want: with(map[string]string{"PARAMETER_1": "ilert=[redacted]", "PARAMETER_2": "short=[redacted]", "HOSTALIAS": "abc"}),
		},
		{
			name: "NOTIFY_ prefix tolerated",
			in: map[string]string{
				"NOTIFY_WHAT": "HOST", "NOTIFY_PARAMETER_ILERT_API_KEY_1": "store", "NOTIFY_PARAMETER_ILERT_API_KEY_2": "ilert_prod",
				"NOTIFY_PARAMETERS": "ilert=" + key, "NOTIFY_PARAMETER_1": "ilert=" + key,
			},
			want: map[string]string{
				"NOTIFY_WHAT": "HOST", "NOTIFY_PARAMETERS": "ilert=[redacted]", "NOTIFY_PARAMETER_1": "ilert=[redacted]",
			},
			secrets: []string{"ilert_prod"},
		},
		{
			name: "empty",
			in:   nil,
			want: map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := maps.Clone(tt.in)
			got := ContextWithoutSecrets(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ContextWithoutSecrets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(in, tt.in); diff != "" {
				t.Errorf("input modified (-before +after):\n%s", diff)
			}
			body, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			testutil.AssertNoSecret(t, "context without secrets", string(body), append([]string{key}, tt.secrets...)...)
		})
	}
}

// TestContextWithoutSecretsFixtures runs every fixture, alone and combined with every
// params fixture, through all outputs of the package that carry the context and asserts
// that no secret of the fixtures is in any of them.
func TestContextWithoutSecretsFixtures(t *testing.T) {
	t.Parallel()
	for _, c := range mappingCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			n := c.notification(t)
			outputs := map[string]any{"ContextWithoutSecrets": n.ContextWithoutSecrets()}
			if ev, err := ToILert(n, ILertOptions{}); err == nil {
				outputs["ToILert"] = ev
			}
			outputs["ToAlertOps"], _ = ToAlertOps(n, AlertOpsOptions{})
			for what, v := range outputs {
				body, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				testutil.AssertNoSecret(t, what, string(body), fixtureSecrets...)
			}
		})
	}
}

func TestNotificationContextWithoutSecretsNil(t *testing.T) {
	t.Parallel()
	var n *Notification
	if got := n.ContextWithoutSecrets(); got == nil || len(got) != 0 {
		t.Errorf("nil notification: got %v, want an empty map", got)
	}
}
