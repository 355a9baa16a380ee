package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/environ"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// TestDefaultQueueDirectory (issue 9 §2): outside a site the queue is under the user's
// own state directory; $TMPDIR only without a usable home.
func TestDefaultQueueDirectory(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	notMine := t.TempDir()
	if os.Geteuid() == 0 {
		if err := os.Chown(notMine, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	uid := os.Geteuid()
	tests := []struct {
		name string
		vars []string
		want string
	}{
		{"variable", []string{"ALERTBRIDGE_SPOOL_DIR=/q", "OMD_ROOT=/omd/sites/prod", "HOME=" + home}, "/q"},
		{"site", []string{"OMD_ROOT=/omd/sites/prod", "HOME=" + home, "XDG_STATE_HOME=/state"}, "/omd/sites/prod/var/alertbridge/spool"},
		{"XDG_STATE_HOME", []string{"XDG_STATE_HOME=/state", "HOME=" + home}, "/state/alertbridge/spool"},
		{"relative XDG_STATE_HOME is ignored", []string{"XDG_STATE_HOME=state", "HOME=" + home}, home + "/.local/state/alertbridge/spool"},
		{"home", []string{"HOME=" + home, "TMPDIR=/var/tmp"}, home + "/.local/state/alertbridge/spool"},
		{"no home", []string{"TMPDIR=/var/tmp"}, fmt.Sprintf("/var/tmp/alertbridge-%d/spool", uid)},
		{"home does not exist", []string{"HOME=/nonexistent/home", "TMPDIR=/var/tmp"}, fmt.Sprintf("/var/tmp/alertbridge-%d/spool", uid)},
		{"relative home", []string{"HOME=home"}, fmt.Sprintf("/tmp/alertbridge-%d/spool", uid)},
		{"no TMPDIR", nil, fmt.Sprintf("/tmp/alertbridge-%d/spool", uid)},
	}
	if os.Geteuid() == 0 {
		tests = append(tests, struct {
			name string
			vars []string
			want string
		}{"home of another user", []string{"HOME=" + notMine}, fmt.Sprintf("/tmp/alertbridge-%d/spool", uid)})
	}
	for _, tt := range tests {
		env := &environment{getenv: environ.Getenv(tt.vars)}
		if got := defaultSpoolDir(env); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestQueueUnderHome: a run outside a site, with a home directory and no queue setting,
// queues into $HOME/.local/state/alertbridge/spool (0700 all the way it creates), never
// into /tmp; flush finds the same queue.
func TestQueueUnderHome(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	home := t.TempDir()
	tmp := t.TempDir()
	h.ilert.FailNext(queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503})
	env := withoutEnv(h.env(t, "host-down-problem.env"), envSpoolDir, "OMD_ROOT", "HOME", "XDG_STATE_HOME")
	env = append(env, "HOME="+home, "TMPDIR="+tmp)
	if r := runBinary(t, env, ""); r.code != 0 || !strings.Contains(r.out, "iLert: queued (503") {
		t.Fatalf("exit %d; output:\n%s", r.code, r.out)
	}
	dir := filepath.Join(home, ".local", "state", "alertbridge", "spool")
	if n := countFiles(t, dir, "pending/*/*.req"); n != 1 {
		t.Errorf("%d requests in %s, want 1", n, dir)
	}
	for _, d := range []string{filepath.Join(home, ".local"), filepath.Join(home, ".local", "state"), dir} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v, want a directory of mode 0700", d, describe(fi, err))
		}
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("the run wrote into $TMPDIR: %v", entries)
	}
	flushEnv := append(withoutEnv(h.baseEnv(), envSpoolDir), "HOME="+home)
	if r := runBinary(t, flushEnv, "", "flush"); r.code != 0 || !strings.Contains(r.out, "1 delivered, 0 waiting") {
		t.Errorf("flush: exit %d; output:\n%s", r.code, r.out)
	}
}

// TestRetrierLogsToTheSiteLog: in a site, the queue is $OMD_ROOT/var/alertbridge/spool
// and the retrier logs to $OMD_ROOT/var/log/alertbridge.log.
func TestRetrierLogsToTheSiteLog(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "var", "log"), 0o700); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "var", "alertbridge", "spool")
	watchRetriers(t, dir)
	h.ilert.FailNext(queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503})
	env := withRetrier(withoutEnv(h.iLertOnly(t, "host-down-problem.env"), envSpoolDir), fastSchedule)
	env = setEnv(env, "OMD_ROOT", root)
	if r := runBinary(t, env, ""); r.code != 0 || !strings.Contains(r.out, "retrying in the background") {
		t.Fatalf("exit %d; output:\n%s", r.code, r.out)
	}
	if !waitFor(time.Minute, func() bool { return len(h.ilert.CheckmkEvents()) == 1 }) || !waitNoRetrier(t, dir, time.Minute) {
		t.Fatalf("the retrier did not deliver and exit")
	}
	b, err := os.ReadFile(filepath.Join(root, "var", "log", "alertbridge.log"))
	if err != nil || !strings.Contains(string(b), "delivered queued PROBLEM web01") {
		t.Errorf("site log %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, queueLogName)); !os.IsNotExist(err) {
		t.Errorf("the retrier logged into the queue directory in a site (%v)", err)
	}
}

