//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The attacks of issue 9 §2: another local user prepares the queue's path in a shared
// directory (a /tmp without a home directory) and then moves the queue away, plants links
// so that the notifier overwrites the victim's files, plants a named pipe so that a run
// hangs, or plants a forged request that the victim would send with the victim's key.
//
// Another user is simulated by giving a file to nobody (chown), which needs root; CI runs
// the tests as root. Other users skip those cases, saying so.

// asOtherUser gives path to the unprivileged user, as if that user had created it, or skips
// the test when this process cannot.
func asOtherUser(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("simulating a file of another user needs root (chown %s to uid %d); run the tests as root, as CI does", path, unprivilegedID)
	}
	if err := os.Lchown(path, unprivilegedID, unprivilegedID); err != nil {
		t.Fatal(err)
	}
}

// wantUnsafe checks that err is an *UnsafeError about path whose problem and fix say what
// is expected, and that the message carries all of it.
func wantUnsafe(t *testing.T, err error, path, problem, fix string) {
	t.Helper()
	unsafe, ok := errors.AsType[*UnsafeError](err)
	if !ok {
		t.Fatalf("error %v, want an *UnsafeError about %s", err, path)
	}
	if unsafe.Path != path || !strings.Contains(unsafe.Problem, problem) || !strings.Contains(unsafe.Fix, fix) {
		t.Errorf("UnsafeError{Path: %q, Problem: %q, Fix: %q}, want the path %q, a problem saying %q and a fix saying %q",
			unsafe.Path, unsafe.Problem, unsafe.Fix, path, problem, fix)
	}
	for _, part := range []string{path, problem, fix} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q does not say %q", err, part)
		}
	}
	if !strings.HasPrefix(err.Error(), "spool: ") {
		t.Errorf("message %q is not a spool error", err)
	}
}

func mkdir(t *testing.T, path string, mode fs.FileMode) string {
	t.Helper()
	if err := os.Mkdir(path, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // whatever the umask
		t.Fatal(err)
	}
	return path
}

