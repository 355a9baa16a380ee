package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/checkmk/checkmktest"
)

// The iLert webhook bodies in testdata/ilert are copies of ilert/testdata/webhook: the
// fields of iLert's documented sample body (id, status, eventType, alertKey, alertSource,
// assignedTo) composed into the events two-way sync acts on; comment and eventId are
// INFERRED (see ilert/testdata/webhook/README.md).

// ilertBody returns a webhook body from testdata/ilert with the given top-level fields
// replaced (nil removes one).
func ilertBody(t *testing.T, name string, set map[string]any) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ilert", name))
	if err != nil {
		t.Fatal(err)
	}
	if len(set) == 0 {
		return string(b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range set {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// ackWant is an acknowledgement as the fake Checkmk records it.
func ackWant(host, service, comment string) checkmktest.Acknowledgement {
	return checkmktest.Acknowledgement{Host: host, Service: service, Comment: comment, Sticky: true, User: testCheckmkUser}
}

func TestILertAcceptAcknowledges(t *testing.T) {
	t.Parallel()
	h := newTwoWayHarness(t, nil)
	if answer := h.postILertAuth(ilertBody(t, "accepted-service.json", nil)); !strings.Contains(answer, "ok") {
		t.Errorf("answer %q, want ok", answer)
	}
	h.postILertAuth(ilertBody(t, "accepted-host.json", nil))
	// -deliver-wait 5s: the calls are made before the answers.
	want := []checkmktest.Acknowledgement{
		ackWant("web01", "Filesystem /var", "Accepted in iLert by Jane Doe"),
		ackWant("db02", "", "Accepted in iLert by oncall-bot"),
	}
	if diff := cmp.Diff(want, h.checkmk.Acknowledgements(), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("acknowledgements (-want +got):\n%s", diff)
	}
	reqs := h.checkmk.Requests()
	if len(reqs) != 2 || !strings.HasSuffix(reqs[0].Path, "/prod/check_mk/api/1.0/domain-types/acknowledge/collections/service") ||
		!strings.HasSuffix(reqs[1].Path, "/domain-types/acknowledge/collections/host") {
		t.Fatalf("Checkmk requests: %+v", reqs)
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	// The flags as sent: sticky, not persistent, and no notification, so that Checkmk
	// sends no ACKNOWLEDGEMENT back to iLert for the alert accepted there.
	wantBody := map[string]any{"acknowledge_type": "service", "host_name": "web01", "service_description": "Filesystem /var",
		"comment": "Accepted in iLert by Jane Doe", "sticky": true, "persistent": false, "notify": false}
	if diff := cmp.Diff(wantBody, body); diff != "" {
		t.Errorf("acknowledgement body (-want +got):\n%s", diff)
	}
	if !strings.Contains(h.logs.String(), `action=acknowledge object="prod/web01/Filesystem /var"`) || !strings.Contains(h.logs.String(), "checkmk=sent") {
		t.Errorf("the request log does not show the action and its result:\n%s", h.logs)
	}
}

func TestILertCommentComments(t *testing.T) {
	t.Parallel()
	h := newTwoWayHarness(t, func(c *config) {
		c.AlertURLTemplate = "https://acme.ilert.com/alert/view?id={id}"
		c.Persistent = true
	})
	h.postILertAuth(ilertBody(t, "comment-added.json", nil))
	h.postILertAuth(ilertBody(t, "comment-added.json", map[string]any{"alertKey": "prod/db02", "eventId": "other-event",
		"comment": map[string]any{"content": "Disk replaced\nrebooting", "creator": "Max Mustermann"}}))
	got := h.checkmk.Comments()
	if len(got) != 2 {
		t.Fatalf("comments = %+v, want 2", got)
	}
	want := []checkmktest.Comment{
		{Host: "web01", Service: "Filesystem /var", Persistent: true, Author: testCheckmkUser,
			Text: "Comment in iLert by Jane Doe: Rotating logs, back in 10 minutes (https://acme.ilert.com/alert/view?id=12797431)"},
		{Host: "db02", Persistent: true, Author: testCheckmkUser,
			Text: "Comment in iLert by Max Mustermann: Disk replaced rebooting (https://acme.ilert.com/alert/view?id=12797431)"},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(checkmktest.Comment{}, "ID", "EntryTime")); diff != "" {
		t.Errorf("comments (-want +got):\n%s", diff)
	}
	if n := len(h.checkmk.Acknowledgements()); n != 0 {
		t.Errorf("%d acknowledgements for comments, want 0", n)
	}
}

// TestILertCheckmkDownThenDelivered: while Checkmk fails, iLert's webhooks are answered
// 200 once queued; when Checkmk is back every call is made once, in the order of the
// webhooks (an acknowledgement before the comment on the same service).
func TestILertCheckmkDownThenDelivered(t *testing.T) {
	t.Parallel()
	h := newTwoWayHarness(t, func(c *config) { c.DeliverWait = 0 })
	h.checkmk.FailNext(2, checkmktest.Failure{Status: http.StatusServiceUnavailable})
	h.checkmk.FailNext(1, checkmktest.Failure{Reset: true})
	bodies := []string{
		ilertBody(t, "accepted-service.json", nil),
		ilertBody(t, "comment-added.json", nil),
		ilertBody(t, "accepted-host.json", nil),
		ilertBody(t, "comment-added.json", map[string]any{"eventId": "second-comment", "comment": "second comment"}),
	}
	for _, b := range bodies {
		if answer := h.postILertAuth(b); !strings.Contains(answer, "ok") {
			t.Fatalf("answer %q", answer)
		}
	}
	h.waitDelivered()
	var order []string
	for _, r := range h.checkmk.Requests() {
		if r.Status == http.StatusNoContent {
			order = append(order, r.Path[strings.Index(r.Path, "/domain-types/"):])
		}
	}
	want := []string{
		"/domain-types/acknowledge/collections/service", "/domain-types/comment/collections/service",
		"/domain-types/acknowledge/collections/host", "/domain-types/comment/collections/service",
	}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("successful Checkmk calls in order (-want +got):\n%s", diff)
	}
	if n := len(h.checkmk.Requests()); n != 4+3 {
		t.Errorf("Checkmk got %d requests, want 7 (4 calls and the 3 failed attempts)", n)
	}
	comments := h.checkmk.Comments()
	if len(comments) != 2 || !strings.HasSuffix(comments[1].Text, ": second comment") {
		t.Errorf("comments = %+v", comments)
	}
}

func TestILertCredentials(t *testing.T) {
	t.Parallel()
	h := newTwoWayHarness(t, nil)
	body := ilertBody(t, "accepted-service.json", nil)
	for _, tt := range []struct{ name, user, password string }{
		{"missing", "", ""},
		{"wrong password", testILertWebhookUser, "guess"},
		{"wrong user", "admin", testILertWebhookPassword},
		{"password as user", testILertWebhookPassword, testILertWebhookPassword},
	} {
		if status, answer := h.postILert(body, tt.user, tt.password); status != http.StatusUnauthorized {
			t.Errorf("%s credentials: answered %d %q, want 401", tt.name, status, answer)
		}
	}
	if n, err := h.srv.queue.Len(context.Background(), destCheckmk); err != nil || n != 0 {
		t.Errorf("queue checkmk holds %d (%v), want 0", n, err)
	}
	if n := len(h.checkmk.Requests()); n != 0 {
		t.Errorf("Checkmk got %d requests, want 0", n)
	}
	if n := h.srv.seen.len(); n != 0 {
		t.Errorf("%d events recorded as seen, want 0", n)
	}
	if !strings.Contains(h.logs.String(), "status=401") {
		t.Errorf("the refusals are not logged:\n%s", h.logs)
	}
}

// TestILertRetryOneCall: iLert's retries of a webhook, one after the other, at the same
// time, and after a restart of the relay, make one Checkmk call.
func TestILertRetryOneCall(t *testing.T) {
	t.Parallel()
	h := newTwoWayHarness(t, nil)
	body := ilertBody(t, "accepted-service.json", nil)
	h.postILertAuth(body)
	h.postILertAuth(body)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if status, answer := h.postILert(body, testILertWebhookUser, testILertWebhookPassword); status != http.StatusOK {
				t.Errorf("concurrent retry answered %d %q", status, answer)
			}
		})
	}
	wg.Wait()
	h.stop()
	h.start()
	h.postILertAuth(body)
	// Another event on the same alert is not a retry.
	h.postILertAuth(ilertBody(t, "comment-added.json", nil))
	// A new event delivered several times at once: one waits for the other.
	fresh := ilertBody(t, "accepted-host.json", nil)
	for range 5 {
		wg.Go(func() { h.postILertAuth(fresh) })
	}
	wg.Wait()
	h.waitDelivered()
	if n := len(h.checkmk.Acknowledgements()); n != 2 {
		t.Errorf("%d acknowledgements for 7 deliveries of one event and 5 of another, want 2", n)
	}
	if n := len(h.checkmk.Comments()); n != 1 {
		t.Errorf("%d comments, want 1", n)
	}
	if n := strings.Count(h.logs.String(), `result="duplicate: already queued"`); n != 6+4 {
		t.Errorf("%d retries logged as duplicates, want 10:\n%s", n, h.logs)
	}
	if got := h.srv.met.duplicates.get(sourceILert); got != 1+4 {
		t.Errorf("duplicates counter since the restart = %v, want 5", got)
	}
}

