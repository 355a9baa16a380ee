package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/healthchecks"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/spool"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/alertbridge/alertbridge/level"
)

// want returns what the fakes must receive for a sample, built with the packages'
// mapping functions and passed through JSON as the fakes decode it; ok is false for a
// webhook that is acknowledged and dropped.
func want(t *testing.T, s sample) (e ilert.Event, a alertopstest.Received, ok bool) {
	t.Helper()
	switch s.source {
	case "healthchecks":
		n, err := healthchecks.Parse(s.header, s.body)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if e, err = healthchecks.ToILert(n); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if a.Alert, err = healthchecks.ToAlertOps(n); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	case "level":
		ev, err := level.Decode(s.body)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !ev.Type.IsAlert() {
			return e, a, false
		}
		if e, err = level.ToILert(ev); err != nil {
			t.Fatal(err)
		}
		if a.Alert, err = level.ToAlertOps(ev); err != nil {
			t.Fatal(err)
		}
	}
	e.IntegrationKey = testILertKey
	e, _ = e.Normalize()
	a.Key, a.Integration = testAlertOpsKey, "Relay"
	return viaJSON(t, e), viaJSON(t, a), true
}

// viaJSON encodes and decodes v, as the wire and the fakes do.
func viaJSON[T any](t *testing.T, v T) T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// ignoreReceiptTime ignores AlertOps timestamps of Healthchecks alerts, which are the
// time the relay received the webhook.
var ignoreReceiptTime = cmp.FilterPath(func(p cmp.Path) bool {
	return p.Last().String() == ".Timestamp"
}, cmp.Ignore())

func TestForwardsEverySample(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	var wantILert []ilert.Event
	var wantAO []alertopstest.Received
	for _, s := range h.samples() {
		status, line := h.post(s)
		e, a, ok := want(t, s)
		if status != http.StatusOK {
			t.Errorf("%s: answered %d %s, want 200", s.name, status, line)
		}
		if ok {
			wantILert, wantAO = append(wantILert, e), append(wantAO, a)
		}
	}
	// Every webhook waited for its delivery (-deliver-wait 5s), so the fakes already
	// have everything, in the order posted.
	if diff := cmp.Diff(wantILert, h.ilert.Events(), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("iLert events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantAO, h.ao.Alerts(), cmpopts.EquateEmpty(), ignoreReceiptTime); diff != "" {
		t.Errorf("AlertOps alerts (-want +got):\n%s", diff)
	}
	for _, a := range h.ao.Alerts() {
		if a.Alert.Timestamp.IsZero() {
			t.Errorf("AlertOps alert %s has no timestamp", a.Alert.EventKey)
		}
	}
	if n := strings.Count(h.logs.String(), "ilert=sent alertops=sent"); n != len(wantILert) {
		t.Errorf("%d request log lines say sent to both, want %d:\n%s", n, len(wantILert), h.logs)
	}
	if !strings.Contains(h.logs.String(), `event=device_updated result="ignored (not an alert)"`) {
		t.Errorf("the ignored Level event is not logged as such:\n%s", h.logs)
	}
}

func TestRejectsBadWebhooks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config) { c.HealthchecksMaxBody = 2048; c.LevelMaxBody = 2048 })
	all := h.samples()
	hc := sampleNamed(t, all, "simple-down.json")
	lv := sampleNamed(t, all, "alert_active.inferred.json")
	big := `{"name": "` + strings.Repeat("x", 4096) + `"}`
	json := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name, method, path string
		header             http.Header
		body               string
		want               int
	}{
		{"healthchecks GET", http.MethodGet, "/healthchecks", nil, "", http.StatusMethodNotAllowed},
		{"healthchecks DELETE", http.MethodDelete, "/healthchecks", hc.header, string(hc.body), http.StatusMethodNotAllowed},
		{"healthchecks without Check-Status", http.MethodPost, "/healthchecks", json, string(hc.body), http.StatusBadRequest},
		{"healthchecks bad status", http.MethodPost, "/healthchecks", http.Header{"Check-Status": {"sideways"}}, string(hc.body), http.StatusUnprocessableEntity},
		{"healthchecks not JSON", http.MethodPost, "/healthchecks", hc.header, "name=x", http.StatusBadRequest},
		{"healthchecks oversize", http.MethodPost, "/healthchecks", hc.header, big, http.StatusRequestEntityTooLarge},
		{"level GET", http.MethodGet, "/level", nil, "", http.StatusMethodNotAllowed},
		{"level unsigned", http.MethodPost, "/level", json, string(lv.body), http.StatusUnauthorized},
		{"level wrong secret", http.MethodPost, "/level", http.Header{level.SignatureHeader: {level.Sign(lv.body, level.Secret("wrong-secret"))}}, string(lv.body), http.StatusUnauthorized},
		{"level signature of another body", http.MethodPost, "/level", http.Header{level.SignatureHeader: {lv.header.Get(level.SignatureHeader)}}, string(lv.body) + " ", http.StatusUnauthorized},
		{"level oversize", http.MethodPost, "/level", lv.header, big, http.StatusRequestEntityTooLarge},
		{"level signed garbage", http.MethodPost, "/level", http.Header{level.SignatureHeader: {level.Sign([]byte("[1]"), level.Secret(testLevelSecret))}}, "[1]", http.StatusBadRequest},
		{"healthz POST", http.MethodPost, healthPath, nil, "", http.StatusMethodNotAllowed},
		{"unknown path", http.MethodPost, "/ilert", hc.header, string(hc.body), http.StatusNotFound},
	}
	for _, tt := range tests {
		if got, body := h.do(tt.method, tt.path, tt.header, tt.body); got != tt.want {
			t.Errorf("%s: answered %d %q, want %d", tt.name, got, body, tt.want)
		}
	}
	if n := len(h.ilert.Requests()) + len(h.ao.Requests()); n != 0 {
		t.Errorf("the fakes got %d requests for rejected webhooks, want 0", n)
	}
	for _, dest := range []string{destILert, destAlertOps} {
		if n, err := h.srv.queue.Len(context.Background(), dest); err != nil || n != 0 {
			t.Errorf("queue %s holds %d (%v), want 0", dest, n, err)
		}
	}
	if !strings.Contains(h.logs.String(), "status=401") || !strings.Contains(h.logs.String(), "err=") {
		t.Errorf("rejections are not logged with status and reason:\n%s", h.logs)
	}
}

