package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
)

// The alertbridge log is where the notifier's background work writes, one line per
// action: the retrier, and flush --log (cron). Notification runs write to standard output,
// which Checkmk copies to notify.log.
const (
	siteLogName  = "alertbridge.log" // in $OMD_ROOT/var/log
	queueLogName = "retrier.log"     // in the queue directory, outside a site
	// maxLogSize is the size at which the log is rotated: it is renamed to NAME.1
	// (replacing the one before) and a new one begun.
	maxLogSize = 1 << 20
)

// appLogPath is the alertbridge log: $OMD_ROOT/var/log/alertbridge.log in a site, else
// retrier.log in the queue directory.
func appLogPath(env *environment, queueDir string) string {
	if root := env.getenv("OMD_ROOT"); root != "" {
		return filepath.Join(root, "var", "log", siteLogName)
	}
	return filepath.Join(queueDir, queueLogName)
}

// newFileLogger returns a logger that writes to the alertbridge log, each line stamped
// with the time and "checkmk-notify <who>[pid]". If the log cannot be opened (a link or
// another user's file in its place, a missing directory), it writes to the queue
// directory's retrier.log instead, and if that fails too, nowhere: the work goes on.
func newFileLogger(env *environment, queueDir, who string) *logger {
	pid := strconv.Itoa(os.Getpid())
	l := &logger{out: io.Discard, prefix: func() string {
		return time.Now().Format(time.RFC3339) + " checkmk-notify " + who + "[" + pid + "]: "
	}}
	var problems []error
	for _, path := range []string{appLogPath(env, queueDir), filepath.Join(queueDir, queueLogName)} {
		f, err := openRotating(path, maxLogSize)
		if err == nil {
			l.out, l.closer = f, f
			break
		}
		problems = append(problems, err)
	}
	for _, err := range problems {
		if l.out != io.Discard {
			l.warnf("log: %v", err)
		}
	}
	return l
}

// rotating is a log file that is renamed to NAME.1 once it reaches its size limit. The
// file is opened without following a symbolic link and only if it is a regular file of
// this user that nobody else may write; it is created with mode 0600. Writes append
// whole lines (O_APPEND), so processes sharing it do not mix their lines.
type rotating struct {
	mu   sync.Mutex
	path string
	max  int64
	f    *os.File
}

func openRotating(path string, max int64) (*rotating, error) {
	f, err := openLogFile(path)
	if err != nil {
		return nil, err
	}
	return &rotating{path: path, max: max, f: f}, nil
}

// Write appends p, rotating first when p would take the file past its limit.
func (r *rotating) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if fi, err := r.f.Stat(); err == nil && fi.Size() > 0 && fi.Size()+int64(len(p)) > r.max {
		r.rotate()
	}
	return r.f.Write(p)
}

// rotate renames the log to NAME.1 (replacing the old one; a rename never follows a link)
// and opens a new one. If that fails, it keeps writing to the file it has.
func (r *rotating) rotate() {
	if err := os.Rename(r.path, r.path+".1"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return
	}
	f, err := openLogFile(r.path)
	if err != nil {
		return
	}
	r.f.Close()
	r.f = f
}

// Close closes the file.
func (r *rotating) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.f.Close()
}

// openLogFile opens path for appending, creating it with mode 0600, without following a
// symbolic link or blocking on a named pipe, and checks that it is a regular file of this
// user that neither group nor others may write.
func openLogFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("%s is a symbolic link; remove it", path)
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case !fi.Mode().IsRegular():
		err = fmt.Errorf("%s is not a regular file; remove it", path)
	case !ok || int(st.Uid) != os.Geteuid():
		err = fmt.Errorf("%s belongs to another user; remove it", path)
	case fi.Mode().Perm()&0o022 != 0:
		err = fmt.Errorf("%s is writable by group or others; chmod 600 %s", path, path)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi.Mode().Perm() != 0o600 {
		_ = f.Chmod(0o600) // created under a umask, or readable by others
	}
	return f, nil
}

// runFlushToLog is flush --log (cron): the flush's lines go to the alertbridge log, with
// time stamps, instead of standard output, and a flush that finds nothing queued writes
// nothing.
func runFlushToLog(ctx context.Context, o options, env *environment) checkmk.ExitCode {
	dir := o.spoolDir
	if dir == "" {
		dir = defaultSpoolDir(env)
	}
	log := newFileLogger(env, dir, "flush")
	defer log.close()
	return runFlush(ctx, o, env, log)
}