// TestILertNoProblemIsBenign: Checkmk's 422 to an acknowledgement of an object without a
// problem is as good as delivered: the webhook is answered 200, nothing goes to failed/.
func TestILertNoProblemIsBenign(t *testing.T) {
	t.Parallel()
	h := newTwoWayHarness(t, nil)
	h.checkmk.AddService("web01", "Filesystem /var", checkmk.ServiceOK)
	h.postILertAuth(ilertBody(t, "accepted-service.json", nil))
	h.waitDelivered()
	if reqs := h.checkmk.Requests(); len(reqs) != 1 || reqs[0].Status != http.StatusUnprocessableEntity {
		t.Fatalf("Checkmk requests = %+v, want one answered 422", reqs)
	}
	if failed, err := h.srv.queue.Failed(context.Background()); err != nil || len(failed) != 0 {
		t.Errorf("failed/ = %+v, %v; want empty", failed, err)
	}
	if !strings.Contains(h.logs.String(), `checkmk="nothing to do"`) {
		t.Errorf("the benign answer is not logged as nothing to do:\n%s", h.logs)
	}
	rep, _ := h.health()
	if d := rep.Destinations[len(rep.Destinations)-1]; d.Name != destCheckmk || d.Delivered != 1 || d.Rejected != 0 {
		t.Errorf("health of checkmk = %+v, want 1 delivered", d)
	}
}

