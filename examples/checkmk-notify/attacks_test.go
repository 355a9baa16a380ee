package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// The attacks of issue 9 §2 against the notifier, run as Checkmk runs it: another local
// user prepares the queue's path in a shared /tmp (a user without a home directory, whose
// queue is $TMPDIR/alertbridge-<uid>/spool) or plants files in the queue, to move queued
// alerts away, overwrite the victim's files, hang a run, or have the victim send a forged
// request with the victim's key. Another user is simulated with chown to nobody, which
// needs root (CI runs as root); the tests that need it skip otherwise, saying so.

const nobody = 65534

// giveToOtherUser gives path to nobody, as if that user had created it, or skips.
func giveToOtherUser(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("simulating a file of another user needs root (chown %s to uid %d); run the tests as root, as CI does", path, nobody)
	}
	if err := os.Lchown(path, nobody, nobody); err != nil {
		t.Fatal(err)
	}
}

// sharedTmp is a directory like /tmp (root's or this user's, mode 1777) and the
// environment of a run for a user without a home directory whose TMPDIR it is: the default
// queue is <tmp>/alertbridge-<uid>/spool.
func (h *harness) sharedTmp(t *testing.T, fixture string) (tmp string, env []string) {
	t.Helper()
	tmp = t.TempDir()
	if err := os.Chmod(tmp, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	env = withoutEnv(h.env(t, fixture), envSpoolDir, "OMD_ROOT", "HOME", "XDG_STATE_HOME")
	return tmp, append(env, "TMPDIR="+tmp)
}

// TestAttackOnTheQueueDirectory: the path of the default queue in a shared /tmp prepared by
// another user (their directory, one anyone may write, a link to theirs) is not used: the
// result line names the directory, what is wrong and the fix; the notification is sent
// directly (exit 0), or, when that fails, exit 1 so that Checkmk may retry; nothing is
// created in what the other user controls.
func TestAttackOnTheQueueDirectory(t *testing.T) {
	t.Parallel()
	uid := strconv.Itoa(os.Geteuid())
	tests := []struct {
		name    string
		prepare func(t *testing.T, tmp string) (bad string)
		problem string
	}{
		{name: "their directory", prepare: func(t *testing.T, tmp string) string {
			dir := filepath.Join(tmp, "alertbridge-"+uid)
			mkdirMode(t, dir, 0o777)
			giveToOtherUser(t, dir)
			return dir
		}, problem: "is owned by uid 65534, not by root or you (uid " + uid + "), who could move the queue away; choose a directory you own"},
		{name: "a directory anyone may write", prepare: func(t *testing.T, tmp string) string {
			dir := filepath.Join(tmp, "alertbridge-"+uid)
			mkdirMode(t, dir, 0o777)
			return dir
		}, problem: "is writable by group or others (mode 0777) and not sticky, so they could move the queue away; chmod go-w "},
		{name: "a link to their directory", prepare: func(t *testing.T, tmp string) string {
			theirs := filepath.Join(tmp, "theirs")
			mkdirMode(t, theirs, 0o777)
			giveToOtherUser(t, theirs)
			if err := os.Symlink(theirs, filepath.Join(tmp, "alertbridge-"+uid)); err != nil {
				t.Fatal(err)
			}
			return theirs
		}, problem: "is owned by uid 65534, not by root or you (uid " + uid + "), who could move the queue away"},
	}
	for _, tt := range tests {
		for _, down := range []bool{false, true} {
			name := tt.name
			if down {
				name += ", iLert down"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				tmp, env := h.sharedTmp(t, "host-down-problem.env")
				bad := tt.prepare(t, tmp)
				queue := filepath.Join(tmp, "alertbridge-"+uid, "spool")
				env = append(withoutEnv(env, "NOTIFY_PARAMETER*"), "NOTIFY_PARAMETER_1=ilert="+fixtureILertKey)
				if down {
					h.ilert.FailNext(directRetry.MaxAttempts, ilerttest.Failure{Status: 503})
				}
				r := runBinary(t, env, "")
				notUsed := "the queue " + queue + " is not used: " + bad + " " + tt.problem
				last := r.lastLines(1)[0]
				switch {
				case down && (r.code != int(checkmk.ExitTemporary) || !strings.HasPrefix(last, "iLert: not sent (503 Service Unavailable; "+notUsed)):
					t.Errorf("exit %d, last line %q; want 1 and a line starting %q", r.code, last, "iLert: not sent (503 Service Unavailable; "+notUsed)
				case !down && (r.code != 0 || !strings.HasPrefix(last, "iLert: sent (202, PROBLEM web01) — "+notUsed)):
					t.Errorf("exit %d, last line %q; want 0 and a line starting %q", r.code, last, "iLert: sent (202, PROBLEM web01) — "+notUsed)
				}
				if want := map[bool]int{false: 1, true: directRetry.MaxAttempts}[down]; len(h.ilert.Requests()) != want {
					t.Errorf("iLert received %d requests, want %d (sent directly)", len(h.ilert.Requests()), want)
				}
				if entries, err := os.ReadDir(bad); err != nil || len(entries) != 0 {
					t.Errorf("%s holds %d entries (%v), want nothing created there", bad, len(entries), err)
				}
			})
		}
	}
}

