package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/checkmk/checkmktest"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/alertbridge/alertbridge/level"
)

// The test secrets; every log, answer, health report and metrics page is checked for them.
const (
	testILertKey             = "il1api-test-5ecret-0123456789"
	testAlertOpsKey          = "aokey-test-5ecret-9876543210"
	testLevelSecret          = "whsec_test_2f6b1e0c9d8a7b6c5d4e3f2a1b0c9d8e"
	testILertWebhookUser     = "ilert-hook"
	testILertWebhookPassword = "hook-pa55word-7c1e9f0a2b"
	testCheckmkUser          = "automation"
	testCheckmkSecret        = "cmk-aut0mation-5ecret-4f8a1d"
	testCheckmkSite          = "prod"
)

// testSecrets are the secrets the relay's output must never contain.
var testSecrets = []string{testILertKey, testAlertOpsKey, testLevelSecret, testILertWebhookPassword, testCheckmkSecret}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is a relay served by httptest, with fake iLert and AlertOps (and Checkmk, for
// two-way sync) and captured logs.
type harness struct {
	t       testing.TB
	cfg     config
	srv     *server
	relay   *httptest.Server
	url     string // the relay's base URL
	ilert   *ilerttest.Server
	ao      *alertopstest.Server
	checkmk *checkmktest.Server // nil without two-way sync
	logs    *syncBuffer
}

// testConfig returns the configuration the relay gets from the command line and the
// environment in a typical installation, pointed at the fakes; mutate adjusts it.
func testConfig(t testing.TB, il *ilerttest.Server, ao *alertopstest.Server) config {
	t.Helper()
	return testConfigWith(t, il, ao, nil)
}

// testConfigWith is testConfig with the fake Checkmk's API for two-way sync, when ck is
// not nil.
func testConfigWith(t testing.TB, il *ilerttest.Server, ao *alertopstest.Server, ck *checkmktest.Server) config {
	t.Helper()
	env := map[string]string{
		"ALERTBRIDGE_ILERT_KEY":    testILertKey,
		"ALERTBRIDGE_ALERTOPS_URL": ao.URL(testAlertOpsKey, "Relay"),
		"ALERTBRIDGE_LEVEL_SECRET": testLevelSecret,
		"ALERTBRIDGE_QUEUE_DIR":    t.TempDir(),
		"ALERTBRIDGE_ILERT_URL":    il.URL(),
	}
	if ck != nil {
		env["ALERTBRIDGE_CHECKMK_URL"] = ck.URL()
		env["ALERTBRIDGE_CHECKMK_USER"] = testCheckmkUser
		env["ALERTBRIDGE_CHECKMK_SECRET"] = testCheckmkSecret
		env["ALERTBRIDGE_ILERT_WEBHOOK_USER"] = testILertWebhookUser
		env["ALERTBRIDGE_ILERT_WEBHOOK_PASSWORD"] = testILertWebhookPassword
	}
	cfg, err := parseConfig([]string{"-deliver-wait", "5s", "-max-backoff", "20ms", "-log-level", "debug"},
		func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatalf("parseConfig: %v", err)
	}
	return cfg
}

// newHarness starts a relay; mutate, if not nil, changes its configuration first. At the
// end of the test it closes the relay and checks that no secret reached the logs.
func newHarness(t testing.TB, mutate func(*config)) *harness {
	t.Helper()
	return startHarness(t, false, mutate)
}

// newTwoWayHarness starts a relay with two-way sync to a fake Checkmk whose site is
// testCheckmkSite, with every host and service in a problem state unless the test adds
// them otherwise.
func newTwoWayHarness(t testing.TB, mutate func(*config)) *harness {
	t.Helper()
	return startHarness(t, true, mutate)
}

func startHarness(t testing.TB, twoWay bool, mutate func(*config)) *harness {
	t.Helper()
	h := &harness{t: t, ilert: ilerttest.NewServer(t), ao: alertopstest.NewServer(t), logs: &syncBuffer{}}
	if twoWay {
		h.checkmk = checkmktest.NewServer(t, checkmktest.WithSite(testCheckmkSite),
			checkmktest.WithCredentials(testCheckmkUser, testCheckmkSecret), checkmktest.AnyObjectHasProblem())
	}
	h.cfg = testConfigWith(t, h.ilert, h.ao, h.checkmk)
	if mutate != nil {
		mutate(&h.cfg)
	}
	h.start()
	t.Cleanup(func() {
		h.stop()
		h.assertNoSecret("logs", h.logs.String())
		if testing.Verbose() {
			t.Logf("relay log:\n%s", h.logs.String())
		}
	})
	return h
}

// start starts the relay with h.cfg.
func (h *harness) start() {
	h.t.Helper()
	lvl, err := parseLogLevel(h.cfg.LogLevel)
	if err != nil {
		h.t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: lvl}))
	srv, err := newServer(context.Background(), h.cfg, logger)
	if err != nil {
		h.t.Fatalf("newServer: %v", err)
	}
	h.srv = srv
	h.relay = httptest.NewServer(srv.handler)
	h.url = h.relay.URL
}

