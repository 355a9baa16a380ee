//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package spool

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Helper processes: the test binary runs itself with helperEnv set to a role, so that tests
// can use real separate processes (as Checkmk starts them) and kill them.
const (
	helperEnv     = "SPOOL_TEST_HELPER"
	helperDirEnv  = "SPOOL_TEST_DIR"
	helperURLEnv  = "SPOOL_TEST_URL"
	helperNameEnv = "SPOOL_TEST_NAME"
	helperNEnv    = "SPOOL_TEST_N"
)

func TestMain(m *testing.M) {
	if role := os.Getenv(helperEnv); role != "" {
		os.Exit(runHelper(role))
	}
	os.Exit(m.Run())
}

func runHelper(role string) int {
	if role == openRole {
		return runOpenReport(os.Getenv(helperDirEnv))
	}
	q, err := Open(context.Background(), os.Getenv(helperDirEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	switch role {
	case "notifier":
		// What one Checkmk notifier run does: enqueue, then flush; n times in a row.
		n, _ := strconv.Atoi(os.Getenv(helperNEnv))
		name := os.Getenv(helperNameEnv)
		client := &http.Client{Timeout: 10 * time.Second}
		deliver := func(ctx context.Context, it Item) error {
			return postTo(ctx, client, os.Getenv(helperURLEnv), it.Payload)
		}
		for i := range n {
			if _, err := q.Enqueue(ctx, "d", []byte(name+"/"+strconv.Itoa(i))); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			if _, err := q.Flush(ctx, "d", deliver); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		return 0
	case "die-after-delivery":
		// The destination accepts the request, then the process is killed before it can
		// delete it.
		_, err := q.Flush(ctx, "d", func(ctx context.Context, it Item) error {
			postTo(ctx, http.DefaultClient, os.Getenv(helperURLEnv), it.Payload)
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		})
		fmt.Fprintln(os.Stderr, "still alive:", err)
		return 1
	case "hold-lock":
		// Takes the named lock, says so, and keeps it until it is killed.
		lock, err := q.TryLock(context.Background(), os.Getenv(helperNameEnv))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println("locked")
		<-ctx.Done()
		lock.Close()
		return 1
	case "enqueue-forever":
		// Reports each request whose Enqueue returned, until it is killed.
		for i := 0; ; i++ {
			payload := strings.Repeat(strconv.Itoa(i)+" ", 2000)
			if _, err := q.Enqueue(ctx, "d", []byte(payload)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			fmt.Println(i)
		}
	}
	fmt.Fprintln(os.Stderr, "unknown helper role", role)
	return 2
}

func postTo(ctx context.Context, client *http.Client, url string, payload []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(string(payload)))
	if err != nil {
		return rejected(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return errors.New(resp.Status)
	}
	return nil
}

// counter is a destination on loopback that counts what it receives.
type counter struct {
	mu       sync.Mutex
	received []string
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	c.received = append(c.received, string(body))
	c.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (c *counter) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.received...)
}

func helperCmd(t *testing.T, role, dir, url string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+role, helperDirEnv+"="+dir, helperURLEnv+"="+url)
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// checkExactlyOnceInOrder checks that every sender's requests arrived exactly once each
// and in the order the sender enqueued them. A payload is "<sender>/<index>".
func checkExactlyOnceInOrder(t *testing.T, received []string, senders, perSender int) {
	t.Helper()
	next := map[string]int{}
	for _, p := range received {
		sender, idx, ok := strings.Cut(p, "/")
		i, err := strconv.Atoi(idx)
		if !ok || err != nil {
			t.Errorf("unexpected payload %q", p)
			continue
		}
		if i != next[sender] {
			t.Errorf("%s: got request %d, want %d (duplicate, lost or out of order)", sender, i, next[sender])
		}
		next[sender] = i + 1
	}
	want := map[string]int{}
	for s := range senders {
		want["s"+strconv.Itoa(s)] = perSender
	}
	if diff := cmp.Diff(want, next); diff != "" {
		t.Errorf("requests received per sender (-want +got):\n%s", diff)
	}
	if len(received) != senders*perSender {
		t.Errorf("received %d requests, want %d exactly once each", len(received), senders*perSender)
	}
}

func TestConcurrentGoroutinesDeliverExactlyOnce(t *testing.T) {
	t.Parallel()
	const senders, perSender = 20, 5
	for _, shared := range []bool{true, false} {
		t.Run(fmt.Sprintf("shared Queue %v", shared), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			var dest counter
			deliver := func(_ context.Context, it Item) error {
				dest.mu.Lock()
				dest.received = append(dest.received, string(it.Payload))
				dest.mu.Unlock()
				return nil
			}
			shq, err := Open(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan error, senders)
			for s := range senders {
				wg.Go(func() {
					q := shq
					if !shared {
						var err error
						if q, err = Open(context.Background(), dir); err != nil {
							errs <- err
							return
						}
					}
					for i := range perSender {
						if _, err := q.Enqueue(context.Background(), "d", []byte(fmt.Sprintf("s%d/%d", s, i))); err != nil {
							errs <- err
							return
						}
						if _, err := q.Flush(context.Background(), "d", deliver); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			checkExactlyOnceInOrder(t, dest.all(), senders, perSender)
			if got := mustLen(t, shq, "d"); got != 0 {
				t.Errorf("%d requests left behind", got)
			}
		})
	}
}

func TestConcurrentProcessesDeliverExactlyOnce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts 20 processes")
	}
	const senders, perSender = 20, 3
	dir := t.TempDir()
	var dest counter
	srv := httptest.NewServer(&dest)
	t.Cleanup(srv.Close)

	cmds := make([]*exec.Cmd, senders)
	outs := make([]strings.Builder, senders)
	for s := range senders {
		cmds[s] = helperCmd(t, "notifier", dir, srv.URL+"/events",
			helperNameEnv+"=s"+strconv.Itoa(s), helperNEnv+"="+strconv.Itoa(perSender))
		cmds[s].Stdout, cmds[s].Stderr = &outs[s], &outs[s]
	}
	for s, cmd := range cmds { // start all before waiting for any
		if err := cmd.Start(); err != nil {
			t.Fatalf("start notifier %d: %v", s, err)
		}
	}
	for s, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("notifier %d: %v\n%s", s, err, outs[s].String())
		}
	}
	checkExactlyOnceInOrder(t, dest.all(), senders, perSender)
	q, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustLen(t, q, "d"); got != 0 {
		t.Errorf("%d requests left behind", got)
	}
}

func TestKilledAfterDeliveryRedeliversNotLoses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var dest counter
	srv := httptest.NewServer(&dest)
	t.Cleanup(srv.Close)
	q, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	enqueueAll(t, q, "d", "s0/0", "s0/1")

	out, err := helperCmd(t, "die-after-delivery", dir, srv.URL).CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("helper was not killed: %v\n%s", err, out)
	}
	if diff := cmp.Diff([]string{"s0/0"}, dest.all()); diff != "" {
		t.Fatalf("before the kill the destination received (-want +got):\n%s", diff)
	}

	// The kill released the lock; the next run delivers the first request again, then the
	// second.
	res := mustFlush(t, q, "d", func(ctx context.Context, it Item) error {
		return postTo(ctx, http.DefaultClient, srv.URL, it.Payload)
	})
	if res.Status != StatusDone || res.Delivered != 2 {
		t.Errorf("flush after the kill: %+v", res)
	}
	if diff := cmp.Diff([]string{"s0/0", "s0/0", "s0/1"}, dest.all()); diff != "" {
		t.Errorf("received (-want +got): at least once, in order\n%s", diff)
	}
}