// TestOutageThenRecovery posts webhooks while both destinations fail, then lets them
// recover: every webhook is answered 200 at once, and each destination receives every
// event exactly once, in the order posted.
func TestOutageThenRecovery(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config) { c.DeliverWait = 0 })
	h.ilert.FailNext(3, ilerttest.Failure{Reset: true})
	h.ilert.FailNext(3, ilerttest.Failure{Status: http.StatusServiceUnavailable})
	h.ao.FailNext(5, alertopstest.Failure{Status: http.StatusBadGateway})

	var wantILert []ilert.Event
	var wantAO []alertopstest.Received
	for round := range 3 {
		for _, s := range h.samples() {
			if status, line := h.post(s); status != http.StatusOK {
				t.Fatalf("round %d %s: answered %d %s", round, s.name, status, line)
			}
			if e, a, ok := want(t, s); ok {
				wantILert, wantAO = append(wantILert, e), append(wantAO, a)
			}
		}
	}
	h.waitDelivered()
	if diff := cmp.Diff(wantILert, h.ilert.Events(), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("iLert events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantAO, h.ao.Alerts(), cmpopts.EquateEmpty(), ignoreReceiptTime); diff != "" {
		t.Errorf("AlertOps alerts (-want +got):\n%s", diff)
	}
	if got, want := len(h.ilert.Requests()), len(wantILert)+6; got != want {
		t.Errorf("iLert got %d requests, want %d (each event once, plus the 6 failed attempts)", got, want)
	}
	if !strings.Contains(h.logs.String(), "destination failing") || !strings.Contains(h.logs.String(), "destination up again") {
		t.Errorf("the outage is not logged:\n%s", h.logs)
	}
}

