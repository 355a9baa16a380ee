package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/spool"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// heldRequest is a webhook whose headers and body but its last byte are sent.
type heldRequest struct {
	t    *testing.T
	conn net.Conn
	rest []byte
}

// holdRequest posts body to the relay at base+path slowly: everything but the last byte,
// then nothing until finish.
func holdRequest(t *testing.T, base, path string, header http.Header, body []byte) *heldRequest {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var head bytes.Buffer
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", path, u.Host, len(body))
	for k, vs := range header {
		for _, v := range vs {
			fmt.Fprintf(&head, "%s: %s\r\n", k, v)
		}
	}
	head.WriteString("\r\n")
	head.Write(body[:len(body)-1])
	if _, err := conn.Write(head.Bytes()); err != nil {
		t.Fatal(err)
	}
	return &heldRequest{t: t, conn: conn, rest: body[len(body)-1:]}
}

// finish sends the last byte and returns the answer's status.
func (r *heldRequest) finish() int {
	r.t.Helper()
	if _, err := r.conn.Write(r.rest); err != nil {
		r.t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(r.conn), nil)
	if err != nil {
		r.t.Fatal(err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

// waitInFlight waits until n webhooks are in progress.
func waitInFlight(t *testing.T, h *harness, n int) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); h.srv.limit.inFlight() != n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d webhooks in progress, want %d", h.srv.limit.inFlight(), n)
		}
	}
}

// postRaw posts a sample and returns the whole answer.
func postRaw(t *testing.T, h *harness, s sample, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.url+h.cfg.HealthchecksPath, bytes.NewReader(s.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = s.header.Clone()
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(b))
	return res
}

// TestInFlightLimit: beyond -max-in-flight webhooks in progress the relay answers 503
// with Retry-After: 5 at once, queues nothing for it, and still answers /healthz; the
// webhooks in progress finish normally.
func TestInFlightLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config) { c.MaxInFlight = 2; c.AlertOpsURL = "" })
	s := sampleNamed(t, h.samples(), "simple-down.json")
	held := []*heldRequest{
		holdRequest(t, h.url, h.cfg.HealthchecksPath, s.header, s.body),
		holdRequest(t, h.url, h.cfg.HealthchecksPath, s.header, s.body),
	}
	waitInFlight(t, h, 2)
	res := postRaw(t, h, s, nil)
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "5" || !res.Close {
		t.Errorf("third webhook: %d, Retry-After %q, close %v; want 503, 5, true", res.StatusCode, res.Header.Get("Retry-After"), res.Close)
	}
	if !strings.Contains(string(body), "too many webhooks in progress") {
		t.Errorf("answer %q", body)
	}
	if _, status := h.health(); status != http.StatusOK {
		t.Errorf("/healthz answered %d while the webhooks are at their limit", status)
	}
	if n, _ := h.srv.queue.Len(context.Background(), destILert); n != 0 {
		t.Errorf("%d requests queued before the held webhooks finished, want 0", n)
	}
	for i, r := range held {
		if status := r.finish(); status != http.StatusOK {
			t.Errorf("held webhook %d answered %d, want 200", i, status)
		}
	}
	if got := h.srv.met.shed.get(sourceHealthchecks); got != 1 {
		t.Errorf("refused counter = %v, want 1", got)
	}
	if status, line := h.post(s); status != http.StatusOK {
		t.Errorf("after the limit freed: %d %s, want 200", status, line)
	}
	if n := len(h.ilert.Events()); n != 3 {
		t.Errorf("iLert got %d events, want 3 (the refused one not)", n)
	}
}

// TestInFlightBytes: webhooks count by their declared size (the endpoint's limit without
// a Content-Length) against -max-in-flight-bytes.
func TestInFlightBytes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config) {
		c.MaxInFlight, c.MaxInFlightBytes = 0, 8192
		c.HealthchecksMaxBody, c.LevelMaxBody, c.ILertMaxBody = 8192, 8192, 8192
		c.AlertOpsURL = ""
	})
	s := sampleNamed(t, h.samples(), "simple-down.json")
	big := paddedHealthchecksBody(6000)
	held := holdRequest(t, h.url, h.cfg.HealthchecksPath, s.header, big)
	waitInFlight(t, h, 1)
	if res := postRaw(t, h, sample{header: s.header, body: paddedHealthchecksBody(3000)}, nil); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("3000 bytes beside 6000 of 8192: %d, want 503", res.StatusCode)
	}
	// A chunked body counts as the largest Healthchecks body.
	req, _ := http.NewRequest(http.MethodPost, h.url+h.cfg.HealthchecksPath, io.MultiReader(bytes.NewReader(s.body)))
	req.Header = s.header.Clone()
	req.ContentLength = -1
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("chunked body beside 6000 of 8192: %d, want 503", res.StatusCode)
	}
	if res := postRaw(t, h, s, nil); res.StatusCode != http.StatusOK {
		t.Errorf("%d bytes beside 6000 of 8192: %d, want 200", len(s.body), res.StatusCode)
	}
	if status := held.finish(); status != http.StatusOK {
		t.Errorf("held webhook answered %d", status)
	}
}

