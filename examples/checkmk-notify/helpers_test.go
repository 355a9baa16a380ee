package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// The secrets of the fixtures: no output, log line or file name may contain them.
const (
	fixtureILertKey    = "il1api0f3c2b9e0d4a4f61b2c8e5d7a9f0c1b3"
	fixtureAlertOpsKey = "0a1b2c3d4e5f"
	fixtureAlertOpsURL = "https://notify.alertops.com/POSTAlert/0a1b2c3d4e5f/CheckMK"
	fixtureDir         = "../../checkmk/testdata"
)

var fixtureSecrets = []string{fixtureILertKey, fixtureAlertOpsKey, fixtureAlertOpsURL}

// binary is the notifier built once for all tests, run as Checkmk runs it.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "checkmk-notify-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "checkmk-notify")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the notifier:", err)
		os.Exit(1)
	}
	code := m.Run()
	if n := killLeftRetriers(binary); n > 0 {
		fmt.Fprintf(os.Stderr, "%d retrier process(es) were left running by the tests; killed\n", n)
		code = max(code, 1)
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// loadEnv reads a fixture: NAME=value lines, # comments.
func loadEnv(t testing.TB, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		env = append(env, line)
	}
	return env
}

// setEnv returns env with name set to value (replacing any earlier entry).
func setEnv(env []string, name, value string) []string {
	out := slices.DeleteFunc(slices.Clone(env), func(e string) bool { return strings.HasPrefix(e, name+"=") })
	return append(out, name+"="+value)
}

// withoutEnv returns env without the entries whose name is one of names or, for a name
// ending in "*", starts with it.
func withoutEnv(env []string, names ...string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(e string) bool {
		k, _, _ := strings.Cut(e, "=")
		for _, n := range names {
			if k == n || (strings.HasSuffix(n, "*") && strings.HasPrefix(k, strings.TrimSuffix(n, "*"))) {
				return true
			}
		}
		return false
	})
}

// harness is one test's receivers and queue.
type harness struct {
	ilert    *ilerttest.Server
	alertops *alertopstest.Server
	spool    string
}

func newHarness(t testing.TB, opts ...ilerttest.Option) *harness {
	t.Helper()
	return &harness{
		ilert:    ilerttest.NewServer(t, opts...),
		alertops: alertopstest.NewServer(t),
		spool:    filepath.Join(t.TempDir(), "spool"),
	}
}

// env is a fixture's environment pointed at the harness. It turns the background retrier
// off (ALERTBRIDGE_RETRIER=off): only the tests of the retrier start one, with
// withRetrier.
func (h *harness) env(t testing.TB, fixture string, extra ...string) []string {
	t.Helper()
	env := loadEnv(t, fixture)
	env = setEnv(env, envILertURL, h.ilert.URL())
	env = setEnv(env, envAlertOpsURL, h.alertops.BaseURL())
	env = setEnv(env, envSpoolDir, h.spool)
	env = setEnv(env, envRetrier, "off")
	for _, e := range extra {
		k, v, _ := strings.Cut(e, "=")
		env = setEnv(env, k, v)
	}
	return env
}

// baseEnv is the environment of a run without a notification (bulk, flush), with the
// retrier off as in env.
func (h *harness) baseEnv(extra ...string) []string {
	env := []string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8", envRetrier + "=off",
		envILertURL + "=" + h.ilert.URL(), envAlertOpsURL + "=" + h.alertops.BaseURL(), envSpoolDir + "=" + h.spool}
	for _, e := range extra {
		k, v, _ := strings.Cut(e, "=")
		env = setEnv(env, k, v)
	}
	return env
}

// outcome of one run of the binary.
type runResult struct {
	out  string // standard output and error, merged as Checkmk merges them
	code int
}

// lastLines returns the last n lines of the output.
func (r runResult) lastLines(n int) []string {
	lines := strings.Split(strings.TrimRight(r.out, "\n"), "\n")
	return lines[max(0, len(lines)-n):]
}

// runBinary runs the notifier with exactly env (no inherited variables), args and stdin,
// and checks that its output holds no secret.
func runBinary(t testing.TB, env []string, stdin string, args ...string) runResult {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running the notifier: %v", err)
	}
	testutil.AssertNoSecret(t, "output of checkmk-notify "+strings.Join(args, " "), out.String(), fixtureSecrets...)
	return runResult{out: out.String(), code: code}
}

// queueFiles lists the files below dir (relative), checking that no name holds a secret.
func queueFiles(t testing.TB, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		testutil.AssertNoSecret(t, "queue file name", rel, fixtureSecrets...)
		if !d.IsDir() {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return files
}

// countFiles counts the queue's files matching pattern (e.g. "pending/*/*.req").
func countFiles(t testing.TB, dir, pattern string) int {
	t.Helper()
	queueFiles(t, dir)
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

// fullFixtures are the complete notification contexts in checkmk/testdata.
func fullFixtures(t testing.TB) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(fixtureDir, "*.env"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range m {
		if n := filepath.Base(p); !strings.HasPrefix(n, "params-") {
			names = append(names, n)
		}
	}
	if len(names) < 10 {
		t.Fatalf("found only %d fixtures in %s", len(names), fixtureDir)
	}
	return names
}

func readFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newBenchHarness is newHarness for benchmarks.
func newBenchHarness(b *testing.B) *harness { return newHarness(b) }

// hostDeliveries reads the events the fake iLert took on its Checkmk endpoint: the hosts in
// the order of their first delivery, and how often each was delivered.
func hostDeliveries(events []ilerttest.CheckmkEvent) (order []string, times map[string]int) {
	times = map[string]int{}
	for _, e := range events {
		host := e.Context["HOSTNAME"]
		if times[host] == 0 {
			order = append(order, host)
		}
		times[host]++
	}
	return order, times
}
