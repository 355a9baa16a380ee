package spool

import (
	"errors"
	"fmt"
	"io"
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

// DefaultMaxAge is how long a request may wait before Flush gives up on it and moves it to
// failed/ as expired.
const DefaultMaxAge = 7 * 24 * time.Hour

// staleTempAge is the age after which a temporary file is a left-over of a killed process.
// Writing one takes milliseconds, and Checkmk kills a notification script after 60 s.
const staleTempAge = time.Hour

// Queue is a durable queue in one directory. Create it with [Open]. A Queue holds no open
// files between calls and is safe for concurrent use; any number of processes may open the
// same directory.
type Queue struct {
	dir    string
	maxAge time.Duration
	now    func() time.Time
	noSync bool // tests only: skip fsync to set up large queues quickly
}

// options are the settings an [Option] changes.
type options struct {
	maxAge time.Duration
	now    func() time.Time
}

// Option configures [Open].
type Option func(*options) error

// WithMaxAge sets how long a request may stay queued before Flush moves it to failed/ as
// expired. The default is [DefaultMaxAge]; d must be positive.
func WithMaxAge(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("spool: max age must be positive, got %v", d)
		}
		o.maxAge = d
		return nil
	}
}

// WithClock sets the clock used for enqueue times, expiry and holds, which the queue
// writes into its files itself. The default is [time.Now]; now must not be nil. Stray
// temporary files are judged by their modification time, which the file system sets from
// the real clock, so they are compared with the real clock whatever this one says.
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
// 0700) if needed. It fails if dir cannot be created or written; the error wraps the
// file-system error (for example [fs.ErrPermission]).
func Open(dir string, opts ...Option) (*Queue, error) {
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
	q := &Queue{dir: filepath.Clean(dir), maxAge: o.maxAge, now: o.now}
	if err := mkdirPrivate(q.dir); err != nil {
		return nil, fmt.Errorf("spool: open queue: %w", err)
	}
	for _, sub := range []string{pendingDir, failedDir} {
		if err := mkdirPrivate(filepath.Join(q.dir, sub)); err != nil {
			return nil, fmt.Errorf("spool: open queue: %w", err)
		}
	}
	if err := checkWritable(filepath.Join(q.dir, pendingDir)); err != nil {
		return nil, fmt.Errorf("spool: open queue: %w", err)
	}
	return q, nil
}

// Dir returns the queue's directory.
func (q *Queue) Dir() string { return q.dir }

// mkdirPrivate creates dir and missing parents; directories it creates get mode 0700, set
// explicitly whatever the umask. An existing directory keeps its mode.
func mkdirPrivate(dir string) error {
	fi, err := os.Stat(dir)
	if err == nil {
		if !fi.IsDir() {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: errors.New("not a directory")}
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := mkdirPrivate(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, dirPerm); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil // another process was quicker
		}
		return err
	}
	return os.Chmod(dir, dirPerm)
}

// checkWritable proves that files can be created in dir, so that a queue that cannot take
// requests fails at Open rather than at the first Enqueue.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, tempPrefix+"probe-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
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
func (q *Queue) Destinations() ([]string, error) {
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
func (q *Queue) Len(dest string) (int, error) {
	if err := checkDestination(dest); err != nil {
		return 0, err
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

// scanDir calls fn with every name in dir, reading the directory in batches so that memory
// does not grow with the number of entries beyond what fn keeps.
func scanDir(dir string, fn func(name string)) error {
	d, err := os.Open(dir)
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

// listSeqs returns the sequence numbers of the requests in dir, sorted, and the names of
// temporary files in it.
func listSeqs(dir string, seqs []uint64) ([]uint64, []string, error) {
	seqs = seqs[:0]
	var temps []string
	err := scanDir(dir, func(name string) {
		if seq, ok := parseSeqName(name, reqSuffix); ok {
			seqs = append(seqs, seq)
		} else if len(name) > len(tempPrefix) && name[:len(tempPrefix)] == tempPrefix {
			temps = append(temps, name)
		}
	})
	slices.Sort(seqs)
	return seqs, temps, err
}

// syncDir makes the directory entries of dir (creations, renames, removals) durable.
func (q *Queue) syncDir(dir string) error {
	if q.noSync {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