func TestKilledWhileEnqueuingLeavesNoPartialRequest(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills a process")
	}
	dir := t.TempDir()
	cmd := helperCmd(t, "enqueue-forever", dir, "")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it at some point while it writes; wherever that is, every request it reported
	// as enqueued must be there, and no file may be a partial request.
	lines := bufio.NewScanner(stdout)
	acked := -1
	for acked < 50 && lines.Scan() {
		acked, _ = strconv.Atoi(lines.Text())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
		acked, _ = strconv.Atoi(lines.Text())
	}
	cmd.Wait()
	if acked < 50 {
		t.Fatalf("helper reported only %d requests", acked)
	}

	// The killed helper's temporary file is a left-over once it is old on the real clock,
	// which dates modification times: make it so.
	q, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	temps, err := filepath.Glob(filepath.Join(q.pendingPath("d"), tempPrefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * staleTempAge)
	for _, p := range temps {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	next := 0
	res := mustFlush(t, q, "d", func(_ context.Context, it Item) error {
		i, err := strconv.Atoi(strings.Fields(string(it.Payload))[0])
		if err != nil || string(it.Payload) != strings.Repeat(strconv.Itoa(i)+" ", 2000) {
			t.Errorf("request %s is damaged", it.ID)
		}
		if i != next {
			t.Errorf("request %d delivered, want %d", i, next)
		}
		next = i + 1
		return nil
	})
	if res.Failed != 0 || res.Status != StatusDone {
		t.Errorf("flush after the kill: %+v, want no corrupt request", res)
	}
	if next <= acked {
		t.Errorf("delivered %d requests, but %d were reported enqueued", next, acked+1)
	}
	entries, err := os.ReadDir(q.pendingPath("d"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			t.Errorf("stale temporary file %s was not cleaned up", e.Name())
		}
	}
}
