package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/alertbridge/alertbridge/level"
)

const testAlertOpsURL = "https://notify.alertops.com/POSTAlert/" + testAlertOpsKey + "/Relay"

// envOf returns a getenv over m.
func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// writeSecret writes a secret file (with the trailing newline editors add).
func writeSecret(t *testing.T, value string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte(value+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	keyFile := writeSecret(t, testILertKey)
	urlFile := writeSecret(t, testAlertOpsURL)
	levelFile := writeSecret(t, testLevelSecret)
	userFile := writeSecret(t, testILertWebhookUser)
	passwordFile := writeSecret(t, " "+testILertWebhookPassword+" ")
	cmkSecretFile := writeSecret(t, testCheckmkSecret+"\r")
	twoWayEnv := map[string]string{"ALERTBRIDGE_CHECKMK_URL": "https://cmk.example.com/prod/", "ALERTBRIDGE_CHECKMK_USER": testCheckmkUser,
		"ALERTBRIDGE_CHECKMK_SECRET": testCheckmkSecret, "ALERTBRIDGE_ILERT_WEBHOOK_USER": testILertWebhookUser,
		"ALERTBRIDGE_ILERT_WEBHOOK_PASSWORD": testILertWebhookPassword}
	base := map[string]string{"ALERTBRIDGE_ILERT_KEY": testILertKey, "ALERTBRIDGE_QUEUE_DIR": "/var/spool/relay",
		"ALERTBRIDGE_LEVEL_SECRET": testLevelSecret}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			if v == "" {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(t *testing.T, c config)
	}{
		{"defaults", nil, base, func(t *testing.T, c config) {
			want := config{Listen: "127.0.0.1:8080", HealthchecksPath: "/healthchecks", LevelPath: "/level", ILertPath: "/ilert",
				ILertKey: testILertKey, ILertURL: "https://api.ilert.com", LevelSecrets: []level.Secret{level.Secret(testLevelSecret)},
				QueueDir: "/var/spool/relay", MaxAge: 7 * 24 * time.Hour, SendTimeout: 10 * time.Second,
				DeliverWait: 2 * time.Second, PollInterval: 30 * time.Second, MaxBackoff: 5 * time.Minute,
				ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second,
				IdleTimeout: time.Minute, ShutdownTimeout: 20 * time.Second, HealthchecksMaxBody: 1 << 20,
				LevelMaxBody: 256 << 10, ILertMaxBody: 1 << 20, MaxInFlight: 256, MaxInFlightBytes: 16 << 20, LogLevel: "info"}
			if diff := cmp.Diff(want, c); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		}},
		{"env sets flags", nil, with(map[string]string{"ALERTBRIDGE_LISTEN": ":9000", "ALERTBRIDGE_LEVEL_PATH": "/hooks/level",
			"ALERTBRIDGE_DELIVER_WAIT": "500ms", "ALERTBRIDGE_LEVEL_ALLOW_UNSIGNED": "true"}), func(t *testing.T, c config) {
			if c.Listen != ":9000" || c.LevelPath != "/hooks/level" || c.DeliverWait != 500*time.Millisecond || !c.LevelUnsigned {
				t.Errorf("config = %+v", c)
			}
		}},
		{"flag wins over env", []string{"-listen", "127.0.0.1:9001", "-queue-dir", "/tmp/q"}, with(map[string]string{"ALERTBRIDGE_LISTEN": ":9000"}), func(t *testing.T, c config) {
			if c.Listen != "127.0.0.1:9001" || c.QueueDir != "/tmp/q" {
				t.Errorf("Listen, QueueDir = %q, %q", c.Listen, c.QueueDir)
			}
		}},
		{"secrets from files", []string{"-ilert-key-file", keyFile, "-alertops-url-file", urlFile, "-level-secret-file", levelFile},
			with(map[string]string{"ALERTBRIDGE_ILERT_KEY": "overridden-by-the-flag", "ALERTBRIDGE_LEVEL_SECRET": ""}), func(t *testing.T, c config) {
				if c.ILertKey != testILertKey || c.AlertOpsURL != testAlertOpsURL || len(c.LevelSecrets) != 1 || string(c.LevelSecrets[0]) != testLevelSecret {
					t.Errorf("secrets not read from the files")
				}
			}},
		{"file named by env", nil, with(map[string]string{"ALERTBRIDGE_ILERT_KEY": "", "ALERTBRIDGE_ILERT_KEY_FILE": keyFile}), func(t *testing.T, c config) {
			if c.ILertKey != testILertKey {
				t.Errorf("key not read from ALERTBRIDGE_ILERT_KEY_FILE")
			}
		}},
		{"AlertOps only, previous Level secret", nil, with(map[string]string{"ALERTBRIDGE_ILERT_KEY": "", "ALERTBRIDGE_ALERTOPS_URL": testAlertOpsURL,
			"ALERTBRIDGE_LEVEL_PREVIOUS_SECRET": "old-secret"}), func(t *testing.T, c config) {
			if c.ILertKey != "" || c.AlertOpsURL != testAlertOpsURL || len(c.LevelSecrets) != 2 || string(c.LevelSecrets[1]) != "old-secret" {
				t.Errorf("config = ILertKey %t, AlertOps %t, %d Level secrets", c.ILertKey != "", c.AlertOpsURL != "", len(c.LevelSecrets))
			}
		}},
		{"Level disabled needs no secret", []string{"-level-path", ""}, with(map[string]string{"ALERTBRIDGE_LEVEL_SECRET": ""}), func(t *testing.T, c config) {
			if c.LevelPath != "" {
				t.Errorf("LevelPath = %q", c.LevelPath)
			}
		}},
		{"path off by env", nil, with(map[string]string{"ALERTBRIDGE_HEALTHCHECKS_PATH": "off"}), func(t *testing.T, c config) {
			if c.HealthchecksPath != "" || c.LevelPath != "/level" {
				t.Errorf("paths = %q, %q", c.HealthchecksPath, c.LevelPath)
			}
		}},
		{"two-way sync", []string{"-checkmk-sites", "branch, hq", "-ilert-alert-sources", "2269078,17", "-checkmk-ack-notify",
			"-ilert-alert-url", "https://acme.ilert.com/alert/view?id={id}"}, with(twoWayEnv), func(t *testing.T, c config) {
			want := TwoWay{ILertWebhookUser: testILertWebhookUser, ILertWebhookPassword: testILertWebhookPassword,
				CheckmkURL: "https://cmk.example.com/prod/", CheckmkUser: testCheckmkUser, CheckmkSecret: testCheckmkSecret,
				CheckmkSites: []string{"prod", "branch", "hq"}, AckNotify: true, AlertURLTemplate: "https://acme.ilert.com/alert/view?id={id}",
				AlertSourceIDs: []int64{2269078, 17}}
			if diff := cmp.Diff(want, c.TwoWay); diff != "" {
				t.Errorf("two-way configuration (-want +got):\n%s", diff)
			}
			if c.ILertPath != "/ilert" || !c.twoWay() {
				t.Errorf("ILertPath %q, twoWay %v", c.ILertPath, c.twoWay())
			}
		}},
		{"two-way secrets from private files, kept but for the newline", []string{"-ilert-webhook-user-file", userFile,
			"-ilert-webhook-password-file", passwordFile, "-checkmk-secret-file", cmkSecretFile},
			with(map[string]string{"ALERTBRIDGE_CHECKMK_URL": "https://cmk.example.com/prod/check_mk/", "ALERTBRIDGE_CHECKMK_USER": testCheckmkUser}),
			func(t *testing.T, c config) {
				if c.ILertWebhookUser != testILertWebhookUser || c.ILertWebhookPassword != " "+testILertWebhookPassword+" " || c.CheckmkSecret != testCheckmkSecret {
					t.Errorf("secrets not read from the files as they are")
				}
			}},
		{"two-way only", []string{"-healthchecks-path", "off", "-level-path", "off"},
			with(map[string]string{"ALERTBRIDGE_ILERT_KEY": "", "ALERTBRIDGE_LEVEL_SECRET": "", "ALERTBRIDGE_CHECKMK_URL": "https://cmk/prod",
				"ALERTBRIDGE_CHECKMK_USER": testCheckmkUser, "ALERTBRIDGE_CHECKMK_SECRET": testCheckmkSecret, "ALERTBRIDGE_ILERT_ALLOW_UNAUTHENTICATED": "true"}),
			func(t *testing.T, c config) {
				if c.ILertKey != "" || c.ILertPath != "/ilert" || !c.ILertAllowUnauthenticated {
					t.Errorf("config = %+v", c.TwoWay)
				}
			}},
		{"limits", []string{"-max-in-flight", "0", "-max-in-flight-bytes", "2097152"}, base, func(t *testing.T, c config) {
			if c.MaxInFlight != 0 || c.MaxInFlightBytes != 2<<20 {
				t.Errorf("limits = %d, %d", c.MaxInFlight, c.MaxInFlightBytes)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := parseConfig(tt.args, envOf(tt.env), io.Discard)
			if err != nil {
				t.Fatalf("parseConfig: %v", err)
			}
			tt.check(t, c)
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	t.Parallel()
	empty := writeSecret(t, "")
	base := map[string]string{"ALERTBRIDGE_ILERT_KEY": testILertKey, "ALERTBRIDGE_QUEUE_DIR": "/q", "ALERTBRIDGE_LEVEL_SECRET": testLevelSecret}
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for bk, bv := range base {
			if _, ok := m[bk]; !ok {
				m[bk] = bv
			}
		}
		return m
	}
	cmk := map[string]string{"ALERTBRIDGE_CHECKMK_URL": "https://cmk.example.com/prod/", "ALERTBRIDGE_CHECKMK_USER": testCheckmkUser,
		"ALERTBRIDGE_CHECKMK_SECRET": testCheckmkSecret}
	withAll := func(ms ...map[string]string) map[string]string {
		m := map[string]string{}
		for _, src := range append([]map[string]string{base}, ms...) {
			for k, v := range src {
				m[k] = v
			}
		}
		return m
	}
	openFile := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(openFile, []byte(testILertWebhookPassword+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(openFile, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no destination", nil, with("ALERTBRIDGE_ILERT_KEY", ""), "no destination"},
		{"no queue", nil, with("ALERTBRIDGE_QUEUE_DIR", ""), "-queue-dir"},
		{"unsigned Level", nil, with("ALERTBRIDGE_LEVEL_SECRET", ""), "the Level webhook has no secret"},
		{"both paths off", []string{"-healthchecks-path", "", "-level-path", ""}, base, "every webhook path is disabled"},
		{"same paths", []string{"-level-path", "/healthchecks"}, base, "are both"},
		{"path on healthz", []string{"-level-path", "/healthz"}, base, "health endpoint"},
		{"relative path", []string{"-level-path", "level"}, base, "must be a plain path"},
		{"bad AlertOps URL", nil, with("ALERTBRIDGE_ALERTOPS_URL", "ftp://notify.alertops.com/POSTAlert/"+testAlertOpsKey+"/Relay"), "ALERTBRIDGE_ALERTOPS_URL"},
		{"key with a slash", nil, with("ALERTBRIDGE_ILERT_KEY", testILertKey+"/x"), "white space or '/'"},
		{"bad env duration", nil, with("ALERTBRIDGE_SEND_TIMEOUT", "soon"), "ALERTBRIDGE_SEND_TIMEOUT"},
		{"negative timeout", []string{"-send-timeout", "-1s"}, base, "-send-timeout must be positive"},
		{"wait beyond write timeout", []string{"-deliver-wait", "40s"}, base, "shorter than -write-timeout"},
		{"bad log level", []string{"-log-level", "loud"}, base, "-log-level"},
		{"empty secret file", []string{"-ilert-key-file", empty}, base, "is empty"},
		{"missing secret file", []string{"-ilert-key-file", "/nonexistent/key"}, base, "-ilert-key-file"},
		{"secret in two variables", nil, with("ALERTBRIDGE_ILERT_KEY_FILE", empty), "both ALERTBRIDGE_ILERT_KEY and ALERTBRIDGE_ILERT_KEY_FILE"},
		{"argument", []string{"serve"}, base, "unexpected argument"},
		{"iLert webhook without credentials", nil, withAll(cmk), "the iLert webhook has no credentials: set ALERTBRIDGE_ILERT_WEBHOOK_USER and ALERTBRIDGE_ILERT_WEBHOOK_PASSWORD"},
		{"iLert webhook without password", nil, withAll(cmk, map[string]string{"ALERTBRIDGE_ILERT_WEBHOOK_USER": testILertWebhookUser}), "needs both"},
		{"iLert path without Checkmk", []string{"-ilert-path", "/hooks/ilert"}, base, "-ilert-path is set but the Checkmk API is not"},
		{"webhook credentials without Checkmk", nil, with("ALERTBRIDGE_ILERT_WEBHOOK_PASSWORD", testILertWebhookPassword), "two-way sync is not configured"},
		{"Checkmk without its user", nil, withAll(cmk, map[string]string{"ALERTBRIDGE_CHECKMK_USER": "", "ALERTBRIDGE_ILERT_ALLOW_UNAUTHENTICATED": "1"}), "needs its automation user"},
		{"Checkmk URL without site", nil, withAll(cmk, map[string]string{"ALERTBRIDGE_CHECKMK_URL": "https://cmk.example.com/"}), "names no site"},
		{"Checkmk URL with a secret", nil, withAll(cmk, map[string]string{"ALERTBRIDGE_CHECKMK_URL": "https://automation:" + testCheckmkSecret + "@cmk/prod/", "ALERTBRIDGE_ILERT_ALLOW_UNAUTHENTICATED": "1"}), "user information"},
		{"bad site", []string{"-checkmk-sites", "prod-2"}, withAll(cmk), `"prod-2" is not a Checkmk site name`},
		{"bad alert source", []string{"-ilert-alert-sources", "12,abc"}, withAll(cmk), `"abc" is not an alert source id`},
		{"alert URL without id", []string{"-ilert-alert-url", "https://acme.ilert.com/"}, withAll(cmk, map[string]string{"ALERTBRIDGE_ILERT_ALLOW_UNAUTHENTICATED": "1"}), "containing {id}"},
		{"webhook password file readable by others", []string{"-ilert-webhook-password-file", openFile}, withAll(cmk), "accessible by other users (mode 0644): run chmod 600"},
		{"Checkmk secret file a directory", []string{"-checkmk-secret-file", t.TempDir()}, withAll(cmk), "is not a regular file"},
		{"Healthchecks without destination", nil, withAll(cmk, map[string]string{"ALERTBRIDGE_ILERT_KEY": "", "ALERTBRIDGE_ILERT_ALLOW_UNAUTHENTICATED": "1"}), "the Healthchecks and Level webhooks have no destination"},
		{"bytes below a body limit", []string{"-max-in-flight-bytes", "1000"}, base, "must be at least the largest body limit (1048576)"},
		{"negative limit", []string{"-max-in-flight", "-1"}, base, "must not be negative"},
		{"path on metrics", []string{"-level-path", "/metrics"}, base, "the metrics endpoint"},
		{"bad CA file", []string{"-checkmk-ca-file", empty}, withAll(cmk), "holds no PEM certificate"},
		{"no secret flag", []string{"-ilert-key", testILertKey}, base, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseConfig(tt.args, envOf(tt.env), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("parseConfig error = %v, want one containing %q", err, tt.want)
			}
			testutil.AssertNoSecret(t, "error", err.Error(), testAlertOpsKey, testLevelSecret, testILertWebhookPassword, testCheckmkSecret)
			if tt.name != "no secret flag" && tt.name != "key with a slash" {
				testutil.AssertNoSecret(t, "error", err.Error(), testILertKey)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	_, err := parseConfig([]string{"-h"}, envOf(map[string]string{"ALERTBRIDGE_ILERT_KEY": testILertKey}), &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("parseConfig(-h) = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"-listen address", "env ALERTBRIDGE_LISTEN, default 127.0.0.1:8080",
		"env ALERTBRIDGE_QUEUE_DIR", "ALERTBRIDGE_ILERT_KEY", "-ilert-key-file", "ALERTBRIDGE_ALERTOPS_URL",
		"ALERTBRIDGE_LEVEL_PREVIOUS_SECRET", "GET /healthz", "never taken from the command line"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, out.String())
		}
	}
	testutil.AssertNoSecret(t, "usage", out.String(), testILertKey)
	testutil.GoldenText(t, "testdata/usage.golden.txt", out.Bytes())
}

// TestOlderSecretFilesOthersMayRead: the iLert key, the AlertOps URL and the Level secrets
// in a file that group or others may read are read as before, with a warning that names
// the flag, the file, its mode and the fix, never the secret; a private file gives none.
func TestOlderSecretFilesOthersMayRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, value string, mode os.FileMode) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(value+"\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil { // whatever the umask
			t.Fatal(err)
		}
		return path
	}
	open := write("ilert-key", testILertKey, 0o644)
	private := write("level-secret", testLevelSecret, 0o600)
	env := envOf(map[string]string{"ALERTBRIDGE_QUEUE_DIR": "/q"})
	cfg, err := parseConfig([]string{"-ilert-key-file", open, "-level-secret-file", private}, env, io.Discard)
	if err != nil {
		t.Fatalf("parseConfig: %v", err)
	}
	if cfg.ILertKey != testILertKey || len(cfg.LevelSecrets) != 1 || string(cfg.LevelSecrets[0]) != testLevelSecret {
		t.Errorf("the secrets were not read from their files")
	}
	if len(cfg.Warnings) != 1 {
		t.Fatalf("warnings %q, want one (for the iLert key file only)", cfg.Warnings)
	}
	w := cfg.Warnings[0]
	for _, want := range []string{"-ilert-key-file", open, "mode 0644", "chmod 600 " + open} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q does not contain %q", w, want)
		}
	}
	testutil.AssertNoSecret(t, "warning", w, testILertKey, testLevelSecret)

	// run logs it at start (here the demo, which needs no listener).
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"-demo", "-ilert-key-file", open}, []string{"ALERTBRIDGE_QUEUE_DIR=" + filepath.Join(dir, "q")}, nil, io.Discard, &stderr)
	if code != 0 || !strings.Contains(stderr.String(), "level=WARN msg=configuration") || !strings.Contains(stderr.String(), "chmod 600") {
		t.Errorf("run exit %d; stderr:\n%s", code, stderr.String())
	}
	testutil.AssertNoSecret(t, "stderr", stderr.String(), testILertKey)
}
