package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Tests that start retriers (the binary run with the retrier on) find them in /proc and
// make sure none outlives the test: CI runs on a developer's machine, and a leaked
// retrier would keep running.

// proc is a live retrier process.
type proc struct {
	pid, sid int
}

// retrierProcs lists the live processes "checkmk-notify retrier --spool-dir dir".
func retrierProcs(t testing.TB, dir string) []proc {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc to find the retrier processes in: %v", err)
	}
	var out []proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
		if len(args) != 4 || filepath.Base(args[0]) != "checkmk-notify" || args[1] != retrierMode || args[2] != "--spool-dir" || args[3] != dir {
			continue
		}
		state, sid, ok := procStat(pid)
		if !ok || state == "Z" || state == "X" {
			continue // gone, or a zombie: dead
		}
		out = append(out, proc{pid: pid, sid: sid})
	}
	return out
}

// procStat reads the state and session of a process from /proc/<pid>/stat.
func procStat(pid int) (state string, sid int, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return "", 0, false
	}
	// pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses.
	rest := b[bytes.LastIndexByte(b, ')')+2:]
	f := strings.Fields(string(rest))
	if len(f) < 4 {
		return "", 0, false
	}
	sid, err = strconv.Atoi(f[3])
	return f[0], sid, err == nil
}

// watchRetriers makes sure, when the test ends, that no retrier of dir is left: it kills
// the whole session of each that still runs (the retrier has its own session; one whose
// session is not its own is killed alone), waits for them to go and fails the test if one
// stays. Register it after the directory's t.TempDir, so that it runs first.
func watchRetriers(t *testing.T, dir string) {
	t.Helper()
	t.Cleanup(func() {
		left := retrierProcs(t, dir)
		for _, p := range left {
			if p.sid == p.pid {
				_ = syscall.Kill(-p.sid, syscall.SIGKILL)
			} else {
				_ = syscall.Kill(p.pid, syscall.SIGKILL)
			}
		}
		if !waitNoRetrier(t, dir, time.Minute) {
			t.Errorf("retrier processes for %s are still running after SIGKILL: %v", dir, retrierProcs(t, dir))
		}
	})
}

// waitNoRetrier waits until no retrier of dir runs, at most for limit (a safety net for a
// stuck test, not a measurement), and reports whether none runs.
func waitNoRetrier(t testing.TB, dir string, limit time.Duration) bool {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if len(retrierProcs(t, dir)) == 0 {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// withRetrier is env with the background retrier on (the harness turns it off), its
// lifetime bounded, and, if schedule is not "", its schedule replaced
// (envRetrierSchedule).
func withRetrier(env []string, schedule string) []string {
	env = withoutEnv(env, envRetrier)
	// Should the test binary crash before its cleanups run, the retriers end by themselves.
	env = setEnv(env, envRetrierLifetime, "3m")
	if schedule != "" {
		env = setEnv(env, envRetrierSchedule, schedule)
	}
	return env
}

// fastSchedule is the retrier's schedule in tests that are not about the schedule.
const fastSchedule = "50ms,100ms,200ms"

// killLeftRetriers kills every retrier still running the test binary (the last line of
// defence, after the tests' own cleanups) and reports how many it found.
func killLeftRetriers(bin string) int {
	entries, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		args := strings.Split(string(cmdline), "\x00")
		if err != nil || len(args) < 2 || args[0] != bin || args[1] != retrierMode {
			continue
		}
		if state, sid, ok := procStat(pid); ok && state != "Z" {
			n++
			if sid == pid {
				_ = syscall.Kill(-sid, syscall.SIGKILL)
			} else {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	return n
}

// checkOneRetrierAtATime reads a retrier log and checks that retriers worked one at a
// time: between one's "started" and its exit, no other started (a retrier that finds the
// lock taken exits at once, without starting).
func checkOneRetrierAtATime(t *testing.T, logFile string) {
	t.Helper()
	b, err := os.ReadFile(logFile)
	if os.IsNotExist(err) {
		return // no retrier was needed
	}
	if err != nil {
		t.Fatal(err)
	}
	active := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		_, rest, ok := strings.Cut(line, " checkmk-notify retrier[")
		if !ok {
			continue
		}
		pid, msg, _ := strings.Cut(rest, "]: ")
		switch {
		case strings.HasPrefix(msg, "started "):
			active[pid] = true
			if len(active) > 1 {
				t.Errorf("two retriers at once (%v):\n%s", active, b)
				return
			}
		case strings.Contains(msg, "; exiting"), strings.HasPrefix(msg, "stopped ("):
			delete(active, pid)
		}
	}
}
