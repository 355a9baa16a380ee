//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// Root bypasses directory permissions, and CI runs as root. Tests of permission errors
// therefore run the code under test in a child: the test binary, started as an unprivileged
// user, with the helper role openRole.

// unprivilegedID is the user and group the child runs as: nobody and nogroup on Linux. The
// kernel needs no account for it.
const unprivilegedID = 65534

// openRole is the helper role that calls Open on the helper directory and prints an
// openReport as JSON on stdout.
const openRole = "open"

// openReport is what an openRole child reports: who it ran as, and Open's error.
type openReport struct {
	UID, GID int
	Err      string   // "" if Open succeeded
	Wraps    []string // the names, in reportedSentinels, of the errors Err wraps
}

// reportedSentinels are the errors a child can report its error to wrap.
var reportedSentinels = map[string]error{
	"fs.ErrPermission": fs.ErrPermission,
	"fs.ErrExist":      fs.ErrExist,
	"fs.ErrNotExist":   fs.ErrNotExist,
	"syscall.ENOTDIR":  syscall.ENOTDIR,
	"syscall.EROFS":    syscall.EROFS,
}

// runOpenReport is the openRole child.
func runOpenReport(dir string) int {
	rep := openReport{UID: os.Geteuid(), GID: os.Getegid()}
	var opts []Option
	if os.Getenv(helperNoProbeEnv) != "" {
		opts = append(opts, WithoutWriteProbe())
	}
	if _, err := Open(context.Background(), dir, opts...); err != nil {
		rep.Err = err.Error()
		for name, sentinel := range reportedSentinels {
			if errors.Is(err, sentinel) {
				rep.Wraps = append(rep.Wraps, name)
			}
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(rep); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// reportedError is a child's error rebuilt in the test process: its text, and errors.Is
// holds for the sentinels the child found in its chain.
type reportedError struct {
	text  string
	wraps []error
}

func (e *reportedError) Error() string { return e.text }

func (e *reportedError) Is(target error) bool { return slices.Contains(e.wraps, target) }

// unprivileged runs Open as the unprivileged user.
type unprivileged struct {
	// dir is a directory that user can traverse (mode 0755, owned by root) for the test's
	// files; it also holds the copy of the test binary that the child runs.
	dir string
	exe string
}

// newUnprivileged prepares a child for a test that runs as root. go test builds the binary
// in a private directory, so it copies it into a new world-readable directory under
// os.TempDir(), removed when the test ends.
func newUnprivileged(t *testing.T) *unprivileged {
	t.Helper()
	dir, err := os.MkdirTemp("", "spool-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "spool.test")
	if err := copyExecutable(exe, self); err != nil {
		t.Fatalf("copying the test binary for an unprivileged child: %v", err)
	}
	return &unprivileged{dir: dir, exe: exe}
}

func copyExecutable(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chmod(dst, 0o755) // whatever the umask
}

// chown gives path to the unprivileged user, as if that user had created it.
func (u *unprivileged) chown(t *testing.T, path string) {
	t.Helper()
	if err := os.Chown(path, unprivilegedID, unprivilegedID); err != nil {
		t.Fatal(err)
	}
}

// helperNoProbeEnv makes an openRole child open with WithoutWriteProbe.
const helperNoProbeEnv = "SPOOL_TEST_NO_PROBE"

// open calls Open(context.Background(), dir) in a child running as the unprivileged user and returns the child's
// error (with env, more variables: helperNoProbeEnv). It fails the test, rather than
// skipping it, when the child cannot be started or does not run as that user: a
// permission test that root runs would pass for nothing.
func (u *unprivileged) open(t *testing.T, dir string, env ...string) error {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), u.exe, "-test.run=^$")
	cmd.Dir = u.dir
	cmd.Env = append([]string{helperEnv + "=" + openRole, helperDirEnv + "=" + dir}, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: unprivilegedID, Gid: unprivilegedID},
	}
	var stderr []byte
	out, err := cmd.Output()
	if exitErr, ok := errors.AsType[*exec.ExitError](err); ok {
		stderr = exitErr.Stderr
	}
	if err != nil {
		t.Fatalf("running the test binary as uid/gid %d, as this permission test needs under root, failed: %v\n%s"+
			"(the child runs %s; %s and its parents must be searchable by that user, and the file system must allow exec)",
			unprivilegedID, err, stderr, u.exe, u.dir)
	}
	var rep openReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("the unprivileged child's report %q: %v", out, err)
	}
	if rep.UID != unprivilegedID || rep.GID != unprivilegedID {
		t.Fatalf("the child ran as uid %d gid %d, want %d: it would not meet the permissions under test",
			rep.UID, rep.GID, unprivilegedID)
	}
	if rep.Err == "" {
		return nil
	}
	e := &reportedError{text: rep.Err}
	for _, name := range rep.Wraps {
		e.wraps = append(e.wraps, reportedSentinels[name])
	}
	return e
}