func symlink(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

// TestOpenRefusesADirectoryOthersControl: Open checks the queue directory, everything in it
// and everything above it, and refuses, naming the directory, what is wrong and how to fix
// it, without creating anything inside what it refuses.
func TestOpenRefusesADirectoryOthersControl(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// setup prepares base and returns the queue directory to open and the directory
		// the error must name.
		setup        func(t *testing.T, base string) (dir, bad string)
		problem, fix string
	}{
		{
			name: "the directory above was created by another user",
			setup: func(t *testing.T, base string) (string, string) {
				theirs := mkdir(t, filepath.Join(base, "alertbridge-0"), 0o777|fs.ModeSticky)
				asOtherUser(t, theirs)
				return filepath.Join(theirs, "spool"), theirs
			},
			problem: "is owned by uid 65534, not by root or you", fix: "choose a directory you own",
		},
		{
			name: "the directory above is writable by others and not sticky",
			setup: func(t *testing.T, base string) (string, string) {
				open := mkdir(t, filepath.Join(base, "alertbridge-0"), 0o777)
				return filepath.Join(open, "spool"), open
			},
			problem: "is writable by group or others (mode 0777) and not sticky", fix: "chmod go-w " + filepath.Join("BASE", "alertbridge-0"),
		},
		{
			name: "a directory further up is writable by its group and not sticky",
			setup: func(t *testing.T, base string) (string, string) {
				shared := mkdir(t, filepath.Join(base, "shared"), 0o770)
				mine := mkdir(t, filepath.Join(shared, "mine"), 0o700)
				return filepath.Join(mine, "spool"), shared
			},
			problem: "is writable by group or others (mode 0770)", fix: "chmod +t",
		},
		{
			name: "the queue directory was created by another user",
			setup: func(t *testing.T, base string) (string, string) {
				theirs := mkdir(t, filepath.Join(base, "spool"), 0o700)
				asOtherUser(t, theirs)
				return theirs, theirs
			},
			problem: "is owned by uid 65534, not by you", fix: "choose a directory you own",
		},
		{
			name: "the queue directory is a link to another user's directory",
			setup: func(t *testing.T, base string) (string, string) {
				theirs := mkdir(t, filepath.Join(base, "theirs"), 0o777)
				link := filepath.Join(base, "spool")
				symlink(t, theirs, link)
				return link, link
			},
			problem: "is a symbolic link", fix: "remove the symlink " + filepath.Join("BASE", "spool") + " and run again",
		},
		{
			name: "the queue directory is writable by others",
			setup: func(t *testing.T, base string) (string, string) {
				dir := mkdir(t, filepath.Join(base, "spool"), 0o777)
				return dir, dir
			},
			problem: "is writable by group or others (mode 0777)", fix: "chmod 700 " + filepath.Join("BASE", "spool"),
		},
		{
			name: "pending/ is writable by its group",
			setup: func(t *testing.T, base string) (string, string) {
				dir := mkdir(t, filepath.Join(base, "spool"), 0o700)
				return dir, mkdir(t, filepath.Join(dir, pendingDir), 0o770)
			},
			problem: "is writable by group or others (mode 0770)", fix: "chmod 700",
		},
		{
			name: "a destination in pending/ belongs to another user",
			setup: func(t *testing.T, base string) (string, string) {
				dir := mkdir(t, filepath.Join(base, "spool"), 0o700)
				mkdir(t, filepath.Join(dir, pendingDir), 0o700)
				theirs := mkdir(t, filepath.Join(dir, pendingDir, "ilert"), 0o700)
				asOtherUser(t, theirs)
				return dir, theirs
			},
			problem: "is owned by uid 65534, not by you", fix: "chown -R",
		},
		{
			name: "a destination in failed/ is a link",
			setup: func(t *testing.T, base string) (string, string) {
				dir := mkdir(t, filepath.Join(base, "spool"), 0o700)
				mkdir(t, filepath.Join(dir, failedDir), 0o700)
				link := filepath.Join(dir, failedDir, "ilert")
				symlink(t, t.TempDir(), link)
				return dir, link
			},
			problem: "is a symbolic link", fix: "remove the symlink",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := t.TempDir()
			dir, bad := tt.setup(t, base)
			before := listTree(t, base)
			q, err := Open(context.Background(), dir)
			if err == nil {
				t.Fatalf("Open(context.Background(), %s) succeeded: the queue would be used", dir)
			}
			if q != nil {
				t.Error("Open returned a queue with its error")
			}
			wantUnsafe(t, err, bad, tt.problem, strings.ReplaceAll(tt.fix, "BASE", base))
			if diff := cmp.Diff(before, listTree(t, base)); diff != "" {
				t.Errorf("Open changed what it refused (-before +after):\n%s", diff)
			}
		})
	}
}

