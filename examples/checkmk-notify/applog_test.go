package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLogRotates: the alertbridge log is renamed to NAME.1 when the next line would take
// it past its limit, keeping one old file; lines are never split, and the files are 0600.
func TestLogRotates(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "alertbridge.log")
	f, err := openRotating(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line := strings.Repeat("x", 29) + "\n" // 30 bytes: three fit in 100
	for i := range 10 {
		if _, err := f.Write([]byte(string(rune('a'+i)) + line[1:])); err != nil {
			t.Fatal(err)
		}
	}
	cur, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(path + ".1")
	if err != nil {
		t.Fatal(err)
	}
	if len(cur) > 100 || len(old) > 100 || len(cur)%30 != 0 || len(old)%30 != 0 {
		t.Errorf("log %d bytes, old log %d bytes; want whole lines, at most 100 each", len(cur), len(old))
	}
	if !strings.Contains(string(cur), "j") {
		t.Errorf("the newest line is not in the log: %q", cur)
	}
	if strings.Contains(string(old), "a") {
		t.Errorf("the old log still holds the first lines: only one old file is kept")
	}
	for _, p := range []string{path, path + ".1"} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, want mode 0600", p, describe(fi, err))
		}
	}
	if _, err := os.Stat(path + ".2"); !os.IsNotExist(err) {
		t.Errorf("a second old log exists (%v)", err)
	}
}

// TestLogRefusesWhatIsNotItsOwn: a link, a named pipe, another user's file or one others
// may write in the log's place is not written to (nor followed, nor blocked on).
func TestLogRefusesWhatIsNotItsOwn(t *testing.T) {
	t.Parallel()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("the victim's file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, plant := range map[string]func(t *testing.T, path string){
		"symbolic link": func(t *testing.T, path string) {
			if err := os.Symlink(victim, path); err != nil {
				t.Fatal(err)
			}
		},
		"named pipe": func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"writable by others": func(t *testing.T, path string) {
			if err := os.WriteFile(path, nil, 0o666); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, 0o666); err != nil {
				t.Fatal(err)
			}
		},
		"another user's file": func(t *testing.T, path string) {
			if os.Geteuid() != 0 {
				t.Skip("simulating a file of another user needs root (chown to nobody); run the tests as root, as CI does")
			}
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(path, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "alertbridge.log")
			plant(t, path)
			if f, err := openRotating(path, maxLogSize); err == nil {
				f.Close()
				t.Fatalf("the log was opened")
			}
			if b, _ := os.ReadFile(victim); string(b) != "the victim's file\n" {
				t.Errorf("the victim's file changed: %q", b)
			}
		})
	}
}

// TestLogPath: the log is the site's in a site, else the queue directory's.
func TestLogPath(t *testing.T) {
	t.Parallel()
	site := &environment{getenv: func(k string) string {
		if k == "OMD_ROOT" {
			return "/omd/sites/prod"
		}
		return ""
	}}
	if got := appLogPath(site, "/q"); got != "/omd/sites/prod/var/log/alertbridge.log" {
		t.Errorf("in a site: %s", got)
	}
	if got := appLogPath(&environment{getenv: func(string) string { return "" }}, "/q"); got != "/q/retrier.log" {
		t.Errorf("outside a site: %s", got)
	}
}