func mkdirMode(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Mkdir(path, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// TestAttackWithPlantedLinks: seq or flush.lock planted as a link to a file of the victim
// never makes the notifier write through it: the victim's file is unchanged, the run says
// the queue is not trusted and why, and the notification is delivered directly (once).
func TestAttackWithPlantedLinks(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"seq", "flush.lock"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			victim := filepath.Join(t.TempDir(), ".bashrc")
			if err := os.WriteFile(victim, []byte("the victim's own file\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			dest := target{sink: delivery.SinkILertCheckmk, key: fixtureILertKey}.spoolName()
			dir := filepath.Join(h.spool, "pending", dest)
			if _, err := spool.Open(context.Background(), h.spool); err != nil {
				t.Fatal(err)
			}
			mkdirMode(t, dir, 0o700)
			link := filepath.Join(dir, file)
			if err := os.Symlink(victim, link); err != nil {
				t.Fatal(err)
			}
			r := runBinary(t, h.iLertOnly(t, "host-down-problem.env"), "")
			want := "iLert: sent (202, PROBLEM web01) — the queue " + h.spool + " is not used: " + link + " is a symbolic link; remove the symlink " + link + " and run again"
			if r.code != 0 || r.lastLines(1)[0] != want {
				t.Errorf("exit %d, last line %q; want 0 and %q", r.code, r.lastLines(1)[0], want)
			}
			if b, err := os.ReadFile(victim); err != nil || string(b) != "the victim's own file\n" {
				t.Errorf("the victim's file is %q (%v)", b, err)
			}
			if n := len(h.ilert.CheckmkEvents()); n != 1 {
				t.Errorf("iLert received %d events, want 1", n)
			}
		})
	}
}

// TestAttackWithANamedPipe: a named pipe planted as a request would block a run in open(2)
// past Checkmk's 60 s: the run ends as usual (well within its 1 s budget here), delivers
// its own request, and the pipe is in failed/ with the reason.
func TestAttackWithANamedPipe(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := target{sink: delivery.SinkILertCheckmk, key: fixtureILertKey}.spoolName()
	if _, err := spool.Open(context.Background(), h.spool); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(h.spool, "pending", dest)
	mkdirMode(t, dir, 0o700)
	fifo := filepath.Join(dir, "00000000000000000001.req")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan runResult, 1)
	go func() { done <- runBinary(t, h.iLertOnly(t, "host-down-problem.env", "budget=1s"), "") }()
	var r runResult
	select {
	case r = <-done:
	case <-time.After(time.Minute): // a safety net: the run hangs
		if f, err := os.OpenFile(fifo, os.O_RDWR|syscall.O_NONBLOCK, 0); err == nil {
			f.Close() // let it go
		}
		t.Fatal("the run hangs on the named pipe")
	}
	if r.code != 0 || r.lastLines(1)[0] != "iLert: sent (202, PROBLEM web01)" {
		t.Errorf("exit %d; output:\n%s", r.code, r.out)
	}
	reasons, _ := filepath.Glob(filepath.Join(h.spool, "failed", dest, "*.reason"))
	if len(reasons) != 1 {
		t.Fatalf("%d reasons in failed/, want the pipe's", len(reasons))
	}
	if b, _ := os.ReadFile(reasons[0]); !strings.Contains(string(b), "is a named pipe (FIFO), not a regular file") {
		t.Errorf("reason %q", b)
	}
}

// TestAttackWithAForgedRequest: a request file planted by another user in the victim's
// queue, with the attacker's iLert URL and ignoreSSL, is never sent (the attacker's server
// gets nothing); it moves to failed/ unread, and the victim's own request is delivered.
func TestAttackWithAForgedRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var stolen atomic.Int32
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer attacker.Close()
	q, err := spool.Open(context.Background(), h.spool)
	if err != nil {
		t.Fatal(err)
	}
	dest := target{sink: delivery.SinkILertCheckmk, key: fixtureILertKey}.spoolName()
	forged, err := delivery.ILert(ilert.Event{IntegrationKey: "attacker-will-use-yours", EventType: ilert.EventTypeAlert,
		Summary: "forged", AlertKey: "x"}).WithTransport(delivery.Transport{ILertURL: attacker.URL, IgnoreSSL: true}).Encode()
	if err != nil {
		t.Fatal(err)
	}
	id, err := q.Enqueue(context.Background(), dest, forged)
	if err != nil {
		t.Fatal(err)
	}
	_, seq, _ := strings.Cut(string(id), "/")
	giveToOtherUser(t, filepath.Join(h.spool, "pending", dest, seq+".req"))

	r := runBinary(t, h.iLertOnly(t, "host-down-problem.env"), "")
	if r.code != 0 || r.lastLines(1)[0] != "iLert: sent (202, PROBLEM web01)" {
		t.Errorf("exit %d; output:\n%s", r.code, r.out)
	}
	if n := stolen.Load(); n != 0 {
		t.Errorf("the attacker's server received %d requests", n)
	}
	if n := len(h.ilert.Requests()); n != 1 {
		t.Errorf("iLert received %d requests, want the victim's one", n)
	}
	b, err := os.ReadFile(filepath.Join(h.spool, "failed", dest, seq+".reason"))
	if err != nil || !strings.Contains(string(b), "not used, moved aside unread: it is owned by uid 65534, not by you") {
		t.Errorf("reason %q (%v)", b, err)
	}
}
