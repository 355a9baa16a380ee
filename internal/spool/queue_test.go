//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestFlushDeliversEachDestinationInEnqueueOrder(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	for i := range 5 {
		enqueueAll(t, q, "ilert", fmt.Sprintf("ilert-%d", i))
		enqueueAll(t, q, "alertops", fmt.Sprintf("alertops-%d", i))
	}
	for _, dest := range []string{"ilert", "alertops"} {
		var s sink
		res := mustFlush(t, q, dest, s.deliver)
		want := FlushResult{Status: StatusDone, Delivered: 5}
		if diff := cmp.Diff(want, res, cmpopts.EquateErrors()); diff != "" {
			t.Errorf("Flush(%s) result (-want +got):\n%s", dest, diff)
		}
		var wantPayloads []string
		for i := range 5 {
			wantPayloads = append(wantPayloads, fmt.Sprintf("%s-%d", dest, i))
		}
		if diff := cmp.Diff(wantPayloads, s.payloads()); diff != "" {
			t.Errorf("Flush(%s) delivered (-want +got):\n%s", dest, diff)
		}
	}
}

func TestIDsFollowEnqueueOrderWhateverTheClock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		steps []time.Duration // clock change before each enqueue
	}{
		{name: "clock stands still", steps: []time.Duration{0, 0, 0, 0}},
		{name: "clock goes forward", steps: []time.Duration{0, time.Nanosecond, time.Hour, time.Second}},
		{name: "clock goes back", steps: []time.Duration{0, -time.Hour, -time.Nanosecond, -24 * time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClock(t0)
			q := openQueue(t, WithClock(c.Now))
			var ids []ID
			for i, d := range tt.steps {
				c.Advance(d)
				ids = append(ids, enqueueAll(t, q, "d", fmt.Sprint(i))...)
			}
			for i := 1; i < len(ids); i++ {
				if ids[i-1] >= ids[i] {
					t.Errorf("ID %q of a later enqueue does not sort after %q", ids[i], ids[i-1])
				}
			}
			var s sink
			mustFlush(t, q, "d", s.deliver)
			if diff := cmp.Diff([]string{"0", "1", "2", "3"}, s.payloads()); diff != "" {
				t.Errorf("delivered (-want +got):\n%s", diff)
			}
			for i, it := range s.items {
				if it.ID != ids[i] || it.Destination != "d" {
					t.Errorf("item %d: ID %q destination %q, want %q and d", i, it.ID, it.Destination, ids[i])
				}
			}
		})
	}
}

func TestLostCounterNeverOverwritesARequest(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	enqueueAll(t, q, "d", "first", "second")
	// The counter file is lost and the clock went back: the next number collides with a
	// queued request and must be skipped.
	if err := os.Remove(filepath.Join(q.pendingPath("d"), seqFile)); err != nil {
		t.Fatal(err)
	}
	enqueueAll(t, q, "d", "third")
	if got := mustLen(t, q, "d"); got != 3 {
		t.Errorf("Len = %d, want 3", got)
	}
	var s sink
	mustFlush(t, q, "d", s.deliver)
	if diff := cmp.Diff([]string{"first", "second", "third"}, s.payloads()); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
}

