package spool

import (
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Every file of the queue is opened through the functions here: without following a
// symbolic link (O_NOFOLLOW), without blocking on a named pipe (O_NONBLOCK), and used only
// after fstat(2) showed a regular file of this user that nobody else may write to.

// openOwn opens the file at path with flag (and perm when it creates it), without following
// a symbolic link and without blocking, and checks the open file with checkOwnFile. A
// symbolic link, a named pipe, a device or another user's file yields an *UnsafeError and
// the file is closed again at once; nothing is read from it.
func openOwn(path string, flag int, perm fs.FileMode, uid int) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, flag|oNoFollow|oNonblock, perm)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrExist) {
			return nil, nil, err
		}
		// O_NOFOLLOW fails on a link with ELOOP on Linux, EMLINK on FreeBSD, EFTYPE on
		// NetBSD: ask the file system what is there instead of the error number.
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, nil, &UnsafeError{Path: path, Problem: "is a symbolic link",
				Fix: "remove the symlink " + path + " and run again", Err: err}
		}
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err == nil {
		err = checkOwnFile(path, fi, uid)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// readOwn reads at most limit bytes from the start of the file at path (see openOwn). What
// is not a regular file is not even opened.
func readOwn(path string, limit int64, uid int) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if err := checkOwnFile(path, fi, uid); err != nil {
		return nil, err
	}
	f, _, err := openOwn(path, os.O_RDONLY, 0, uid)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// openStateFile opens a lock or state file for reading and writing, creating it with mode
// 0600 (set explicitly, whatever the umask) if it does not exist.
func openStateFile(path string, uid int) (*os.File, error) {
	f, _, err := openOwn(path, os.O_RDWR, 0, uid)
	if !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	f, _, err = openOwn(path, os.O_RDWR|os.O_CREATE, filePerm, uid)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(filePerm); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// createTemp writes data to a new temporary file in dir and returns it open and not yet
// synced. The name is new (O_EXCL: an existing name, a link included, is never opened). On
// error nothing is left behind.
func createTemp(dir, prefix string, data []byte) (*os.File, error) {
	for attempt := 0; ; attempt++ {
		path := filepath.Join(dir, prefix+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, filePerm)
		if errors.Is(err, fs.ErrExist) && attempt < 8 {
			continue
		}
		if err != nil {
			return nil, err
		}
		err = f.Chmod(filePerm)
		if err == nil {
			_, err = f.Write(data)
		}
		if err != nil {
			f.Close()
			os.Remove(path)
			return nil, err
		}
		return f, nil
	}
}

// writeTemp writes data to a new temporary file in dir, syncs it when sync is true and
// returns its path. A temporary file is never taken for a request, whatever its state.
func (q *Queue) writeTemp(dir string, data []byte, sync bool) (string, error) {
	f, err := createTemp(dir, tempPrefix, data)
	if err != nil {
		return "", err
	}
	if sync {
		err = q.syncFile(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// replaceFile makes data the content of the file at path, atomically: a temporary file,
// synced, renamed over it, and the directory synced. Whatever was at path before (a damaged
// file, a symbolic link) is replaced, never followed.
func (q *Queue) replaceFile(dir, path string, data []byte) error {
	tmp, err := q.writeTemp(dir, data, !q.noSync)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return q.syncDir(dir)
}

// openDir opens a directory of the queue for listing or syncing, without following a
// symbolic link.
func openDir(dir string) (*os.File, error) {
	return os.OpenFile(dir, os.O_RDONLY|oDirectory|oNoFollow, 0)
}

// scanDir calls fn with every name in dir, reading the directory in batches so that memory
// does not grow with the number of entries beyond what fn keeps.
func scanDir(dir string, fn func(name string)) error {
	d, err := openDir(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	for {
		names, err := d.Readdirnames(1024)
		for _, name := range names {
			fn(name)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// syncFile syncs f's data and metadata (a new request file, a temporary file).
func (q *Queue) syncFile(f *os.File) error {
	if q.syncHook != nil {
		if err := q.syncHook(f.Name()); err != nil {
			return err
		}
	}
	return f.Sync()
}

// syncCounter syncs the data of the seq file f.
func (q *Queue) syncCounter(f *os.File) error {
	if q.syncHook != nil {
		if err := q.syncHook(f.Name()); err != nil {
			return err
		}
	}
	return syncData(f)
}

// syncDir makes the directory entries of dir (creations, renames, removals) durable.
func (q *Queue) syncDir(dir string) error {
	if q.noSync {
		return nil
	}
	if q.syncDirHook != nil {
		if err := q.syncDirHook(dir); err != nil {
			return err
		}
	}
	d, err := openDir(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