// TestILertRejectedByCheckmk: a call Checkmk rejects for good within -deliver-wait (an
// unknown host, 400) is answered 422 with the reason, and moves to failed/.
func TestILertRejectedByCheckmk(t *testing.T) {
	t.Parallel()
	h := newTwoWayHarness(t, nil)
	h.checkmk.FailNext(1, checkmktest.Failure{Status: http.StatusBadRequest, Title: "Host not found", Detail: "Host 'web01' is not known."})
	status, answer := h.postILert(ilertBody(t, "accepted-service.json", nil), testILertWebhookUser, testILertWebhookPassword)
	if status != http.StatusUnprocessableEntity || !strings.Contains(answer, "checkmk rejected the event") || !strings.Contains(answer, "400 Bad Request") {
		t.Errorf("answered %d %q, want 422 with the reason", status, answer)
	}
	h.waitDelivered() // the answer may come before the queue moved the request
	if failed, err := h.srv.queue.Failed(context.Background()); err != nil || len(failed) != 1 {
		t.Errorf("failed/ = %+v, %v; want the rejected call", failed, err)
	}
	// iLert's retry of a rejected event is tried again (and here accepted), not taken
	// for a duplicate.
	h.postILertAuth(ilertBody(t, "accepted-service.json", nil))
	if n := len(h.checkmk.Acknowledgements()); n != 1 {
		t.Errorf("%d acknowledgements after the retry, want 1", n)
	}
}

// TestILertIgnored: events two-way sync does not act on, alert keys not of events mode,
// and sites the relay does not serve are answered 200, logged with the reason, and
// nothing is called.
func TestILertIgnored(t *testing.T) {
	t.Parallel()
	h := newTwoWayHarness(t, func(c *config) { c.CheckmkSites = append(c.CheckmkSites, "branch") })
	tests := []struct {
		name, body, log string
	}{
		{"created", ilertBody(t, "created-newer-fields.json", nil), "ignored: ilert: alert event type not delivered by this receiver: alert-created"},
		{"resolved", ilertBody(t, "resolved.json", nil), "ignored: alert-resolved: Checkmk resolves problems by checking"},
		{"site not served", ilertBody(t, "accepted-service.json", map[string]any{"alertKey": "hamburg/web01/Filesystem /var"}),
			"ignored: site hamburg is not served: the relay acts for prod, branch"},
		{"checkmk-ext key", ilertBody(t, "accepted-service.json", map[string]any{"alertKey": "web01 Filesystem /var"}),
			"two-way sync with Checkmk needs alert sources fed by alertbridge's notifier in events mode"},
		{"empty site", ilertBody(t, "accepted-host.json", map[string]any{"alertKey": "/db02"}), "site \\\"\\\" (the notifier ran outside a site) is not served"},
	}
	for _, tt := range tests {
		h.postILertAuth(tt.body)
		if !strings.Contains(h.logs.String(), tt.log) {
			t.Errorf("%s: the log lacks %q:\n%s", tt.name, tt.log, h.logs)
		}
	}
	// A site listed with -checkmk-sites is served by the URL's site.
	h.postILertAuth(ilertBody(t, "accepted-service.json", map[string]any{"alertKey": "branch/web07/Memory", "eventId": "b"}))
	if acks := h.checkmk.Acknowledgements(); len(acks) != 1 || acks[0].Host != "web07" {
		t.Errorf("acknowledgements = %+v, want only web07's (site branch)", acks)
	}
	if n, err := h.srv.queue.Len(context.Background(), destCheckmk); err != nil || n != 0 {
		t.Errorf("queue checkmk holds %d (%v)", n, err)
	}
	if n := strings.Count(h.logs.String(), "level=WARN msg=request"); n != 3 {
		t.Errorf("%d ignored webhooks logged at warn, want 3 (the configuration's: site, key form):\n%s", n, h.logs)
	}
	if got := h.srv.met.ignored.get(sourceILert); got != float64(len(tests)) {
		t.Errorf("ignored counter = %v, want %d", got, len(tests))
	}
}

