package spool

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// UnsafeError reports a queue directory, or a file in it, that the queue does not trust and
// therefore does not use: a directory that another user owns or may write to (and so could
// move the queue away or plant a request in it), a symbolic link, or a file that is not a
// regular file of this user. It names the path, what is wrong with it and how to fix it, and
// contains no secret. Test for it with [errors.As]:
//
//	var unsafe *spool.UnsafeError
//	if errors.As(err, &unsafe) {
//		fmt.Println("queue not used:", unsafe.Path, unsafe.Problem, "-", unsafe.Fix)
//	}
//
// [Open] returns it when the queue directory fails the trust check; Enqueue and Flush
// return it when a directory or state file of the queue fails it later. Nothing in the queue
// is changed when it is returned.
type UnsafeError struct {
	Path    string // the directory or file
	Problem string // what is wrong, e.g. "is writable by group or others (mode 0777)"
	Fix     string // what to do about it, e.g. "chmod 700 /var/q"
	Err     error  // the underlying error, if any (syscall.ENOTDIR for "is not a directory")
}

// Error says which path is not trusted, why, and how to fix it, in one line. The queue's
// methods return it wrapped, after "spool: " and the operation.
func (e *UnsafeError) Error() string {
	return "queue not trusted: " + e.Path + " " + e.Problem + "; " + e.Fix
}

// Unwrap returns the underlying error, if any.
func (e *UnsafeError) Unwrap() error { return e.Err }

// Who may write to a directory or file: the group and others bits.
const groupOrOtherWrite fs.FileMode = 0o022

// chooseOwn is the advice for a directory that belongs to someone else.
const chooseOwn = "choose a directory you own (for example under your home directory)"

// describeMode writes a mode as chmod takes it, with the sticky bit: "1777", "0775".
func describeMode(m fs.FileMode) string {
	v := uint32(m.Perm())
	if m&fs.ModeSticky != 0 {
		v |= 0o1000
	}
	s := strconv.FormatUint(uint64(v), 8)
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}

// kindOf names the type of a file that is not what the queue expects.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	case m.IsRegular():
		return "a regular file"
	}
	return "a special file"
}

// checkAncestor checks a directory above the queue directory: it must be a directory owned
// by root or by this user, and if group or others may write to it, it must be sticky (like
// /tmp), so that nobody else can rename or replace what this user keeps in it.
func checkAncestor(path string, fi fs.FileInfo, uid int) error {
	if !fi.IsDir() {
		return &UnsafeError{Path: path, Problem: "is " + kindOf(fi.Mode()) + ", not a directory",
			Fix: chooseOwn, Err: syscall.ENOTDIR}
	}
	owner, ok := ownerOf(fi)
	if !ok {
		return &UnsafeError{Path: path, Problem: "has no owner this system reports", Fix: chooseOwn}
	}
	if owner != 0 && owner != uid {
		return &UnsafeError{Path: path,
			Problem: fmt.Sprintf("is owned by uid %d, not by root or you (uid %d), who could move the queue away", owner, uid),
			Fix:     chooseOwn}
	}
	if fi.Mode()&groupOrOtherWrite != 0 && fi.Mode()&fs.ModeSticky == 0 {
		return &UnsafeError{Path: path,
			Problem: "is writable by group or others (mode " + describeMode(fi.Mode()) + ") and not sticky, so they could move the queue away",
			Fix:     "chmod go-w " + path + " (or chmod +t " + path + " for a shared directory like /tmp), or " + chooseOwn}
	}
	return nil
}

// checkOwnDir checks the queue directory or a directory in it: a real directory (not a
// symbolic link), owned by this user, that neither group nor others may write to.
func checkOwnDir(path string, fi fs.FileInfo, uid int) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return &UnsafeError{Path: path, Problem: "is a symbolic link",
			Fix: "remove the symlink " + path + " and run again (or use the directory it points to)"}
	case !fi.IsDir():
		return &UnsafeError{Path: path, Problem: "is " + kindOf(fi.Mode()) + ", not a directory",
			Fix: "remove " + path + " and run again", Err: syscall.ENOTDIR}
	}
	owner, ok := ownerOf(fi)
	if !ok {
		return &UnsafeError{Path: path, Problem: "has no owner this system reports", Fix: chooseOwn}
	}
	if owner != uid {
		return &UnsafeError{Path: path,
			Problem: fmt.Sprintf("is owned by uid %d, not by you (uid %d)", owner, uid),
			Fix:     chooseOwn + ", or if it is yours, give it to uid " + strconv.Itoa(uid) + " as root: chown -R " + strconv.Itoa(uid) + " " + path}
	}
	if fi.Mode()&groupOrOtherWrite != 0 {
		return &UnsafeError{Path: path,
			Problem: "is writable by group or others (mode " + describeMode(fi.Mode()) + ")",
			Fix:     "chmod 700 " + path}
	}
	return nil
}

