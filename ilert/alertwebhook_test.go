package ilert_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

// readWebhook reads a fixture of testdata/webhook.
func readWebhook(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "webhook", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// plainWebhook shows an AlertWebhook with its Go field names (not MarshalJSON's iLert
// names), for golden files.
type plainWebhook ilert.AlertWebhook

func TestDecodeAlertWebhookGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "webhook", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, err := ilert.DecodeAlertWebhook(readWebhook(t, name+".json"))
			if err != nil {
				t.Fatalf("DecodeAlertWebhook: %v", err)
			}
			got, err := json.Marshal(plainWebhook(*w))
			if err != nil {
				t.Fatal(err)
			}
			testutil.GoldenJSON(t, filepath.Join("testdata", "golden", "webhook", name+".golden.json"), got)
		})
	}
}

// TestDecodeAlertWebhookDocsSample checks the fields of iLert's documented sample one by
// one (confirmed facts, see testdata/webhook/README.md).
func TestDecodeAlertWebhookDocsSample(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"docs-sample.json", "docs-sample-2019.json"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, err := ilert.DecodeAlertWebhook(readWebhook(t, name))
			if err != nil {
				t.Fatal(err)
			}
			want := time.Date(2019, 8, 29, 9, 52, 39, 551e6, time.UTC)
			if w.AlertID != "2983781" || w.Status != ilert.AlertStatusAccepted || w.AlertKey != "zabbix-12345" ||
				w.Priority != ilert.PriorityLow || !w.ReportTime.Equal(want) {
				t.Errorf("decoded %+v", w)
			}
			if w.EventType != ilert.AlertEventAcknowledged || w.RawEventType != "incident-acknowledged" || !w.EventType.Valid() {
				t.Errorf("event type %q (raw %q), want alert-acknowledged from incident-acknowledged", w.EventType, w.RawEventType)
			}
			if w.AlertSource == nil || w.AlertSource.ID != 2101194 || w.AlertSource.Name != "Nagios Network and Hosts" {
				t.Errorf("alert source %+v", w.AlertSource)
			}
			if w.AssignedTo == nil || w.AssignedTo.Username != "abr" || w.AssignedTo.Email != "example@example.com" {
				t.Errorf("assignedTo %+v", w.AssignedTo)
			}
			if got := w.Who(); !strings.HasPrefix(got, "Andreas ") {
				t.Errorf("Who() = %q", got)
			}
			if len(w.Extra) != 0 {
				t.Errorf("Extra = %v, want nothing left over", w.Extra)
			}
		})
	}
}

func TestDecodeAlertWebhookTolerance(t *testing.T) {
	t.Parallel()
	w, err := ilert.DecodeAlertWebhook(readWebhook(t, "odd-types.json"))
	if err != nil {
		t.Fatal(err)
	}
	if w.AlertID != "12797433" {
		t.Errorf("numeric id = %q", w.AlertID)
	}
	if w.EventType != ilert.AlertEventAcknowledged || w.Status != ilert.AlertStatusAccepted || w.Priority != ilert.PriorityLow {
		t.Errorf("normalized enums: %q %q %q", w.EventType, w.Status, w.Priority)
	}
	if w.AlertSource == nil || w.AlertSource.ID != 2269078 {
		t.Errorf("string alert source id: %+v", w.AlertSource)
	}
	if w.AssignedTo == nil || w.AssignedTo.ID != "u-77" {
		t.Errorf("assignedTo %+v", w.AssignedTo)
	}
	if w.Comment != "second" || w.CommentAuthor != "Jane Doe" {
		t.Errorf("comment %q by %q, want the last of comments", w.Comment, w.CommentAuthor)
	}
	if !w.ReportTime.IsZero() {
		t.Errorf("ReportTime = %v, want zero for %q", w.ReportTime, "yesterday")
	}
	for _, k := range []string{"summary", "reportTime", "customField"} {
		if _, ok := w.Extra[k]; !ok {
			t.Errorf("Extra lacks %q: %v", k, w.Extra)
		}
	}
	if string(w.Extra["summary"]) != "42" {
		t.Errorf("Extra[summary] = %s", w.Extra["summary"])
	}
}

func TestDecodeAlertWebhookComments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, text, author string
	}{
		{"string", `{"eventType":"alert-comment-added","comment":"on it"}`, "on it", ""},
		{"object content", `{"eventType":"alert-comment-added","comment":{"content":"on it","creator":"Jane"}}`, "on it", "Jane"},
		{"object text author user", `{"eventType":"alert-comment-added","comment":{"text":"on it","author":{"username":"jd"}}}`, "on it", "jd"},
		{"comments list", `{"eventType":"alert-comment-added","comments":[{"content":"a"},"b"]}`, "b", ""},
		{"comment wins over comments", `{"eventType":"alert-comment-added","comment":"a","comments":["b"]}`, "a", ""},
		{"empty list", `{"eventType":"alert-comment-added","comments":[]}`, "", ""},
		{"null", `{"eventType":"alert-comment-added","comment":null}`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := ilert.DecodeAlertWebhook([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if w.Comment != tt.text || w.CommentAuthor != tt.author {
				t.Errorf("comment %q by %q, want %q by %q", w.Comment, w.CommentAuthor, tt.text, tt.author)
			}
		})
	}
}

func TestDecodeAlertWebhookErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		``, `   `, `[]`, `"alert-created"`, `null`, `{`, `{"eventType":1}`, `{"eventType":""}`,
		`{"id":"1"}`, `{"eventType":"alert-created"} trailing`,
	} {
		_, err := ilert.DecodeAlertWebhook([]byte(body))
		if !errors.Is(err, ilert.ErrInvalidAlertWebhook) {
			t.Errorf("DecodeAlertWebhook(%q) = %v, want ErrInvalidAlertWebhook", body, err)
		}
	}
}

func TestUnknownEventTypeIsKept(t *testing.T) {
	t.Parallel()
	w, err := ilert.DecodeAlertWebhook(readWebhook(t, "unknown-event.json"))
	if err != nil {
		t.Fatalf("an unknown event type must not be an error: %v", err)
	}
	if w.EventType != "alert-snoozed" || w.EventType.Valid() {
		t.Errorf("EventType %q Valid %v, want alert-snoozed, false", w.EventType, w.EventType.Valid())
	}
}

func TestParseAlertEventType(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]ilert.AlertEventType{
		"alert-acknowledged":        ilert.AlertEventAcknowledged,
		"incident-acknowledged":     ilert.AlertEventAcknowledged,
		" INCIDENT-COMMENT-ADDED ":  ilert.AlertEventCommentAdded,
		"incident-resolved":         ilert.AlertEventResolved,
		"incident-channel-attached": ilert.AlertEventChannelAttached,
		"incident-unheard-of":       "incident-unheard-of",
		"alert-snoozed":             "alert-snoozed",
	} {
		if got := ilert.ParseAlertEventType(in); got != want {
			t.Errorf("ParseAlertEventType(%q) = %q, want %q", in, got, want)
		}
	}
	if n := len(ilert.AlertEventTypes()); n != 14 {
		t.Errorf("%d documented event types, want 14", n)
	}
	for _, typ := range ilert.AlertEventTypes() {
		if !typ.Valid() || !strings.HasPrefix(string(typ), "alert-") {
			t.Errorf("%q", typ)
		}
	}
}

func TestAlertWebhookRoundTrip(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join("testdata", "webhook", "*.json"))
	for _, f := range files {
		w, err := ilert.DecodeAlertWebhook(readWebhook(t, filepath.Base(f)))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ilert.DecodeAlertWebhook(b)
		if err != nil {
			t.Fatalf("%s: decoding MarshalJSON's output: %v\n%s", f, err, b)
		}
		if diff := cmp.Diff(normalizeExtra(w), normalizeExtra(again)); diff != "" {
			t.Errorf("%s: round trip (-first +second):\n%s", f, diff)
		}
	}
}

// normalizeExtra compacts Extra's raw values, which MarshalJSON re-encodes.
func normalizeExtra(w *ilert.AlertWebhook) *ilert.AlertWebhook {
	c := *w
	c.Extra = map[string]json.RawMessage{}
	for k, v := range w.Extra {
		var x any
		if json.Unmarshal(v, &x) == nil {
			v, _ = json.Marshal(x)
		}
		c.Extra[k] = v
	}
	return &c
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	decode := func(body string) *ilert.AlertWebhook {
		t.Helper()
		w, err := ilert.DecodeAlertWebhook([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	accepted := decode(`{"id":"7","eventType":"alert-acknowledged"}`)
	if got := accepted.IdempotencyKey(); got != "7/alert-acknowledged" {
		t.Errorf("key %q", got)
	}
	withID := decode(`{"id":"7","eventType":"alert-acknowledged","eventId":"e1"}`)
	if got := withID.IdempotencyKey(); got != "7/alert-acknowledged/e1" {
		t.Errorf("key %q", got)
	}
	c1 := decode(`{"id":"7","eventType":"alert-comment-added","comment":"one"}`)
	c2 := decode(`{"id":"7","eventType":"alert-comment-added","comment":"two"}`)
	c1again := decode(`{"id":"7","eventType":"alert-comment-added","comment":"one","timestamp":"2025-01-01T00:00:00Z"}`)
	if c1.IdempotencyKey() == c2.IdempotencyKey() {
		t.Errorf("two comments share the key %q", c1.IdempotencyKey())
	}
	if c1.IdempotencyKey() != c1again.IdempotencyKey() {
		t.Errorf("a retry changed the key: %q vs %q", c1.IdempotencyKey(), c1again.IdempotencyKey())
	}
}

func TestWebhookUserDisplayName(t *testing.T) {
	t.Parallel()
	var nilUser *ilert.WebhookUser
	for _, tt := range []struct {
		u    *ilert.WebhookUser
		want string
	}{
		{nilUser, ""},
		{&ilert.WebhookUser{FirstName: " Jane ", LastName: "Doe"}, "Jane Doe"},
		{&ilert.WebhookUser{LastName: "Doe", Username: "jd"}, "Doe"},
		{&ilert.WebhookUser{Username: "jd", Email: "j@x"}, "jd"},
		{&ilert.WebhookUser{Email: "j@x"}, "j@x"},
		{&ilert.WebhookUser{}, ""},
	} {
		if got := tt.u.DisplayName(); got != tt.want {
			t.Errorf("%+v.DisplayName() = %q, want %q", tt.u, got, tt.want)
		}
	}
	w := &ilert.AlertWebhook{AssignedTo: &ilert.WebhookUser{Username: "assignee"}, Actor: &ilert.WebhookUser{Username: "actor"}}
	if got := w.Who(); got != "actor" {
		t.Errorf("Who() = %q, want the actor first", got)
	}
	w.Actor = nil
	if got := w.Who(); got != "assignee" {
		t.Errorf("Who() = %q, want the assignee", got)
	}
}