// TestILertRemoveAckOnResolve: with -checkmk-remove-ack-on-resolve a resolved alert
// removes the acknowledgement.
func TestILertRemoveAckOnResolve(t *testing.T) {
	t.Parallel()
	h := newTwoWayHarness(t, func(c *config) { c.RemoveAckOnResolve = true })
	h.postILertAuth(ilertBody(t, "accepted-service.json", nil))
	if !h.checkmk.Acknowledged("web01", "Filesystem /var") {
		t.Fatal("not acknowledged")
	}
	h.postILertAuth(ilertBody(t, "resolved.json", nil))
	if rm := h.checkmk.Removals(); len(rm) != 1 || rm[0].Host != "web01" || !rm[0].Removed {
		t.Errorf("removals = %+v", rm)
	}
}

func TestILertUnauthenticatedAllowed(t *testing.T) {
	t.Parallel()
	h := newTwoWayHarness(t, func(c *config) {
		c.ILertWebhookUser, c.ILertWebhookPassword, c.ILertAllowUnauthenticated = "", "", true
	})
	if status, answer := h.postILert(ilertBody(t, "accepted-host.json", nil), "", ""); status != http.StatusOK {
		t.Errorf("answered %d %q, want 200", status, answer)
	}
	if n := len(h.checkmk.Acknowledgements()); n != 1 {
		t.Errorf("%d acknowledgements, want 1", n)
	}
}

// TestDedupeRecord: the record survives a restart, forgets by age and by count, and is
// rewritten within its bounds.
func TestDedupeRecord(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := int64(1_800_000_000)
	clock := func() time.Time { return time.Unix(now, 0) }
	d, err := openDedupeBounded(dir, clock, 3, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	record := func(key string) {
		t.Helper()
		seen, finish, err := d.begin(context.Background(), key)
		if err != nil || seen {
			t.Fatalf("begin(%q) = %v, %v; want new", key, seen, err)
		}
		if err := finish(true); err != nil {
			t.Fatal(err)
		}
	}
	isSeen := func(key string) bool {
		t.Helper()
		seen, finish, err := d.begin(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		if !seen {
			_ = finish(false)
		}
		return seen
	}
	record("a/alert-acknowledged")
	now += 60
	record("b/alert-acknowledged")
	if !isSeen("a/alert-acknowledged") || isSeen("c/alert-acknowledged") {
		t.Error("a should be seen, c not")
	}
	// Not recorded when not queued.
	if isSeen("c/alert-acknowledged") {
		t.Error("c seen after a finish(false)")
	}
	if err := d.close(); err != nil {
		t.Fatal(err)
	}
	if d, err = openDedupeBounded(dir, clock, 3, time.Hour); err != nil {
		t.Fatal(err)
	}
	if !isSeen("a/alert-acknowledged") || !isSeen("b/alert-acknowledged") {
		t.Error("the record did not survive the restart")
	}
	now += 3600 - 30 // a is older than an hour, b not
	if isSeen("a/alert-acknowledged") || !isSeen("b/alert-acknowledged") {
		t.Error("a should be forgotten by age, b kept")
	}
	for _, k := range []string{"c", "d", "e", "f", "g", "h", "i"} {
		record(k)
	}
	if d.len() != 3 || isSeen("b/alert-acknowledged") || isSeen("f") || !isSeen("g") || !isSeen("i") {
		t.Errorf("after 7 more: %d remembered; want the newest 3", d.len())
	}
	if err := d.close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, dedupeFile))
	if err != nil {
		t.Fatal(err)
	}
	if entries, lines := parseDedupe(data); lines > 2*3 || len(entries) < 3 {
		t.Errorf("the file holds %d entry lines (%d valid), want at most 6: it is not rewritten\n%s", lines, len(entries), data)
	}
	if bytes.Contains(data, []byte("alert-acknowledged")) {
		t.Errorf("the file holds keys, want only their hashes:\n%s", data)
	}
	fi, err := os.Stat(filepath.Join(dir, dedupeFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, %v; want 0600", fi.Mode(), err)
	}
}