func TestQueueUnwritable(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config) { c.AlertOpsURL = "" })
	// A file where the destination's directory belongs: no enqueue can succeed, even as
	// root (which file permissions would not stop).
	pending := filepath.Join(h.cfg.QueueDir, "pending", destILert)
	if err := os.RemoveAll(pending); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pending, []byte("in the way"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := sampleNamed(t, h.samples(), "simple-down.json")
	if status, line := h.post(s); status != http.StatusServiceUnavailable {
		t.Errorf("answered %d %s, want 503 so that Healthchecks retries", status, line)
	}
	lv := sampleNamed(t, h.samples(), "alert_active.inferred.json")
	if status, line := h.post(lv); status != http.StatusServiceUnavailable {
		t.Errorf("Level: answered %d %s, want 503 so that Level retries", status, line)
	}
	if n := len(h.ilert.Requests()); n != 0 {
		t.Errorf("iLert got %d requests, want 0", n)
	}
	if _, status := h.health(); status != http.StatusServiceUnavailable {
		t.Errorf("/healthz answered %d, want 503", status)
	}
	if !strings.Contains(h.logs.String(), "ilert=\"not queued\"") {
		t.Errorf("the failed enqueue is not logged:\n%s", h.logs)
	}
}

func TestRejectedRequestMovesToFailed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config) { c.AlertOpsURL = "" })
	// iLert rejects the first event and echoes the key in its body, with a long text.
	h.ilert.FailNext(1, ilerttest.Failure{Status: http.StatusUnauthorized,
		Body: `{"message":"bad key ` + testILertKey + `: ` + strings.Repeat("upstream detail ", 40) + `"}`})
	all := h.samples()
	// Rejected within -deliver-wait: 422 with the reason, which Healthchecks shows.
	down := sampleNamed(t, all, "simple-down.json")
	status, answer := h.do(http.MethodPost, h.cfg.HealthchecksPath, down.header, string(down.body))
	if status != http.StatusUnprocessableEntity || !strings.Contains(answer, "ilert rejected the event") || !strings.Contains(answer, "401 Unauthorized") {
		t.Errorf("rejected webhook: answered %d %q, want 422 with the reason", status, answer)
	}
	const prefix = "ilert rejected the event: "
	if i := strings.Index(answer, prefix); i < 0 || utf8.RuneCountInString(strings.TrimSpace(answer[i+len(prefix):])) > maxReasonLen {
		t.Errorf("the reason in the answer is longer than %d characters: %q", maxReasonLen, answer)
	}
	if strings.Count(answer, "upstream detail") > 10 {
		t.Errorf("the answer carries iLert's whole body: %q", answer)
	}
	if status, line := h.post(sampleNamed(t, all, "cron-up.json")); status != http.StatusOK {
		t.Fatalf("cron-up.json: answered %d %s", status, line)
	}
	failed, err := h.srv.queue.Failed(context.Background())
	if err != nil || len(failed) != 1 {
		t.Fatalf("Failed() = %+v, %v; want one request", failed, err)
	}
	if !strings.Contains(failed[0].Reason, "401 Unauthorized") {
		t.Errorf("reason = %q, want the 401", failed[0].Reason)
	}
	h.assertNoSecret("failed reason", failed[0].Reason)
	if got := len(h.ilert.Events()); got != 1 {
		t.Errorf("iLert accepted %d events, want 1 (the one after the rejected)", got)
	}
	rep, _ := h.health()
	if diff := cmp.Diff([]destinationHealth{{Name: destILert, State: "up", Failed: 1, Delivered: 1, Rejected: 1}}, rep.Destinations); diff != "" {
		t.Errorf("health (-want +got):\n%s", diff)
	}
}

