package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// environOf is m in the form of os.Environ.
func environOf(m map[string]string) []string {
	var env []string
	for k, v := range m {
		env = append(env, k+"="+v)
	}
	return env
}

func TestRunExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		want       int
		wantStderr string
	}{
		{"help", []string{"-h"}, nil, 0, "Usage: webhook-relay"},
		{"bad configuration", nil, map[string]string{"ALERTBRIDGE_ILERT_KEY": testILertKey}, 2, "-queue-dir"},
		{"unknown flag", []string{"-ilert-key", testILertKey}, nil, 2, "flag provided but not defined"},
		{"iLert webhook without credentials", nil, map[string]string{"ALERTBRIDGE_ILERT_KEY": testILertKey, "ALERTBRIDGE_QUEUE_DIR": "/q",
			"ALERTBRIDGE_LEVEL_PATH": "off", "ALERTBRIDGE_CHECKMK_URL": "https://cmk/prod/", "ALERTBRIDGE_CHECKMK_USER": "automation",
			"ALERTBRIDGE_CHECKMK_SECRET": testCheckmkSecret}, 2, "the iLert webhook has no credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			got := run(context.Background(), tt.args, environOf(tt.env), nil, &stdout, &stderr)
			if got != tt.want {
				t.Errorf("exit code %d, want %d; stderr:\n%s", got, tt.want, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr.String())
			}
		})
	}
}

// TestRunFailsToListen: a relay that cannot listen exits 1 and leaves nothing running.
func TestRunFailsToListen(t *testing.T) {
	t.Parallel()
	env := map[string]string{"ALERTBRIDGE_ILERT_KEY": testILertKey, "ALERTBRIDGE_QUEUE_DIR": t.TempDir(),
		"ALERTBRIDGE_LISTEN": "256.0.0.1:1", "ALERTBRIDGE_LEVEL_PATH": "off"}
	var stdout, stderr bytes.Buffer
	if got := run(context.Background(), nil, environOf(env), nil, &stdout, &stderr); got != 1 {
		t.Errorf("exit code %d, want 1; stderr:\n%s", got, stderr.String())
	}
}

// TestDemo runs the -demo mode end to end.
func TestDemo(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if got := run(context.Background(), []string{"-demo", "-log-level", "warn"}, environOf(nil), nil, &stdout, &stderr); got != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", got, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"level         device_updated.inferred.json                  → 200 level: ignored, not an alert",
		"/healthz: ilert    retrying queued 1",
		"iLert is back: the queued event was delivered by the background retry",
		"/healthz: ilert    up       queued 0, delivered 14",
		"iLert    RESOLVE  level/Z2lkOi8vbGV2ZWwvQWxlcnQvNzczMDAyMQ",
		"AlertOps RECOVERY healthchecks/9f3a1c7e-52b4-4e0d-8c61-d7a2e4b5f039",
		"Checkmk notifier → iLert    ALERT demo/web01/Filesystem /var",
		"iLert retries the webhook    → 200 ok (a duplicate: no second call)",
		`Checkmk acknowledged  web01/Filesystem /var: "Accepted in iLert by Jane Doe" sticky=true notify=false`,
		`Checkmk comment       web01/Filesystem /var: "Comment in iLert by Jane Doe: Rotating logs, back in 10 minutes"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "→ 200"); n != 15+3 {
		t.Errorf("%d webhooks answered 200, want 18:\n%s", n, out)
	}
	if n := strings.Count(out, "Checkmk acknowledged"); n != 1 {
		t.Errorf("%d acknowledgements, want 1 for the webhook and its retry:\n%s", n, out)
	}
	testAll := out + stderr.String()
	for _, secret := range []string{demoILertKey, demoAlertOpsKey, demoLevelSecret, demoWebhookPassword, demoCheckmkSecret} {
		if strings.Contains(testAll, secret) {
			t.Errorf("demo output contains the secret %q", secret)
		}
	}
}