// listTree lists every path under root that this process may list.
func listTree(t *testing.T, root string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // another user's directory (when not root)
		}
		paths = append(paths, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// TestOpenAcceptsWhatIsSafe: a sticky shared directory above (like /tmp), links above the
// queue directory (resolved once), and root's directories.
func TestOpenAcceptsWhatIsSafe(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	shared := mkdir(t, filepath.Join(base, "tmp"), 0o777|fs.ModeSticky)
	mine := mkdir(t, filepath.Join(shared, "alertbridge-0"), 0o700)
	link := filepath.Join(base, "link")
	symlink(t, mine, link)
	q, err := Open(context.Background(), filepath.Join(link, "spool"))
	if err != nil {
		t.Fatalf("Open below a sticky directory and a link: %v", err)
	}
	if want := filepath.Join(mine, "spool"); q.Dir() != want {
		t.Errorf("Dir() = %s, want the resolved %s", q.Dir(), want)
	}
	enqueueAll(t, q, "d", "x")
	if n := countFiles(t, filepath.Join(mine, "spool", pendingDir, "d", "*.req")); n != 1 {
		t.Errorf("%d requests in the resolved directory, want 1", n)
	}
}

func countFiles(t *testing.T, pattern string) int {
	t.Helper()
	matches, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return len(matches)
}

// TestQueueMovedAwayIsNotSilentlyRecreated: a long-running program (the relay) keeps its
// Queue; if the directory is moved away and replaced, Enqueue and Flush refuse instead of
// queueing into the new directory while the old requests are forgotten.
func TestQueueMovedAwayIsNotSilentlyRecreated(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dir := filepath.Join(base, "spool")
	q, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	enqueueAll(t, q, "d", "queued before")
	if err := os.Rename(dir, filepath.Join(base, "moved")); err != nil {
		t.Fatal(err)
	}
	mkdir(t, dir, 0o700)

	_, err = q.Enqueue(context.Background(), "d", []byte("after"))
	wantUnsafe(t, err, dir, "was replaced since the queue was opened", "restart the program")
	var s sink
	_, err = q.Flush(context.Background(), "d", s.deliver)
	wantUnsafe(t, err, dir, "was replaced since the queue was opened", "restart the program")
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the replacement directory got %d entries, want none", len(entries))
	}
	if n := countFiles(t, filepath.Join(base, "moved", pendingDir, "d", "*.req")); n != 1 {
		t.Errorf("%d requests where the queue went, want 1", n)
	}
}

