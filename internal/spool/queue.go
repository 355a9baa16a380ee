package spool

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

const (
	dirPerm  fs.FileMode = 0o700
	filePerm fs.FileMode = 0o600
)

// DefaultMaxAge is how long a request may wait, unless it was queued with its own maximum
// age ([ExpireAfter]), before Flush gives up on it and moves it to failed/ as expired (after
// one more failed try: see [Queue.Flush]).
const DefaultMaxAge = 7 * 24 * time.Hour

// staleTempAge is the age after which a temporary file is a left-over of a killed process.
// Writing one takes milliseconds, and Checkmk kills a notification script after 60 s.
const staleTempAge = time.Hour

// Queue is a durable queue in one directory. Create it with [Open]. A Queue holds no open
// files between calls and is safe for concurrent use; any number of processes may open the
// same directory.
type Queue struct {
	dir    string      // resolved at Open: no symbolic link in it
	ident  fs.FileInfo // the queue directory as Open found it
	uid    int         // the user every directory and file of the queue must belong to
	maxAge time.Duration
	now    func() time.Time

	// Tests only.
	noSync      bool                    // skip fsync to set up large queues quickly
	syncDirHook func(dir string) error  // called before a directory is synced; an error fails the sync
	syncHook    func(path string) error // called before a request or seq file is synced; an error fails the sync
	handoffWait time.Duration           // bound of the hand-off's wait for the seq lock (0: handoffMaxWait)
}

// options are the settings an [Option] changes.
type options struct {
	maxAge  time.Duration
	now     func() time.Time
	noProbe bool
}

// WithoutWriteProbe makes [Open] skip its proof that files can be created in the queue
// (a temporary file, created and removed). It is for a caller that enqueues at once and
// acts on Enqueue's error (the Checkmk notifier sends directly when it cannot queue), and
// for which the probe's two directory changes are a noticeable part of its run. The trust
// check is made all the same.
func WithoutWriteProbe() Option {
	return func(o *options) error {
		o.noProbe = true
		return nil
	}
}

// Option configures [Open].
type Option func(*options) error

// WithMaxAge sets how long a request may stay queued before Flush moves it to failed/ as
// expired, for requests that were queued without their own maximum age ([ExpireAfter]).
// The default is [DefaultMaxAge]; d must be positive.
func WithMaxAge(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("spool: max age must be positive, got %v", d)
		}
		o.maxAge = d
		return nil
	}
}

// WithClock sets the clock used for enqueue times, expiry, holds and pacing, which the
// queue writes into its files itself and compares only with this clock. The default is
// [time.Now]; now must not be nil. Stray temporary files are judged by their modification
// time, which the file system sets from the real clock, so they are compared with the real
// clock whatever this one says.
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return errors.New("spool: clock must not be nil")
		}
		o.now = now
		return nil
	}
}

// Open opens the queue in dir, creating dir and its pending/ and failed/ directories (mode
// 0700) if needed.
//
// Before it uses anything, Open checks the directory the way OpenSSH checks ~/.ssh: dir and
// every directory in it (pending/, failed/ and their destinations) must be a real directory
// (not a symbolic link) owned by the current user that neither group nor others may write
// to, and every directory above dir must belong to root or the current user and, if group
// or others may write to it, be sticky (like /tmp). Symbolic links above dir are resolved
// once, here; [Queue.Dir] returns the resolved path. A directory that fails the check
// yields an [*UnsafeError] that names it, says what is wrong and how to fix it; nothing is
// created inside a directory that fails it, and the queue must not be used.
//
// Open also fails if dir cannot be created or written (unless [WithoutWriteProbe]); the
// error wraps the file-system error (for example [fs.ErrPermission]). It removes temporary files that killed processes
// left in pending/ and failed/. Given a ctx that is done, Open creates nothing and returns
// an error wrapping ctx's error.
func Open(ctx context.Context, dir string, opts ...Option) (*Queue, error) {
	if !lockSupported {
		return nil, fmt.Errorf("spool: file locking on this system: %w", errors.ErrUnsupported)
	}
	if dir == "" {
		return nil, errors.New("spool: directory must not be empty")
	}
	o := options{maxAge: DefaultMaxAge, now: time.Now}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, openError(err)
	}
	uid := os.Geteuid()
	real, fi, err := prepareDir(filepath.Clean(dir), uid)
	if err != nil {
		return nil, openError(err)
	}
	q := &Queue{dir: real, ident: fi, uid: uid, maxAge: o.maxAge, now: o.now}
	// Check everything that exists before creating anything.
	var missing []string
	for _, sub := range []string{pendingDir, failedDir} {
		if err := ctx.Err(); err != nil {
			return nil, openError(err)
		}
		path := filepath.Join(q.dir, sub)
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, path)
			continue
		}
		if err == nil {
			err = checkOwnDir(path, fi, uid)
		}
		if err == nil {
			err = q.checkSubdirs(path)
		}
		if err != nil {
			return nil, openError(err)
		}
	}
	for _, path := range missing {
		if _, err := mkdirChecked(path, uid, true); err != nil {
			return nil, openError(err)
		}
	}
	if !o.noProbe {
		if err := q.checkWritable(filepath.Join(q.dir, pendingDir)); err != nil {
			return nil, openError(err)
		}
	}
	return q, nil
}