// TestInstallCron: install --cron writes the site's cron job (a flush every minute, its
// lines into the alertbridge log, no retriers) and says to reload the crontab; it replaces
// its own job, but not someone else's without --force.
func TestInstallCron(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	env := []string{"PATH=/usr/bin:/bin", "OMD_ROOT=" + root}
	r := runBinary(t, env, "", "install", "--cron")
	if r.code != int(checkmk.ExitSent) || !strings.Contains(r.out, "next: run omd reload crontab") {
		t.Fatalf("install --cron: exit %d; output:\n%s", r.code, r.out)
	}
	path := filepath.Join(root, "etc", "cron.d", "alertbridge")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "# ") ||
		!strings.HasPrefix(lines[1], "* * * * * '/") || !strings.HasSuffix(lines[1], "/checkmk-notify' flush --no-retrier --log >/dev/null 2>&1") {
		t.Errorf("cron job:\n%s", b)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("cron job: %v, want mode 0600", describe(fi, err))
	}
	if _, err := os.Stat(filepath.Join(root, "local", "share", "check_mk", "notifications", "alertbridge")); err != nil {
		t.Errorf("the notification script was not written: %v", err)
	}
	if r := runBinary(t, env, "", "install", "--cron"); r.code != int(checkmk.ExitSent) {
		t.Errorf("install --cron again: exit %d; output:\n%s", r.code, r.out)
	}
	if err := os.WriteFile(path, []byte("* * * * * something else\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runBinary(t, env, "", "install", "--cron"); r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "--force") {
		t.Errorf("install --cron over another job: exit %d; output:\n%s", r.code, r.out)
	}
	if r := runBinary(t, []string{"PATH=/usr/bin:/bin"}, "", "install", "--cron", "--dir", t.TempDir()); r.code != int(checkmk.ExitPermanent) || !strings.Contains(r.out, "OMD_ROOT") {
		t.Errorf("install --cron outside a site: exit %d; output:\n%s", r.code, r.out)
	}
	// The job's command works: flush --log writes to the site's log, and nothing when
	// nothing is queued.
	if err := os.MkdirAll(filepath.Join(root, "var", "log"), 0o700); err != nil {
		t.Fatal(err)
	}
	if r := runBinary(t, env, "", "flush", "--no-retrier", "--log"); r.code != 0 || r.out != "" {
		t.Errorf("flush --log: exit %d, output %q; want 0 and nothing on standard output", r.code, r.out)
	}
}

// describe names a file's mode, or the error that kept it from being read.
func describe(fi os.FileInfo, err error) string {
	if err != nil {
		return err.Error()
	}
	return fi.Mode().String()
}