// TestHealthchecksLongDescription: a check whose description $JSON escapes to more than
// 64 KiB (Cyrillic, \uXXXX) is taken with the default limit of 1 MiB.
func TestHealthchecksLongDescription(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config) { c.AlertOpsURL = "" })
	s := sampleNamed(t, h.samples(), "simple-down.json")
	body := paddedHealthchecksBody(300 << 10)
	if res := postRaw(t, h, sample{header: s.header, body: body}, nil); res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("%d-byte webhook: %d %s, want 200", len(body), res.StatusCode, b)
	}
	if ev := h.ilert.Events(); len(ev) != 1 || !strings.Contains(ev[0].Details, "ЖЖЖ") {
		t.Errorf("iLert events = %d, want the check with its description", len(ev))
	}
}

// TestQueueDirRefused: a queue directory the queue package cannot use keeps the relay
// from starting, with exit code 2 and the reason.
func TestQueueDirRefused(t *testing.T) {
	t.Parallel()
	notADir := filepath.Join(t.TempDir(), "queue")
	if err := os.WriteFile(notADir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ALERTBRIDGE_ILERT_KEY": testILertKey, "ALERTBRIDGE_QUEUE_DIR": notADir,
		"ALERTBRIDGE_LISTEN": "127.0.0.1:0", "ALERTBRIDGE_LEVEL_PATH": "off"}
	var stdout, stderr bytes.Buffer
	if got := run(context.Background(), nil, environOf(env), nil, &stdout, &stderr); got != 2 {
		t.Errorf("exit code %d, want 2; stderr:\n%s", got, stderr.String())
	}
	for _, want := range []string{"the queue directory " + notADir + " cannot be used", "not a directory", "-queue-dir"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	testutil.AssertNoSecret(t, "stderr", stderr.String(), testILertKey)
}

// TestHealthzLastErrorCut: /healthz needs no authentication, so the last error is cut to
// 200 characters however long the upstream's answer, and holds no secret.
func TestHealthzLastErrorCut(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config) { c.DeliverWait = 0; c.AlertOpsURL = "" })
	h.ilert.FailNext(1000, ilerttest.Failure{Status: http.StatusBadGateway,
		Body: `<html>` + strings.Repeat("proxy error page ", 200) + testILertKey + `</html>`})
	h.post(sampleNamed(t, h.samples(), "simple-down.json"))
	var rep healthReport
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if rep, _ = h.health(); rep.Destinations[0].State == "retrying" {
			break
		}
	}
	last := rep.Destinations[0].LastError
	if n := utf8.RuneCountInString(last); n == 0 || n > maxReasonLen || !strings.Contains(last, "502") {
		t.Errorf("last_error has %d characters, want 1 to %d with the status: %q", n, maxReasonLen, last)
	}
	if strings.Count(last, "proxy error page") > 10 {
		t.Errorf("last_error carries the upstream's page: %q", last)
	}
}

// TestOrphanQueues: requests queued for a destination that is no longer configured are
// listed by /healthz and /metrics and named in a warning at start, with how to deliver
// or remove them; the Checkmk notifier's queues in the same directory are not the
// relay's and are not listed.
func TestOrphanQueues(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	q, err := spool.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := delivery.ILert(ilert.Event{IntegrationKey: testILertKey, EventType: ilert.EventTypeAlert,
		AlertKey: "healthchecks/x", Summary: "down"}).Encode()
	if err != nil {
		t.Fatal(err)
	}
	for _, dest := range []string{destILert, destILert, "ilert-0123456789ab"} {
		if _, err := q.Enqueue(context.Background(), dest, payload); err != nil {
			t.Fatal(err)
		}
	}
	// The relay now forwards to AlertOps only.
	h := newHarness(t, func(c *config) { c.QueueDir, c.ILertKey = dir, "" })
	rep, _ := h.health()
	want := []orphanHealth{{Name: destILert, Queued: 2, Hint: "to deliver them, set ALERTBRIDGE_ILERT_KEY (the requests keep the key they were queued with) and restart the relay; to drop them, remove " + filepath.Join(dir, "pending", destILert)}}
	if rep.Status != "degraded" || len(rep.Orphaned) != 1 || rep.Orphaned[0] != want[0] {
		t.Errorf("health = %+v, want degraded with %+v", rep, want)
	}
	if !strings.Contains(h.logs.String(), `level=WARN msg="requests wait for a destination that is not configured" destination=ilert queued=2`) {
		t.Errorf("no warning at start:\n%s", h.logs)
	}
	if m := h.metrics(); !strings.Contains(m, `alertbridge_relay_queue_length{destination="ilert"} 2`) || strings.Contains(m, "ilert-0123456789ab") {
		t.Errorf("metrics do not show the orphaned queue alone:\n%s", m)
	}
}