// openError wraps an error of Open.
func openError(err error) error {
	return fmt.Errorf("spool: open queue: %w", err)
}

// Dir returns the queue's directory, with the symbolic links above it resolved.
func (q *Queue) Dir() string { return q.dir }

// checkSubdirs checks every directory in dir (pending/ or failed/: one per destination)
// with checkOwnDir, and removes stale temporary files there.
func (q *Queue) checkSubdirs(dir string) error {
	var bad error
	var temps []string
	err := scanDir(dir, func(name string) {
		if bad != nil {
			return
		}
		if isTemp(name) {
			temps = append(temps, name)
			return
		}
		path := filepath.Join(dir, name)
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return
		}
		if err != nil {
			bad = err
			return
		}
		if fi.IsDir() || fi.Mode()&fs.ModeSymlink != 0 {
			bad = checkOwnDir(path, fi, q.uid)
		}
	})
	if err == nil {
		err = bad
	}
	if err == nil {
		removeStaleTemps(dir, temps)
	}
	return err
}

// checkWritable proves that files can be created in dir, so that a queue that cannot take
// requests fails at Open rather than at the first Enqueue.
func (q *Queue) checkWritable(dir string) error {
	f, err := createTemp(dir, tempPrefix+"probe-", nil)
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// trustedDir returns the directory rel (for example pending/<dest>) of the queue after
// checking, again, the queue directory (still the one Open checked) and each directory on
// the way with checkOwnDir. With create, missing directories are created (mode 0700); else
// a missing one yields an error wrapping fs.ErrNotExist.
func (q *Queue) trustedDir(create bool, rel ...string) (string, error) {
	fi, err := os.Lstat(q.dir)
	if err != nil {
		return "", err
	}
	if !os.SameFile(fi, q.ident) {
		return "", &UnsafeError{Path: q.dir,
			Problem: "was replaced since the queue was opened (what was queued before is in the directory that was moved away)",
			Fix:     "find out who moved it, put the queue back and restart the program"}
	}
	if err := checkOwnDir(q.dir, fi, q.uid); err != nil {
		return "", err
	}
	path := q.dir
	for _, name := range rel {
		path = filepath.Join(path, name)
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) && create {
			if _, err := mkdirChecked(path, q.uid, true); err != nil {
				return "", err
			}
			continue
		}
		if err != nil {
			return "", err
		}
		if err := checkOwnDir(path, fi, q.uid); err != nil {
			return "", err
		}
	}
	return path, nil
}

// removeStaleTemps deletes temporary files in dir left by killed processes. A temporary
// file of a running call is milliseconds old; one older than staleTempAge is a left-over.
// The age is measured on the real clock, the one that set the modification time, not on
// the queue's clock.
func removeStaleTemps(dir string, temps []string) {
	for _, name := range temps {
		path := filepath.Join(dir, name)
		fi, err := os.Lstat(path)
		if err == nil && time.Since(fi.ModTime()) > staleTempAge {
			os.Remove(path) // best effort: a left-over is harmless, it is never a request
		}
	}
}

// isTemp reports whether name is a temporary file's.
func isTemp(name string) bool {
	return len(name) > len(tempPrefix) && name[:len(tempPrefix)] == tempPrefix
}

func (q *Queue) pendingPath(dest string) string {
	return filepath.Join(q.dir, pendingDir, dest)
}

func (q *Queue) failedPath(dest string) string {
	return filepath.Join(q.dir, failedDir, dest)
}

// Destinations returns the names of the destinations that have a pending directory, sorted.
// A destination appears once something was enqueued for it, and stays when its queue is
// empty.
func (q *Queue) Destinations(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("spool: list destinations: %w", err)
	}
	entries, err := os.ReadDir(filepath.Join(q.dir, pendingDir))
	if err != nil {
		return nil, fmt.Errorf("spool: list destinations: %w", err)
	}
	var dests []string
	for _, e := range entries {
		if e.IsDir() && ValidDestination(e.Name()) {
			dests = append(dests, e.Name())
		}
	}
	return dests, nil
}

// Len returns the number of requests queued for dest. An unknown destination has none.
func (q *Queue) Len(ctx context.Context, dest string) (int, error) {
	if err := checkDestination(dest); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("spool: count %s: %w", dest, err)
	}
	n := 0
	err := scanDir(q.pendingPath(dest), func(name string) {
		if _, ok := parseSeqName(name, reqSuffix); ok {
			n++
		}
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("spool: count %s: %w", dest, err)
	}
	return n, nil
}

// listSeqs returns the sequence numbers of the requests in dir, sorted, and the names of
// temporary files in it.
func listSeqs(dir string, seqs []uint64) ([]uint64, []string, error) {
	seqs = seqs[:0]
	var temps []string
	err := scanDir(dir, func(name string) {
		if seq, ok := parseSeqName(name, reqSuffix); ok {
			seqs = append(seqs, seq)
		} else if isTemp(name) {
			temps = append(temps, name)
		}
	})
	slices.Sort(seqs)
	return seqs, temps, err
}