// checkOwnFile checks a file in the queue before it is used: a regular file owned by this
// user that neither group nor others may write to.
func checkOwnFile(path string, fi fs.FileInfo, uid int) error {
	if !fi.Mode().IsRegular() {
		return &UnsafeError{Path: path, Problem: "is " + kindOf(fi.Mode()) + ", not a regular file",
			Fix: "remove " + path + " and run again"}
	}
	owner, ok := ownerOf(fi)
	if !ok {
		return &UnsafeError{Path: path, Problem: "has no owner this system reports", Fix: "remove " + path + " and run again"}
	}
	if owner != uid {
		return &UnsafeError{Path: path,
			Problem: fmt.Sprintf("is owned by uid %d, not by you (uid %d)", owner, uid),
			Fix:     "remove " + path + " (as root) and run again"}
	}
	if fi.Mode()&groupOrOtherWrite != 0 {
		return &UnsafeError{Path: path,
			Problem: "is writable by group or others (mode " + describeMode(fi.Mode()) + ")",
			Fix:     "chmod 600 " + path}
	}
	return nil
}

// prepareDir creates the queue directory dir if needed and checks it and every directory
// above it. It returns the directory's path with the symbolic links above it resolved (the
// queue works in that path from then on, so that a link above it cannot be changed under
// it) and the directory's file information.
//
// It never creates anything inside a directory that fails the check: it finds the deepest
// existing directory of the path, checks it and everything above it, and only then creates
// the missing ones (mode 0700), checking each after it exists.
func prepareDir(dir string, uid int) (string, fs.FileInfo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, err
	}
	var missing []string
	existing := abs
	for {
		_, err := os.Lstat(existing)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", nil, err
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			return "", nil, err
		}
		missing = append(missing, filepath.Base(existing))
		existing = parent
	}
	if len(missing) == 0 {
		// The queue directory exists: it must not be a link itself; links above it are
		// resolved.
		parent, err := filepath.EvalSymlinks(filepath.Dir(abs))
		if err != nil {
			return "", nil, err
		}
		if err := checkChain(parent, uid); err != nil {
			return "", nil, err
		}
		real := filepath.Join(parent, filepath.Base(abs))
		if abs == filepath.Dir(abs) {
			real = abs // the root directory
		}
		fi, err := os.Lstat(real)
		if err != nil {
			return "", nil, err
		}
		if err := checkOwnDir(real, fi, uid); err != nil {
			return "", nil, err
		}
		return real, fi, nil
	}
	cur, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return "", nil, err
	}
	if err := checkChain(cur, uid); err != nil {
		return "", nil, err
	}
	var fi fs.FileInfo
	for i := len(missing) - 1; i >= 0; i-- {
		next := filepath.Join(cur, missing[i])
		if fi, err = mkdirChecked(next, uid, i == 0); err != nil {
			return "", nil, err
		}
		cur = next
	}
	return cur, fi, nil
}

// checkChain checks path, a directory without symbolic links, and every directory above it
// with checkAncestor.
func checkChain(path string, uid int) error {
	for p := path; ; {
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return &UnsafeError{Path: p, Problem: "became a symbolic link while the queue was being opened",
				Fix: "find out who changed it; " + chooseOwn}
		}
		if err := checkAncestor(p, fi, uid); err != nil {
			return err
		}
		parent := filepath.Dir(p)
		if parent == p {
			return nil
		}
		p = parent
	}
}

// mkdirChecked creates the directory path with mode 0700 (set explicitly, whatever the
// umask) unless it exists, then checks it: as a directory of the queue when own is true,
// else as a directory above it. Another process may create it first; then it is checked
// like any existing one.
func mkdirChecked(path string, uid int, own bool) (fs.FileInfo, error) {
	err := os.Mkdir(path, dirPerm)
	if err == nil {
		err = os.Chmod(path, dirPerm)
	} else if errors.Is(err, fs.ErrExist) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if own {
		return fi, checkOwnDir(path, fi, uid)
	}
	return fi, checkAncestor(path, fi, uid)
}