// TestPlantedLinksAreNeverFollowed: seq, flush.lock, hold and pace planted as links to a
// file of the victim (or to where the victim might have one) are never followed: the victim
// file is unchanged and nothing is created at the link's target. A link in place of seq or
// flush.lock is reported; a hold link is replaced, as a damaged hold file is.
func TestPlantedLinksAreNeverFollowed(t *testing.T) {
	t.Parallel()
	const victimText = "the victim's own file\n"
	tests := []struct {
		name     string
		file     string
		dangling bool   // the link points to a file that does not exist (yet)
		wantErr  string // which call reports the link, "" for none
		rate     Rate
	}{
		{name: "seq to a file", file: seqFile, wantErr: "enqueue"},
		{name: "seq to nothing", file: seqFile, dangling: true, wantErr: "enqueue"},
		{name: "flush.lock to a file", file: flushLockFile, wantErr: "flush"},
		{name: "flush.lock to nothing", file: flushLockFile, dangling: true, wantErr: "flush"},
		{name: "hold to a file", file: holdFile},
		{name: "pace to a file", file: paceFile, wantErr: "flush", rate: Rate{N: 5, Per: time.Minute}},
		{name: "pace to nothing", file: paceFile, dangling: true, wantErr: "flush", rate: Rate{N: 5, Per: time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			victim := filepath.Join(t.TempDir(), "victim")
			if !tt.dangling {
				if err := os.WriteFile(victim, []byte(victimText), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			q := openQueue(t)
			dir := mkdir(t, q.pendingPath("d"), 0o700)
			link := filepath.Join(dir, tt.file)
			symlink(t, victim, link)

			_, eerr := q.Enqueue(context.Background(), "d", []byte("x"))
			var s sink
			_, ferr := q.Flush(context.Background(), "d", s.deliver, WithRate(tt.rate))
			// First what matters most: the victim's file is untouched.
			got, err := os.ReadFile(victim)
			switch {
			case tt.dangling && !errors.Is(err, fs.ErrNotExist):
				t.Errorf("the link's target was created (ReadFile: %q, %v)", got, err)
			case !tt.dangling && (err != nil || string(got) != victimText):
				t.Errorf("the victim file is %q, %v; want it unchanged", got, err)
			}
			if fi, err := os.Stat(victim); err == nil && fi.Mode().Perm() != 0o644 {
				t.Errorf("the victim file's mode is %v, want 0644 unchanged", fi.Mode().Perm())
			}
			switch tt.wantErr {
			case "enqueue":
				wantUnsafe(t, eerr, link, "is a symbolic link", "remove the symlink")
			case "flush":
				if eerr != nil {
					t.Fatalf("Enqueue: %v", eerr)
				}
				wantUnsafe(t, ferr, link, "is a symbolic link", "remove the symlink")
			default:
				if eerr != nil || ferr != nil {
					t.Fatalf("Enqueue: %v; Flush: %v", eerr, ferr)
				}
				if diff := cmp.Diff([]string{"x"}, s.payloads()); diff != "" {
					t.Errorf("delivered (-want +got):\n%s", diff)
				}
				if _, err := os.Lstat(link); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("the planted %s is still there (Lstat: %v), want it removed", tt.file, err)
				}
			}
		})
	}
}

// flushWithin runs Flush with a deadline and fails the test if it does not return well
// after it: a flush that blocks in a system call (opening a named pipe) ignores its
// context. unblock is called then, so that the test can end.
func flushWithin(t *testing.T, q *Queue, deliver DeliverFunc, unblock func()) (FlushResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return flushWatched(t, ctx, q, deliver, "Flush did not return 25 s after its deadline: it hangs", unblock)
}

// openFIFOForWriting lets a reader blocked in open(2) on the pipe at path go on (it then
// reads end of file).
func openFIFOForWriting(path string) func() {
	return func() {
		if f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	}
}

// TestNamedPipesNeverBlockAFlush: a named pipe planted as a request or as the hold file
// would block a flush in open(2) forever. A pipe named like a request moves to failed/
// unread, with the reason; one in place of the hold file is removed.
func TestNamedPipesNeverBlockAFlush(t *testing.T) {
	t.Parallel()
	for _, name := range []string{seqName(1, reqSuffix), holdFile} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			q := openQueue(t)
			enqueueAll(t, q, "d", "real")
			fifo := filepath.Join(q.pendingPath("d"), name)
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			var s sink
			res, err := flushWithin(t, q, s.deliver, openFIFOForWriting(fifo))
			if err != nil {
				t.Fatalf("Flush: %v", err)
			}
			if diff := cmp.Diff([]string{"real"}, s.payloads()); diff != "" {
				t.Errorf("delivered (-want +got):\n%s", diff)
			}
			if _, err := os.Lstat(fifo); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the pipe is still in pending/ (Lstat: %v)", err)
			}
			if name == holdFile {
				return
			}
			if res.Failed != 1 || res.Status != StatusDone {
				t.Errorf("result %+v, want done with the pipe failed", res)
			}
			failed, err := q.Failed(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(failed) != 1 || !strings.Contains(failed[0].Reason, "moved aside unread: it is a named pipe (FIFO), not a regular file") {
				t.Errorf("failed = %+v, want the pipe with its reason", failed)
			}
			if fi, err := os.Lstat(failed[0].Path); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
				t.Errorf("failed/ holds %v, %v; want the pipe itself", fi, err)
			}
		})
	}
}

