package main

import (
	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandLine covers help, version and usage errors.
func TestCommandLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{args: []string{"help"}, wantOut: "Exit codes"},
		{args: []string{"--help"}, wantOut: "ilert_mode=MODE"},
		{args: []string{"-h"}, wantOut: "spool=on|off"},
		{args: []string{"version"}, wantOut: "checkmk-notify "},
		{args: []string{"--no-such-flag"}, wantCode: int(checkmk.ExitPermanent), wantOut: "usage:"},
		{args: []string{"frobnicate"}, wantCode: int(checkmk.ExitPermanent), wantOut: `unknown mode "frobnicate"`},
		{args: []string{"flush", "extra"}, wantCode: int(checkmk.ExitPermanent), wantOut: `unexpected argument "extra"`},
		{args: []string{"--name", "x"}, wantCode: int(checkmk.ExitPermanent), wantOut: "only for install"},
		{args: []string{"flush", "--timeout", "0s"}, wantCode: int(checkmk.ExitPermanent), wantOut: "must be positive"},
		{args: []string{"--log"}, wantCode: int(checkmk.ExitPermanent), wantOut: "flag --log is only for flush"},
		{args: []string{"flush", "--cron"}, wantCode: int(checkmk.ExitPermanent), wantOut: "flag --cron is only for install"},
		{args: []string{"retrier"}, wantCode: int(checkmk.ExitPermanent), wantOut: "--spool-dir is required"},
		{args: []string{"help"}, wantOut: "retrier=on|off"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", tt.args...)
			if r.code != tt.wantCode || !strings.Contains(r.out, tt.wantOut) {
				t.Errorf("exit %d, want %d; output lacks %q?\n%s", r.code, tt.wantCode, tt.wantOut, r.out)
			}
		})
	}
}

// TestDryRun: -n prints what would be sent, with the secrets redacted, and sends and
// queues nothing, before or after the mode word.
func TestDryRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := runBinary(t, h.env(t, "service-crit-problem.env"), "", "-n")
	if r.code != int(checkmk.ExitSent) {
		t.Fatalf("exit %d; output:\n%s", r.code, r.out)
	}
	for _, want := range []string{
		"iLert: would send PROBLEM web01/Filesystem /var (POST " + h.ilert.URL() + "/api/v1/events/checkmk-ext/[secret])",
		"AlertOps: would send PROBLEM web01/Filesystem /var (POST " + h.alertops.BaseURL() + "/POSTAlert/[secret]/CheckMK)",
		`"SERVICEDESC": "Filesystem /var"`,
		"    Agent: checkmk/extension/1.0\n", // the header Checkmk's built-in method sends
		"[secret]: the API key (in the URL); everything else is sent as shown",
		"iLert: dry run, nothing sent",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, r.out)
		}
	}
	if n := len(h.ilert.Requests()) + len(h.alertops.Requests()); n != 0 {
		t.Errorf("dry run sent %d requests", n)
	}
	if _, err := os.Stat(h.spool); !os.IsNotExist(err) {
		t.Errorf("dry run created the queue (%v)", err)
	}

	// Queue one request, then list it with flush --dry-run.
	h.ilert.FailNext(queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503})
	runBinary(t, h.env(t, "host-down-problem.env"), "")
	r = runBinary(t, h.baseEnv(), "", "flush", "--dry-run")
	if r.code != int(checkmk.ExitSent) || !strings.Contains(r.out, "would send PROBLEM web01 (POST ") || !strings.Contains(r.out, "dry run: 1 queued request(s)") {
		t.Errorf("flush --dry-run: exit %d; output:\n%s", r.code, r.out)
	}
	if n := countFiles(t, h.spool, "pending/*/*.req"); n != 1 {
		t.Errorf("flush --dry-run changed the queue: %d requests, want 1", n)
	}
}