// stop shuts the relay down (the fakes keep running); start starts it again on the same
// queue.
func (h *harness) stop() {
	h.t.Helper()
	if h.srv == nil {
		return
	}
	h.relay.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.srv.close(ctx); err != nil {
		h.t.Errorf("close: %v", err)
	}
	h.srv = nil
}

// assertNoSecret fails the test if s contains a test secret.
func (h *harness) assertNoSecret(what, s string) {
	h.t.Helper()
	testutil.AssertNoSecret(h.t, what, s, testSecrets...)
}

// samples returns the embedded webhooks, Level ones signed with the test secret.
func (h *harness) samples() []sample {
	h.t.Helper()
	s, err := loadSamples(level.Secret(testLevelSecret))
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// post sends a sample and returns the status and the answer's first line.
func (h *harness) post(s sample) (int, string) {
	h.t.Helper()
	status, line, err := s.post(http.DefaultClient, h.url, h.cfg)
	if err != nil {
		h.t.Fatalf("post %s: %v", s.name, err)
	}
	h.assertNoSecret("answer", line)
	return status, line
}

// do sends an arbitrary request to the relay.
func (h *harness) do(method, path string, header http.Header, body string) (int, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	h.assertNoSecret("answer", string(b))
	return res.StatusCode, string(b)
}

// postILert posts an iLert alert webhook with the Basic credentials user and password
// (none when user is "") and returns the status and the answer.
func (h *harness) postILert(body, user, password string) (int, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.url+h.cfg.ILertPath, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("POST %s: %v", h.cfg.ILertPath, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	h.assertNoSecret("answer", string(b))
	return res.StatusCode, string(b)
}

// postILertAuth posts an iLert webhook with the right credentials and fails the test
// unless it is answered 200.
func (h *harness) postILertAuth(body string) string {
	h.t.Helper()
	status, answer := h.postILert(body, testILertWebhookUser, testILertWebhookPassword)
	if status != http.StatusOK {
		h.t.Fatalf("iLert webhook answered %d %q, want 200", status, answer)
	}
	return answer
}

// metrics returns the /metrics page.
func (h *harness) metrics() string {
	h.t.Helper()
	status, body := h.do(http.MethodGet, metricsPath, nil, "")
	if status != http.StatusOK {
		h.t.Fatalf("/metrics answered %d: %s", status, body)
	}
	return body
}

// health returns the decoded /healthz report.
func (h *harness) health() (healthReport, int) {
	h.t.Helper()
	status, body := h.do(http.MethodGet, healthPath, nil, "")
	var rep healthReport
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		h.t.Fatalf("healthz body %q: %v", body, err)
	}
	return rep, status
}

// waitDelivered waits until nothing is queued and every destination is up.
func (h *harness) waitDelivered() {
	h.t.Helper()
	if err := waitEmpty(context.Background(), h.srv, 20*time.Second); err != nil {
		rep, _ := h.health()
		h.t.Fatalf("%v; health: %+v", err, rep)
	}
}

// sampleNamed returns the sample with the given file name.
func sampleNamed(t testing.TB, all []sample, name string) sample {
	t.Helper()
	for _, s := range all {
		if s.name == name {
			return s
		}
	}
	t.Fatalf("no sample %s", name)
	return sample{}
}