// forgedRequest is a valid request file that sends the victim's alerts somewhere else.
func forgedRequest(t *testing.T) []byte {
	t.Helper()
	data, err := encodeItem("d", time.Now(), 0, Rate{}, []byte(`{"url":"https://attacker.example/","ignoreSSL":true}`))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestForgedRequestsAreNeverDelivered: a request file that is not a regular file of this
// user that only this user may write (another user's, a writable one, a link to a forged
// request elsewhere, a device) moves to failed/ unread, and the flush goes on.
func TestForgedRequestsAreNeverDelivered(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		plant  func(t *testing.T, path string)
		reason string
	}{
		{name: "owned by another user", reason: "is owned by uid 65534, not by you", plant: func(t *testing.T, path string) {
			if err := os.WriteFile(path, forgedRequest(t), 0o600); err != nil {
				t.Fatal(err)
			}
			asOtherUser(t, path)
		}},
		{name: "writable by others", reason: "is writable by group or others (mode 0666)", plant: func(t *testing.T, path string) {
			if err := os.WriteFile(path, forgedRequest(t), 0o666); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, 0o666); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a link to a request elsewhere", reason: "is a symbolic link", plant: func(t *testing.T, path string) {
			elsewhere := filepath.Join(t.TempDir(), "forged.req")
			if err := os.WriteFile(elsewhere, forgedRequest(t), 0o600); err != nil {
				t.Fatal(err)
			}
			symlink(t, elsewhere, path)
		}},
		{name: "a device", reason: "is a device", plant: func(t *testing.T, path string) {
			if os.Geteuid() != 0 {
				t.Skip("creating a device node needs root; run the tests as root, as CI does")
			}
			if err := syscall.Mknod(path, syscall.S_IFCHR|0o600, 1<<8|3); err != nil { // like /dev/null
				t.Skipf("cannot create a device node here: %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := openQueue(t)
			enqueueAll(t, q, "d", "mine")
			forged := filepath.Join(q.pendingPath("d"), seqName(1, reqSuffix)) // before "mine"
			tt.plant(t, forged)
			var s sink
			res := mustFlush(t, q, "d", s.deliver)
			if diff := cmp.Diff([]string{"mine"}, s.payloads()); diff != "" {
				t.Errorf("delivered (-want +got):\n%s", diff)
			}
			if res.Failed != 1 || res.Delivered != 1 || res.Status != StatusDone {
				t.Errorf("result %+v, want the forged request failed, mine delivered", res)
			}
			failed, err := q.Failed(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			want := "not used, moved aside unread: it " + tt.reason
			if len(failed) != 1 || !strings.HasPrefix(failed[0].Reason, want) {
				t.Errorf("failed = %+v, want the forged request with a reason starting %q", failed, want)
			}
		})
	}
}

// TestDirectoriesOthersMayWriteAreRefusedWhileInUse: a destination directory that became
// writable by others after Open (where anyone could plant requests) stops Enqueue and
// Flush; nothing in it is delivered.
func TestDirectoriesOthersMayWriteAreRefusedWhileInUse(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	enqueueAll(t, q, "d", "before")
	dir := q.pendingPath("d")
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, seqName(2, reqSuffix)), forgedRequest(t), 0o600); err != nil {
		t.Fatal(err)
	}
	var s sink
	_, err := q.Flush(context.Background(), "d", s.deliver)
	wantUnsafe(t, err, dir, "is writable by group or others (mode 0777)", "chmod 700 "+dir)
	if got := s.payloads(); len(got) != 0 {
		t.Errorf("delivered %q from a directory anyone may write", got)
	}
	_, err = q.Enqueue(context.Background(), "d", []byte("x"))
	wantUnsafe(t, err, dir, "is writable by group or others", "chmod 700")
	if _, err := Open(context.Background(), q.Dir()); err == nil {
		t.Error("a new Open accepted the queue")
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Flush(context.Background(), "d", s.deliver); err != nil {
		t.Fatalf("Flush after chmod 700: %v", err)
	}
	if n := len(s.payloads()); n != 2 {
		t.Errorf("after the fix, %d delivered, want both (the planted one is this user's file now)", n)
	}
}

func TestUnsafeErrorModes(t *testing.T) {
	t.Parallel()
	for mode, want := range map[fs.FileMode]string{
		0o700:                  "0700",
		0o777 | fs.ModeSticky:  "1777",
		0o20:                   "0020",
		fs.ModeDir | 0o755:     "0755",
		fs.ModeSticky | 0o1000: "1000",
	} {
		if got := describeMode(mode); got != want {
			t.Errorf("describeMode(%v) = %s, want %s", mode, got, want)
		}
	}
	e := &UnsafeError{Path: "/q", Problem: "is a symbolic link", Fix: "remove it", Err: syscall.ELOOP}
	if !errors.Is(fmt.Errorf("spool: x: %w", e), syscall.ELOOP) || e.Error() != "queue not trusted: /q is a symbolic link; remove it" {
		t.Errorf("UnsafeError %q does not read or unwrap as documented", e)
	}
}