// TestInstall writes the wrapper, runs it through sh as Checkmk would, and refuses to
// overwrite a script that is not ours.
func TestInstall(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dir := filepath.Join(t.TempDir(), "it's notifications") // a quote and a space in the path
	r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "install", "--dir", dir, "--name", "ilert", "--title", "iLert (alertbridge)")
	if r.code != int(checkmk.ExitSent) {
		t.Fatalf("install: exit %d; output:\n%s", r.code, r.out)
	}
	path := filepath.Join(dir, "ilert")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	if lines[0] != "#!/bin/sh" || lines[1] != "# iLert (alertbridge)" || lines[2] != "# Bulk: yes" {
		t.Errorf("wrapper header:\n%s", b)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("wrapper mode %v (%v), want 0700, as Checkmk installs notification scripts", fi.Mode().Perm(), err)
	}

	// Checkmk runs the wrapper: environment only, no arguments; and with --bulk.
	out, err := runScript(path, h.env(t, "host-down-problem.env"), "")
	if err != nil || !strings.Contains(out, "iLert: sent (202, PROBLEM web01)") {
		t.Errorf("running the wrapper: %v; output:\n%s", err, out)
	}
	out, err = runScript(path, h.baseEnv(), readFixture(t, "bulk.txt"), "--bulk")
	if err != nil || !strings.Contains(out, "iLert: 3 notifications: 3 sent") {
		t.Errorf("running the wrapper with --bulk: %v; output:\n%s", err, out)
	}

	// Reinstalling over our own wrapper is fine; over somebody else's script it needs --force.
	if r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "install", "--dir", dir, "--name", "ilert"); r.code != int(checkmk.ExitSent) {
		t.Errorf("reinstall: exit %d; output:\n%s", r.code, r.out)
	}
	foreign := filepath.Join(dir, "alertops")
	if err := os.WriteFile(foreign, []byte("#!/usr/bin/env python3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "install", "--dir", dir, "--name", "alertops"); r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "--force") {
		t.Errorf("install over a foreign script: exit %d, want 2; output:\n%s", r.code, r.out)
	}
	if b, _ := os.ReadFile(foreign); string(b) != "#!/usr/bin/env python3\n" {
		t.Errorf("the foreign script was changed")
	}
	if r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "install", "--dir", dir, "--name", "alertops", "--force"); r.code != int(checkmk.ExitSent) {
		t.Errorf("install --force: exit %d; output:\n%s", r.code, r.out)
	}

	// The default directory is the site's; without OMD_ROOT and --dir it is an error.
	root := t.TempDir()
	if r := runBinary(t, []string{"PATH=/usr/bin:/bin", "OMD_ROOT=" + root}, "", "install"); r.code != int(checkmk.ExitSent) {
		t.Errorf("install into the site: exit %d; output:\n%s", r.code, r.out)
	}
	if _, err := os.Stat(filepath.Join(root, "local", "share", "check_mk", "notifications", "alertbridge")); err != nil {
		t.Errorf("default wrapper not written: %v", err)
	}
	if r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "install"); r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "OMD_ROOT") {
		t.Errorf("install without OMD_ROOT: exit %d, want 2; output:\n%s", r.code, r.out)
	}
}

func runScript(path string, env []string, stdin string, args ...string) (string, error) {
	cmd := exec.Command("/bin/sh", append([]string{path}, args...)...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestDemo runs the quickstart's demo: it must work offline and end with exit 0.
func TestDemo(t *testing.T) {
	t.Parallel()
	r := runBinary(t, []string{"PATH=/usr/bin:/bin", "TMPDIR=" + t.TempDir()}, "", "demo")
	if r.code != int(checkmk.ExitSent) {
		t.Fatalf("demo: exit %d; output:\n%s", r.code, r.out)
	}
	for _, want := range []string{
		"iLert: queued (503 Service Unavailable; 1 waiting",
		"AlertOps: queued (503 Service Unavailable; 1 waiting",
		"delivered queued PROBLEM db02",
		"What iLert received",
		"RECOVERY         web01/Filesystem /var",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.out)
		}
	}
	if strings.Contains(r.out, demoILertKey) || strings.Contains(r.out, demoAlertOpsKey) {
		t.Errorf("demo output shows a key")
	}
}
