package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDedupeRefusesUnsafeFiles: the record is opened only as a private regular file of
// this user; a planted symlink, FIFO, a file others may read or another user's file is
// refused (and the relay does not start), and a symlink's target is left alone.
func TestDedupeRefusesUnsafeFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		plant func(t *testing.T, path string)
		want  string
	}{
		{"symlink", func(t *testing.T, path string) {
			victim := filepath.Join(t.TempDir(), "victim")
			if err := os.WriteFile(victim, []byte("the victim's file\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(victim, path); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if b, err := os.ReadFile(victim); err != nil || string(b) != "the victim's file\n" {
					t.Errorf("the symlink's target changed: %q, %v", b, err)
				}
			})
		}, "is a symlink"},
		{"FIFO", func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
		}, "is not a regular file"},
		{"readable by others", func(t *testing.T, path string) {
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "run chmod 600"},
		{"another user's", func(t *testing.T, path string) {
			if os.Getuid() != 0 {
				t.Skip("needs root to give a file to another user (CI runs as root)")
			}
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(path, 65534, 65534); err != nil { // nobody
				t.Fatal(err)
			}
		}, "belongs to another user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			tt.plant(t, filepath.Join(dir, dedupeFile))
			d, err := openDedupe(dir, time.Now)
			if err == nil {
				d.close()
				t.Fatal("openDedupe succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
		})
	}
}

// TestDedupeTornLine: a line torn by a crash is dropped and the file rewritten.
func TestDedupeTornLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Unix(1_800_000_000, 0)
	good := formatDedupeLine(dedupeEntry{at: now.Unix(), hash: hashKey("a")})
	if err := os.WriteFile(filepath.Join(dir, dedupeFile), []byte(dedupeHeader+good+"18000000"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := openDedupe(dir, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	if d.len() != 1 {
		t.Errorf("%d entries, want 1", d.len())
	}
	b, _ := os.ReadFile(filepath.Join(dir, dedupeFile))
	if string(b) != dedupeHeader+good {
		t.Errorf("file after open:\n%q\nwant\n%q", b, dedupeHeader+good)
	}
}
