package main

import (
	"fmt"
	"io"
	"log/syslog"
	"runtime/debug"
	"strings"
	"sync"
)

// logger writes one line per action to standard output, which Checkmk copies to
// notify.log, and with --syslog also to the system log (as iLert's 1.x plugin did).
// Nothing passed to it may contain a secret: callers redact first.
type logger struct {
	mu     sync.Mutex
	out    io.Writer
	sys    *syslog.Writer
	prefix func() string // before every line (the log file's time stamp and process); nil: none
	closer io.Closer     // closed by close (the log file); nil: none
}

func newLogger(out io.Writer, useSyslog bool) *logger {
	l := &logger{out: out}
	if useSyslog {
		w, err := syslog.New(syslog.LOG_INFO|syslog.LOG_USER, "checkmk-notify")
		if err != nil {
			l.printf("syslog unavailable, logging to standard output only: %v", err)
		} else {
			l.sys = w
		}
	}
	return l
}

// printf writes one line (newlines inside are replaced, so that each call is one line in
// notify.log).
func (l *logger) printf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	line = strings.ReplaceAll(strings.TrimRight(line, "\n"), "\n", "; ")
	l.mu.Lock()
	defer l.mu.Unlock()
	l.write(line)
	if l.sys != nil {
		_ = l.sys.Info(line)
	}
}

// write writes one line with the prefix, in one Write (one append to a log file).
func (l *logger) write(line string) {
	if l.prefix != nil {
		line = l.prefix() + line
	}
	_, _ = io.WriteString(l.out, line+"\n")
}

// warnf is printf for failures: the system log gets them at warning level.
func (l *logger) warnf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	line = strings.ReplaceAll(strings.TrimRight(line, "\n"), "\n", "; ")
	l.mu.Lock()
	defer l.mu.Unlock()
	l.write(line)
	if l.sys != nil {
		_ = l.sys.Warning(line)
	}
}

// raw writes text as it is (help, dry-run bodies), not to the system log.
func (l *logger) raw(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.out, s)
}

func (l *logger) close() {
	if l.sys != nil {
		_ = l.sys.Close()
	}
	if l.closer != nil {
		_ = l.closer.Close()
	}
}

func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown version)"
	}
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
		}
	}
	return v + " (" + info.GoVersion + ")"
}