func TestItemCarriesEnqueueTimeAndPayload(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	payload := []byte{0, 1, 2, '\n', 0xff}
	id, err := q.Enqueue(context.Background(), "bin", payload)
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Minute)
	var s sink
	mustFlush(t, q, "bin", s.deliver)
	want := []Item{{ID: id, Destination: "bin", Enqueued: t0, Payload: payload}}
	if diff := cmp.Diff(want, s.items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

func TestPermissionsAreExplicitWhateverTheUmask(t *testing.T) {
	// Not parallel: the umask belongs to the whole process.
	for _, umask := range []int{0, 0o022, 0o277} {
		t.Run(fmt.Sprintf("umask %03o", umask), func(t *testing.T) {
			// The test's temporary directory comes first: under umask 277 its owner could
			// not create anything in it (root could, which hid this in CI).
			dir := filepath.Join(t.TempDir(), "spool")
			old := syscall.Umask(umask)
			defer syscall.Umask(old)
			c := newClock(t0)
			q, err := Open(context.Background(), dir, WithClock(c.Now))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			enqueueAll(t, q, "d", "a", "b")
			if err := q.Hold(context.Background(), "d", t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			c.Advance(2 * time.Hour)
			mustFlush(t, q, "d", func(context.Context, Item) error { return rejected(errors.New("no")) })
			enqueueAll(t, q, "d", "c")

			var bad []string
			err = filepath.WalkDir(q.Dir(), func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				fi, err := d.Info()
				if err != nil {
					return err
				}
				want := filePerm
				if d.IsDir() {
					want = dirPerm
				}
				if fi.Mode().Perm() != want {
					bad = append(bad, fmt.Sprintf("%s: %v, want %v", path, fi.Mode().Perm(), want))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) > 0 {
				t.Errorf("wrong modes:\n%s", strings.Join(bad, "\n"))
			}
		})
	}
}

func TestOpenFailsClearlyWhenTheDirectoryIsUnusable(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	// Root ignores directory permissions: as root, the cases marked unprivileged run Open in
	// a child as an unprivileged user, in a directory that user can traverse.
	var nobody *unprivileged
	if os.Geteuid() == 0 {
		nobody = newUnprivileged(t)
		base = nobody.dir
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(base, "ro")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	if nobody != nil {
		nobody.chown(t, readOnly) // its own directory, read-only, as for a non-root test
	}
	tests := []struct {
		name         string
		dir          string
		wantIs       error
		wantText     string
		unprivileged bool // needs a user that directory permissions apply to
	}{
		{name: "path is a file", dir: file, wantText: "not a directory"},
		{name: "parent is a file", dir: filepath.Join(file, "spool"), wantIs: syscall.ENOTDIR, wantText: "not a directory"},
		{name: "empty path", dir: "", wantText: "directory must not be empty"},
		{name: "read-only parent", dir: filepath.Join(readOnly, "spool"), wantIs: fs.ErrPermission, wantText: "permission denied", unprivileged: true},
		{name: "read-only queue directory", dir: readOnly, wantIs: fs.ErrPermission, wantText: "permission denied", unprivileged: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var err error
			if tt.unprivileged && nobody != nil {
				err = nobody.open(t, tt.dir)
			} else {
				_, err = Open(context.Background(), tt.dir)
			}
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Open error %v does not wrap %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantText) || !strings.HasPrefix(err.Error(), "spool: ") {
				t.Errorf("Open error %q: want a spool error saying %q", err, tt.wantText)
			}
		})
	}
}

func TestEnqueueFailsClearlyWhenTheQueueBecomesUnwritable(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	// Replace the pending directory by a file: no process, root or not, can queue now.
	pending := filepath.Join(q.Dir(), pendingDir)
	if err := os.Remove(pending); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pending, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := q.Enqueue(context.Background(), "d", []byte("x"))
	if err == nil {
		t.Fatal("Enqueue succeeded")
	}
	if !errors.Is(err, syscall.ENOTDIR) || !strings.HasPrefix(err.Error(), "spool: enqueue for d: ") {
		t.Errorf("Enqueue error %q: want a spool error wrapping ENOTDIR", err)
	}
}

func TestInvalidArguments(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	ctx := context.Background()
	deliver := func(context.Context, Item) error { return nil }
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"enqueue bad destination", func() error { _, err := q.Enqueue(ctx, "../etc", nil); return err }, ErrInvalidDestination},
		{"enqueue too large", func() error { _, err := q.Enqueue(ctx, "d", make([]byte, MaxPayloadSize+1)); return err }, ErrPayloadTooLarge},
		{"flush bad destination", func() error { _, err := q.Flush(ctx, "", deliver); return err }, ErrInvalidDestination},
		{"flush nil deliver", func() error { _, err := q.Flush(ctx, "d", nil); return err }, cmpopts.AnyError},
		{"len bad destination", func() error { _, err := q.Len(context.Background(), "a b"); return err }, ErrInvalidDestination},
		{"hold bad destination", func() error { return q.Hold(context.Background(), "..", t0) }, ErrInvalidDestination},
		{"held until bad destination", func() error { _, err := q.HeldUntil(context.Background(), "."); return err }, ErrInvalidDestination},
		{"max age zero", func() error { _, err := Open(context.Background(), t.TempDir(), WithMaxAge(0)); return err }, cmpopts.AnyError},
		{"nil clock", func() error { _, err := Open(context.Background(), t.TempDir(), WithClock(nil)); return err }, cmpopts.AnyError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, tt.call(), cmpopts.EquateErrors()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDestinationsAndLen(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	if got, err := q.Destinations(context.Background()); err != nil || len(got) != 0 {
		t.Errorf("Destinations of a new queue = %v, %v; want none", got, err)
	}
	enqueueAll(t, q, "b", "1", "2")
	enqueueAll(t, q, "a", "1")
	got, err := q.Destinations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b"}, got); diff != "" {
		t.Errorf("Destinations (-want +got):\n%s", diff)
	}
	for dest, want := range map[string]int{"a": 1, "b": 2, "never-used": 0} {
		if got := mustLen(t, q, dest); got != want {
			t.Errorf("Len(%s) = %d, want %d", dest, got, want)
		}
	}
	res := mustFlush(t, q, "never-used", func(context.Context, Item) error { return nil })
	if diff := cmp.Diff(FlushResult{Status: StatusDone}, res, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("Flush of an unknown destination (-want +got):\n%s", diff)
	}
}

func TestStrayFilesAreNeverRequests(t *testing.T) {
	t.Parallel()
	// The queue's clock dates what it writes; the age of a stray file is its modification
	// time on the real clock, so the killed writer's file is made old on that clock.
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	enqueueAll(t, q, "d", "real")
	dir := q.pendingPath("d")
	// What a process killed while writing leaves behind, and what admins and editors leave.
	valid, err := encodeItem("d", t0, 0, Rate{}, []byte("partial"))
	if err != nil {
		t.Fatal(err)
	}
	strays := map[string][]byte{
		"tmp-killedwriter":          valid[:len(valid)/2],
		"tmp-fresh":                 valid,
		"README":                    []byte("notes"),
		"123.req":                   valid,
		"00000000000000000001.req~": valid,
		".00000000000000000001.req": valid,
	}
	for name, data := range strays {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTempAge)
	if err := os.Chtimes(filepath.Join(dir, "tmp-killedwriter"), old, old); err != nil {
		t.Fatal(err)
	}
	if got := mustLen(t, q, "d"); got != 1 {
		t.Errorf("Len = %d, want 1 (stray files counted)", got)
	}
	var s sink
	res := mustFlush(t, q, "d", s.deliver)
	if diff := cmp.Diff([]string{"real"}, s.payloads()); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
	if res.Status != StatusDone || res.Failed != 0 || res.Remaining != 0 {
		t.Errorf("result %+v, want done with nothing failed or remaining", res)
	}
	if _, err := os.Stat(filepath.Join(dir, "tmp-killedwriter")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temporary file still there (Stat: %v)", err)
	}
	for name := range strays {
		if name == "tmp-killedwriter" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was removed, want it left alone: %v", name, err)
		}
	}
}

func TestPermanentRejectionMovesToFailedWithReason(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	ids := enqueueAll(t, q, "ilert", "ok-1", "bad", "ok-2")
	c.Advance(time.Minute)
	s := sink{outcome: func(it Item, _ int) error {
		if string(it.Payload) == "bad" {
			return rejected(errors.New("iLert: 400 Bad Request: summary must not be empty"))
		}
		return nil
	}}
	res := mustFlush(t, q, "ilert", s.deliver)
	want := FlushResult{Status: StatusDone, Delivered: 2, Failed: 1}
	if diff := cmp.Diff(want, res, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	failed, err := q.Failed(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wantFailed := []FailedItem{{
		ID:          ids[1],
		Destination: "ilert",
		Enqueued:    t0,
		FailedAt:    t0.Add(time.Minute),
		Reason:      "rejected: iLert: 400 Bad Request: summary must not be empty",
		Path:        filepath.Join(q.Dir(), "failed", "ilert", strings.TrimPrefix(string(ids[1]), "ilert/")+".req"),
	}}
	if diff := cmp.Diff(wantFailed, failed); diff != "" {
		t.Errorf("Failed (-want +got):\n%s", diff)
	}
	// The request is kept byte for byte, and the reason is readable text next to it.
	data, err := os.ReadFile(failed[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	if _, payload, err := decodeItem(data); err != nil || string(payload) != "bad" {
		t.Errorf("failed request decodes to %q, %v; want the original payload", payload, err)
	}
	reason, err := os.ReadFile(strings.TrimSuffix(failed[0].Path, ".req") + ".reason")
	if err != nil {
		t.Fatal(err)
	}
	testutil.GoldenText(t, filepath.Join("testdata", "rejected.golden.reason"), reason)
}

// TestExpiredRequestsMoveToFailed: a request older than its maximum age whose try fails
// moves to failed/ as expired, and the flush goes on. (Since issue 11, a request is expired
// only after such a failed try: here the destination answers 503 to the old request.)
func TestExpiredRequestsMoveToFailed(t *testing.T) {
	t.Parallel()
	const lastTry = "; the last try at 2026-11-28T05:50:00Z failed: 503 Service Unavailable)"
	tests := []struct {
		name       string
		opts       []Option
		wait       time.Duration
		wantReason string
	}{
		{name: "default 7 days", wait: 7*24*time.Hour + time.Nanosecond,
			wantReason: "expired after 7 days (enqueued 2026-11-21T05:50:00Z, never delivered" + lastTry},
		{name: "exactly 7 days is not expired", wait: 7 * 24 * time.Hour},
		{name: "custom max age", opts: []Option{WithMaxAge(90 * time.Minute)}, wait: 2 * time.Hour,
			wantReason: "expired after 1h30m0s (enqueued 2026-11-21T05:50:00Z, never delivered; the last try at 2026-11-21T07:50:00Z failed: 503 Service Unavailable)"},
		{name: "one day", opts: []Option{WithMaxAge(24 * time.Hour)}, wait: 25 * time.Hour,
			wantReason: "expired after 1 day (enqueued 2026-11-21T05:50:00Z, never delivered; the last try at 2026-11-22T06:50:00Z failed: 503 Service Unavailable)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClock(t0)
			q := openQueue(t, append(tt.opts, WithClock(c.Now))...)
			enqueueAll(t, q, "d", "old")
			c.Advance(tt.wait)
			enqueueAll(t, q, "d", "new")
			var delivered []string
			s := sink{outcome: func(it Item, _ int) error {
				if tt.wantReason != "" && string(it.Payload) == "old" {
					return retryable(errors.New("503 Service Unavailable"))
				}
				delivered = append(delivered, string(it.Payload))
				return nil
			}}
			res := mustFlush(t, q, "d", s.deliver)
			failed, err := q.Failed(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantReason == "" {
				if res.Expired != 0 || len(failed) != 0 || res.Delivered != 2 {
					t.Errorf("result %+v, failed %+v: want both delivered", res, failed)
				}
				return
			}
			if res.Expired != 1 || res.Delivered != 1 || res.Failed != 0 {
				t.Errorf("result %+v: want 1 expired, 1 delivered", res)
			}
			if diff := cmp.Diff([]string{"new"}, delivered); diff != "" {
				t.Errorf("delivered (-want +got):\n%s", diff)
			}
			if len(failed) != 1 || failed[0].Reason != tt.wantReason {
				t.Errorf("failed = %+v, want one with reason %q", failed, tt.wantReason)
			}
		})
	}
}

func TestTemporaryFailureStopsTheDestinationInOrder(t *testing.T) {
	t.Parallel()
	down := errors.New("connect: connection refused")
	tests := []struct {
		name    string
		outcome error
		wantErr error
	}{
		{name: "an error without methods", outcome: down, wantErr: down},
		{name: "a retryable answer", outcome: retryable(down), wantErr: down},
		{name: "an answer that is neither permanent nor retryable", outcome: &answer{err: down}, wantErr: down},
		{name: "an error with Permanent() false", outcome: fmt.Errorf("send: %w", &answer{err: down, retryable: true}), wantErr: down},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := openQueue(t)
			enqueueAll(t, q, "d", "1", "2", "3", "4", "5")
			enqueueAll(t, q, "other", "x")
			s := sink{outcome: func(_ Item, n int) error {
				if n == 2 {
					return tt.outcome
				}
				return nil
			}}
			res := mustFlush(t, q, "d", s.deliver)
			if !errors.Is(res.Err, tt.wantErr) {
				t.Errorf("Err = %v, want the deliver function's %v", res.Err, tt.wantErr)
			}
			want := FlushResult{Status: StatusStopped, Delivered: 2, Remaining: 3, Err: tt.wantErr}
			if diff := cmp.Diff(want, res, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("first flush (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"1", "2", "3"}, s.payloads()); diff != "" {
				t.Errorf("first flush tried (-want +got):\n%s", diff)
			}
			var again sink
			res = mustFlush(t, q, "d", again.deliver)
			if diff := cmp.Diff([]string{"3", "4", "5"}, again.payloads()); diff != "" {
				t.Errorf("second flush delivered (-want +got):\n%s", diff)
			}
			if res.Status != StatusDone || res.Remaining != 0 {
				t.Errorf("second flush %+v, want done with nothing remaining", res)
			}
			if got := mustLen(t, q, "other"); got != 1 {
				t.Errorf("other destination has %d requests, want 1 (untouched)", got)
			}
		})
	}
}

func TestCorruptRequestMovesToFailedAndTheQueueGoesOn(t *testing.T) {
	t.Parallel()
	const secret = "il1api-SECRET-KEY"
	q := openQueue(t)
	ids := enqueueAll(t, q, "d", "first", `{"apiKey":"`+secret+`"}`, "third")
	// A disk fault tears the second request: its metadata line is gone.
	path := filepath.Join(q.pendingPath("d"), strings.TrimPrefix(string(ids[1]), "d/")+".req")
	if err := os.WriteFile(path, []byte(`{"apiKey":"`+secret+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var s sink
	res, err := q.Flush(context.Background(), "d", s.deliver)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"first", "third"}, s.payloads()); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
	if res.Failed != 1 || res.Status != StatusDone {
		t.Errorf("result %+v, want done with 1 failed", res)
	}
	failed, err := q.Failed(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 || !strings.HasPrefix(failed[0].Reason, "corrupt request file: ") || failed[0].ID != ids[1] {
		t.Fatalf("failed = %+v, want the torn request as corrupt", failed)
	}
	testutil.AssertNoSecret(t, "reason", failed[0].Reason, secret)
	testutil.AssertNoSecret(t, "result", fmt.Sprintf("%+v", res), secret)
	err = filepath.WalkDir(q.Dir(), func(path string, _ fs.DirEntry, err error) error {
		testutil.AssertNoSecret(t, "file name", path, secret)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHoldAfterRateLimit(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	enqueueAll(t, q, "ilert", "1", "2")
	s := sink{outcome: func(_ Item, n int) error {
		if n == 0 {
			return rateLimited(errors.New("429 Too Many Requests"), 0)
		}
		return nil
	}}
	res := mustFlush(t, q, "ilert", s.deliver)
	holdEnd := t0.Add(MinHold)
	want := FlushResult{Status: StatusStopped, Remaining: 2, Err: cmpopts.AnyError, HeldUntil: holdEnd}
	if diff := cmp.Diff(want, res, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("rate-limited flush (-want +got):\n%s", diff)
	}

	// Another process (a second Queue on the same directory) sees the hold.
	other, err := Open(context.Background(), q.Dir(), WithClock(c.Now))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := other.HeldUntil(context.Background(), "ilert"); err != nil || !got.Equal(holdEnd) {
		t.Errorf("HeldUntil = %v, %v; want %v", got, err, holdEnd)
	}
	c.Advance(MinHold - time.Nanosecond)
	enqueueAll(t, other, "ilert", "3") // enqueue still works while held
	res = mustFlush(t, other, "ilert", s.deliver)
	want = FlushResult{Status: StatusHeld, Remaining: 3, HeldUntil: holdEnd}
	if diff := cmp.Diff(want, res, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("held flush (-want +got):\n%s", diff)
	}

	c.Advance(time.Nanosecond)
	if got, err := other.HeldUntil(context.Background(), "ilert"); err != nil || !got.IsZero() {
		t.Errorf("HeldUntil after the hold = %v, %v; want zero", got, err)
	}
	res = mustFlush(t, other, "ilert", s.deliver)
	if res.Status != StatusDone || res.Delivered != 3 {
		t.Errorf("flush after the hold %+v, want 3 delivered", res)
	}
	if diff := cmp.Diff([]string{"1", "1", "2", "3"}, s.payloads()); diff != "" {
		t.Errorf("tried (-want +got):\n%s", diff)
	}
}

func TestRateLimitedHoldIsBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		wait time.Duration
		want time.Duration
	}{
		{-time.Second, MinHold},
		{0, MinHold},
		{30 * time.Second, 30 * time.Second},
		{484289 * time.Hour, MaxHold},
	}
	for _, tt := range tests {
		t.Run(tt.wait.String(), func(t *testing.T) {
			t.Parallel()
			if got := holdFor(rateLimited(errors.New("429"), tt.wait)); got != tt.want {
				t.Errorf("a rate limit with Retry-After %v holds %v, want %v", tt.wait, got, tt.want)
			}
		})
	}
	if got := holdFor(errors.New("429 without the method")); got != MinHold {
		t.Errorf("a rate limit without RetryAfter holds %v, want MinHold", got)
	}
}

// TestActionOfAnError: Flush reads an error by its methods, the first in the chain that
// has each, and keeps what it cannot read.
func TestActionOfAnError(t *testing.T) {
	t.Parallel()
	x := errors.New("x")
	tests := []struct {
		name string
		err  error
		want action
	}{
		{"nil", nil, actionDelete},
		{"benign", benign(x), actionDelete},
		{"wrapped benign", fmt.Errorf("ilert: %w", benign(x)), actionDelete},
		{"rate limited", rateLimited(x, 0), actionHold},
		{"permanent", rejected(x), actionFail},
		{"permanent under a reason", &reasoned{"400 (PROBLEM web01)", rejected(x)}, actionFail},
		{"retryable", retryable(x), actionKeep},
		{"no methods", x, actionKeep},
		{"ended context", context.DeadlineExceeded, actionKeep},
		{"joined: the permanent one counts", errors.Join(x, rejected(x)), actionFail},
	}
	for _, tt := range tests {
		if got := actionOf(tt.err); got != tt.want {
			t.Errorf("%s: actionOf(%v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
	}
}

// reasoned gives an error another text, as a program does for the reason file.
type reasoned struct {
	reason string
	err    error
}

func (r *reasoned) Error() string { return r.reason }
func (r *reasoned) Unwrap() error { return r.err }

func TestHoldIsSetClearedAndToleratesDamage(t *testing.T) {
	t.Parallel()
	c := newClock(t0)
	q := openQueue(t, WithClock(c.Now))
	until := t0.Add(time.Minute)
	if err := q.Hold(context.Background(), "d", until); err != nil {
		t.Fatal(err)
	}
	if got, err := q.HeldUntil(context.Background(), "d"); err != nil || !got.Equal(until) {
		t.Errorf("HeldUntil = %v, %v; want %v", got, err, until)
	}
	if err := q.Hold(context.Background(), "d", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, err := q.HeldUntil(context.Background(), "d"); err != nil || !got.IsZero() {
		t.Errorf("HeldUntil after clearing = %v, %v; want zero", got, err)
	}
	if err := q.Hold(context.Background(), "d", time.Time{}); err != nil {
		t.Errorf("clearing twice: %v", err)
	}

	enqueueAll(t, q, "d", "x")
	if err := os.WriteFile(filepath.Join(q.pendingPath("d"), holdFile), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := q.HeldUntil(context.Background(), "d"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("HeldUntil of a damaged hold file: %v, want ErrCorrupt", err)
	}
	if res := mustFlush(t, q, "d", func(context.Context, Item) error { return nil }); res.Delivered != 1 {
		t.Errorf("a damaged hold file blocked the destination: %+v", res)
	}
}

func TestBusyFlushReturnsAtOnceAndEnqueueHonoursContext(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	enqueueAll(t, q, "d", "x")
	// Take both locks as another process would.
	locks := map[string]*os.File{}
	for _, name := range []string{flushLockFile, seqFile} {
		f, err := openStateFile(filepath.Join(q.pendingPath("d"), name), os.Geteuid())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		if ok, err := tryLock(f); !ok || err != nil {
			t.Fatalf("lock %s: %v, %v", name, ok, err)
		}
		locks[name] = f
	}
	// A Flush that waited for the lock would hang the test until this deadline.
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()

	var s sink
	res, err := q.Flush(ctx, "d", s.deliver)
	if err != nil {
		t.Fatalf("busy Flush: %v", err)
	}
	if diff := cmp.Diff(FlushResult{Status: StatusBusy, Remaining: 1}, res, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("busy Flush (-want +got):\n%s", diff)
	}
	if len(s.payloads()) != 0 {
		t.Error("busy Flush delivered")
	}

	short, cancelShort := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancelShort()
	_, err = q.Enqueue(short, "d", []byte("y"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Enqueue behind a held seq lock: %v, want the context's deadline", err)
	}
	if got := mustLen(t, q, "d"); got != 1 {
		t.Errorf("Len = %d after a failed Enqueue, want 1", got)
	}
	tmps, _ := filepath.Glob(filepath.Join(q.pendingPath("d"), tempPrefix+"*"))
	if len(tmps) != 0 {
		t.Errorf("failed Enqueue left temporary files: %v", tmps)
	}

	// The other process dies: its locks go with it.
	for _, f := range locks {
		f.Close()
	}
	res = mustFlush(t, q, "d", s.deliver)
	if res.Status != StatusDone || res.Delivered != 1 {
		t.Errorf("Flush after the other process died: %+v", res)
	}
}

func TestCanceledContext(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	enqueueAll(t, q, "d", "1", "2", "3")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var s sink
	s.outcome = func(Item, int) error {
		cancel() // the caller's deadline passes during the first delivery
		return nil
	}
	res, err := q.Flush(ctx, "d", s.deliver)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Flush error %v, want context.Canceled", err)
	}
	want := FlushResult{Status: StatusStopped, Delivered: 1, Remaining: 2, Err: context.Canceled}
	if diff := cmp.Diff(want, res, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if _, err := q.Enqueue(ctx, "d", []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Enqueue with a canceled context: %v", err)
	}
	if _, err := q.Flush(ctx, "d", s.deliver); !errors.Is(err, context.Canceled) {
		t.Errorf("Flush with a canceled context: %v", err)
	}
}

func TestCrashBetweenDeliveryAndDeleteRedelivers(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	enqueueAll(t, q, "d", "1", "2")
	var s sink
	s.outcome = func(it Item, _ int) error {
		panic("crash after the destination accepted " + string(it.Payload))
	}
	func() {
		defer func() { _ = recover() }()
		_, _ = q.Flush(context.Background(), "d", s.deliver)
	}()
	s.outcome = nil
	res := mustFlush(t, q, "d", s.deliver)
	if res.Delivered != 2 || res.Status != StatusDone {
		t.Errorf("flush after the crash: %+v, want both delivered", res)
	}
	if diff := cmp.Diff([]string{"1", "1", "2"}, s.payloads()); diff != "" {
		t.Errorf("delivered (-want +got): the first request must come again, none lost\n%s", diff)
	}
}

func TestHandOffToTheRunningFlusher(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	enqueueAll(t, q, "d", "A")
	var s sink
	var inner FlushResult
	s.outcome = func(it Item, n int) error {
		if n == 0 {
			// While A is being delivered, another notifier enqueues B and tries to flush.
			enqueueAll(t, q, "d", "B")
			var err error
			inner, err = q.Flush(context.Background(), "d", func(context.Context, Item) error {
				t.Error("the busy flush delivered")
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}
		return nil
	}
	res := mustFlush(t, q, "d", s.deliver)
	if inner.Status != StatusBusy {
		t.Errorf("inner flush %+v, want busy", inner)
	}
	if res.Status != StatusDone || res.Delivered != 2 || res.Remaining != 0 {
		t.Errorf("outer flush %+v, want both delivered", res)
	}
	if diff := cmp.Diff([]string{"A", "B"}, s.payloads()); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
}

func TestFailedListsOnlyRequests(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	dir := q.failedPath("d")
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"00000000000000000007.req":    "not even a header",
		"00000000000000000007.reason": "written by hand",
		"00000000000000000008.req":    "no reason file",
		"tmp-x":                       "temp",
		"notes.txt":                   "admin notes",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := q.Failed(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []FailedItem{
		{ID: "d/00000000000000000007", Destination: "d", Reason: "written by hand", Path: filepath.Join(dir, "00000000000000000007.req")},
		{ID: "d/00000000000000000008", Destination: "d", Path: filepath.Join(dir, "00000000000000000008.req")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Failed (-want +got):\n%s", diff)
	}
}

func TestStatusValid(t *testing.T) {
	t.Parallel()
	for _, s := range []Status{StatusDone, StatusStopped, StatusBusy, StatusHeld} {
		if !s.Valid() {
			t.Errorf("%q.Valid() = false", s)
		}
	}
	if Status("paused").Valid() {
		t.Error(`"paused".Valid() = true`)
	}
}

// TestWithoutWriteProbe: the option skips only the proof that the queue is writable: a
// read-only queue directory of the user opens (its Enqueue then fails), and the trust
// check still refuses what it refuses.
func TestWithoutWriteProbe(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("a read-only directory needs a user that permissions apply to: run as root, as CI does, so that the test runs Open as nobody")
	}
	nobody := newUnprivileged(t)
	readOnly := filepath.Join(nobody.dir, "ro")
	for _, d := range []string{readOnly, filepath.Join(readOnly, pendingDir), filepath.Join(readOnly, failedDir)} {
		if err := os.Mkdir(d, 0o500); err != nil {
			t.Fatal(err)
		}
		nobody.chown(t, d)
	}
	if err := nobody.open(t, readOnly); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Open of a read-only queue = %v, want permission denied from the probe", err)
	}
	if err := nobody.open(t, readOnly, helperNoProbeEnv+"=1"); err != nil {
		t.Errorf("Open WithoutWriteProbe of a read-only queue = %v, want it opened", err)
	}
	open := filepath.Join(nobody.dir, "open")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	nobody.chown(t, open)
	if err := nobody.open(t, open, helperNoProbeEnv+"=1"); err == nil || !strings.Contains(err.Error(), "is writable by group or others") {
		t.Errorf("Open WithoutWriteProbe of a directory anyone may write = %v, want the trust check's refusal", err)
	}
}