// TestEachRuleKeepsItsMaxAge (issue 11 §3): a short max_age on one rule does not expire
// another rule's queued request: each request carries the maximum age of its rule, and a
// run flushes every destination without imposing its own. A request of the short rule
// itself expires only after a failed try past its age, and says so.
func TestEachRuleKeepsItsMaxAge(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.alertops.FailNext(2*queuedRetry.MaxAttempts, alertopstest.Failure{Status: 503})
	aops := append(withoutEnv(h.env(t, "host-down-problem.env"), "NOTIFY_PARAMETER*"), "NOTIFY_PARAMETER_1=alertops="+fixtureAlertOpsURL)
	if r := runBinary(t, aops, ""); r.code != 0 || !strings.Contains(r.out, "AlertOps: queued (503") {
		t.Fatalf("first rule: exit %d; output:\n%s", r.code, r.out)
	}
	// Another rule, with a maximum age shorter than any run: its flush of the AlertOps
	// queue fails again, and the AlertOps request must stay queued.
	r := runBinary(t, h.iLertOnly(t, "host-up-recovery.env", "max_age=1ns"), "")
	if r.code != 0 || !strings.Contains(r.out, "iLert: sent (202, RECOVERY web01)") {
		t.Fatalf("second rule: exit %d; output:\n%s", r.code, r.out)
	}
	if n := countFiles(t, h.spool, "pending/alertops-*/*.req"); n != 1 {
		t.Errorf("%d AlertOps requests queued, want 1 (the other rule's max_age expired it)", n)
	}
	if n := countFiles(t, h.spool, "failed/*/*"); n != 0 {
		t.Errorf("%d files in failed/, want none", n)
	}
	if r := runBinary(t, h.baseEnv(), "", "flush"); r.code != 0 || len(h.alertops.Alerts()) != 1 {
		t.Errorf("flush: exit %d, %d AlertOps alerts; output:\n%s", r.code, len(h.alertops.Alerts()), r.out)
	}

	// The short rule's own request: tried once more past its age, then expired.
	h.ilert.FailNext(queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503})
	r = runBinary(t, h.iLertOnly(t, "host-down-problem.env", "max_age=1ns"), "")
	want := "iLert: expired (503 Service Unavailable; older than its max_age) — moved to failed/"
	if r.code != int(checkmk.ExitPermanent) || r.lastLines(1)[0] != want {
		t.Errorf("exit %d, last line %q; want 2 and %q", r.code, r.lastLines(1)[0], want)
	}
	reasons, _ := filepath.Glob(filepath.Join(h.spool, "failed", "ilert-*", "*.reason"))
	if len(reasons) != 1 {
		t.Fatalf("%d reasons in failed/, want 1", len(reasons))
	}
	if b, _ := os.ReadFile(reasons[0]); !strings.Contains(string(b), "expired after 1ns") || !strings.Contains(string(b), "the last try at") {
		t.Errorf("reason %q", b)
	}
}

// failingSync is a queue whose syncs fail after the rename, as when the disk reports an
// error syncing the directory: what it queued is queued, but not confirmed durable.
type failingSync struct {
	runQueue
	synced []spool.ID
}

func (f *failingSync) Sync(_ context.Context, ids ...spool.ID) error {
	f.synced = append(f.synced, ids...)
	return &spool.NotDurableError{IDs: ids, Err: &os.PathError{Op: "fsync", Path: f.Dir(), Err: syscall.EIO}}
}

// TestDirectorySyncFailureIsReportedQueued (issue 11 §3): when syncing fails after the
// rename, the request is queued, and the run says so ("not confirmed on disk") instead of
// sending it directly as well, which would deliver it twice.
func TestDirectorySyncFailureIsReportedQueued(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.ilert.FailNext(queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503})
	var out strings.Builder
	env := newEnvironment(h.iLertOnly(t, "host-down-problem.env"), strings.NewReader(""), &out, &out)
	var wrapped *failingSync
	env.openQueue = func(ctx context.Context, dir string) (runQueue, error) {
		q, err := openQueue(ctx, dir)
		if err != nil {
			return nil, err
		}
		wrapped = &failingSync{runQueue: q}
		return wrapped, nil
	}
	code := runMode(context.Background(), nil, env)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := "iLert: queued (503 Service Unavailable; not confirmed on disk (fsync " + h.spool + ": input/output error); 1 waiting, retried on the next run or by flush)"
	if code != checkmk.ExitSent || lines[len(lines)-1] != want {
		t.Errorf("exit %d, last line %q; want 0 and %q", code, lines[len(lines)-1], want)
	}
	if wrapped == nil || len(wrapped.synced) != 1 {
		t.Fatalf("the run synced %v, want its one request", wrapped)
	}
	if n := len(h.ilert.Requests()); n != queuedRetry.MaxAttempts {
		t.Errorf("iLert received %d requests, want the flush's %d and no direct send", n, queuedRetry.MaxAttempts)
	}
	if r := runBinary(t, h.baseEnv(), "", "flush"); r.code != 0 || len(h.ilert.CheckmkEvents()) != 1 {
		t.Errorf("flush: exit %d, %d events; want the queued request delivered once", r.code, len(h.ilert.CheckmkEvents()))
	}
}