func TestRateLimitHoldsDestination(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config) { c.AlertOpsURL = "" })
	h.ilert.FailNext(1, ilerttest.Failure{Status: http.StatusTooManyRequests})
	start := time.Now()
	if status, line := h.post(sampleNamed(t, h.samples(), "simple-down.json")); status != http.StatusOK {
		t.Fatalf("answered %d %s, want 200 (queued)", status, line)
	}
	// Let the relay record its state after the flush that hit the rate limit.
	var rep healthReport
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if rep, _ = h.health(); rep.Destinations[0].State != "up" {
			break
		}
	}
	d := rep.Destinations[0]
	if rep.Status != "degraded" || d.State != "retrying" || d.Queued != 1 || d.RetryAt == nil {
		t.Fatalf("health = %+v, want ilert retrying with 1 queued", rep)
	}
	if wait := d.RetryAt.Sub(start); wait < spool.MinHold-time.Second {
		t.Errorf("retry at %v after the 429, want at least %v", wait, spool.MinHold)
	}
	until, err := h.srv.queue.HeldUntil(context.Background(), destILert)
	if err != nil || until.IsZero() {
		t.Errorf("HeldUntil = %v, %v; want a hold", until, err)
	}
	if !strings.Contains(d.LastError, "429") {
		t.Errorf("last_error = %q, want the 429", d.LastError)
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config) { c.DeliverWait = 0 })
	h.ilert.FailNext(1000, ilerttest.Failure{Status: http.StatusBadGateway})
	all := h.samples()
	for _, name := range []string{"simple-down.json", "cron-up.json"} {
		h.post(sampleNamed(t, all, name))
	}
	var rep healthReport
	var status int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if rep, status = h.health(); rep.Destinations[0].State == "retrying" && rep.Destinations[1].Queued == 0 {
			break
		}
	}
	if status != http.StatusOK {
		t.Errorf("/healthz answered %d, want 200 (the relay still takes webhooks)", status)
	}
	if rep.Status != "degraded" {
		t.Errorf("status = %q, want degraded", rep.Status)
	}
	got := rep.Destinations
	if len(got) != 2 {
		t.Fatalf("destinations = %+v", got)
	}
	if got[0].Name != destILert || got[0].State != "retrying" || got[0].Queued != 2 || !strings.Contains(got[0].LastError, "502") {
		t.Errorf("ilert = %+v, want retrying with 2 queued after a 502", got[0])
	}
	if got[1].Name != destAlertOps || got[1].State != "up" || got[1].Queued != 0 || got[1].Delivered != 2 {
		t.Errorf("alertops = %+v, want up with 2 delivered", got[1])
	}
}

// TestGracefulShutdown stops the relay while a webhook is being handled and its delivery
// is in flight: the webhook is answered 200, and the last flush delivers it.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	il := ilerttest.NewServer(t)
	ao := alertopstest.NewServer(t)
	cfg := testConfig(t, il, ao)
	cfg.Listen = "127.0.0.1:0"
	cfg.AlertOpsURL = ""
	cfg.DeliverWait = 2 * time.Second
	cfg.MaxBackoff = time.Minute // only the last flush can deliver in time
	il.FailNext(1, ilerttest.Failure{Status: http.StatusServiceUnavailable, Delay: 300 * time.Millisecond})
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	served := make(chan error, 1)
	go func() {
		served <- serve(ctx, cfg, slog.New(slog.NewTextHandler(logs, nil)), func(a string) { addr <- a })
	}()
	base := "http://" + <-addr

	s := sampleNamed(t, mustSamples(t), "simple-down.json")
	var wg sync.WaitGroup
	var status int
	var postErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		status, _, postErr = s.post(http.DefaultClient, base, cfg)
	}()
	for len(il.Requests()) == 0 { // the delivery is in flight
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if postErr != nil || status != http.StatusOK {
		t.Errorf("in-flight webhook: %d, %v; want 200", status, postErr)
	}
	if n := len(il.Events()); n != 1 {
		t.Errorf("iLert accepted %d events, want 1 (by the last flush)", n)
	}
	q, err := spool.Open(context.Background(), cfg.QueueDir)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := q.Len(context.Background(), destILert); err != nil || n != 0 {
		t.Errorf("%d requests left queued (%v), want 0", n, err)
	}
	testutil.AssertNoSecret(t, "logs", logs.String(), testILertKey, testLevelSecret)
	if !strings.Contains(logs.String(), "shutting down") || !strings.Contains(logs.String(), "msg=stopped") {
		t.Errorf("shutdown not logged:\n%s", logs)
	}
}

func mustSamples(t *testing.T) []sample {
	t.Helper()
	s, err := loadSamples(level.Secret(testLevelSecret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
