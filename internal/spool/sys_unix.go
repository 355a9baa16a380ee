//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

const lockSupported = true

// Flags added to every open of a file in the queue: never follow a symbolic link, and never
// block on a named pipe (a FIFO opened for reading would wait for a writer forever).
const (
	oNoFollow  = syscall.O_NOFOLLOW
	oNonblock  = syscall.O_NONBLOCK
	oDirectory = syscall.O_DIRECTORY
)

// tryLock takes an exclusive flock(2) on f without waiting. It reports false if another
// open file description (another process, or another Flush in this one) holds the lock.
// Closing f releases the lock; so does the death of the process.
func tryLock(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		default:
			return false, &os.PathError{Op: "flock", Path: f.Name(), Err: err}
		}
	}
}

// unlock releases a lock taken by tryLock while keeping f open.
func unlock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		if !errors.Is(err, syscall.EINTR) {
			if err != nil {
				return &os.PathError{Op: "flock", Path: f.Name(), Err: err}
			}
			return nil
		}
	}
}

// ownerOf returns the user ID that owns the file fi describes.
func ownerOf(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
