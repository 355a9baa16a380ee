package ilert

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecodeAlertWebhook feeds arbitrary bodies to the alert webhook decoder: it must never
// panic, must fail only with ErrInvalidAlertWebhook, and whatever it decodes must survive
// MarshalJSON and a second decode unchanged (so a queued webhook is the webhook).
func FuzzDecodeAlertWebhook(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `{"eventType":""}`,
		`{"id":"1","eventType":"incident-acknowledged","assignedTo":{"username":"u"}}`,
		`{"id":7,"eventType":"alert-comment-added","comments":[{"content":"x","creator":{"firstName":"A"}}]}`,
		`{"eventType":"alert-resolved","alertSource":{"id":"12","name":"n"},"reportTime":"2019-08-29T09: 52: 39.551Z"}`,
		`{"eventType":"alert-created","alertSource":{"id":1.5},"summary":{"x":1},"extra":[null]}`,
		"{\"eventType\":\"alert-created\",\"summary\":\"\xff\xfe\"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := DecodeAlertWebhook(body)
		if err != nil {
			if !errors.Is(err, ErrInvalidAlertWebhook) {
				t.Fatalf("error %v does not wrap ErrInvalidAlertWebhook", err)
			}
			return
		}
		if w.RawEventType == "" || w.EventType != ParseAlertEventType(w.RawEventType) {
			t.Fatalf("event type %q from %q", w.EventType, w.RawEventType)
		}
		_ = w.IdempotencyKey()
		_ = w.Who()
		out, err := json.Marshal(w)
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		again, err := DecodeAlertWebhook(out)
		if err != nil {
			t.Fatalf("decoding MarshalJSON's output %s: %v", out, err)
		}
		out2, err := json.Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != string(out2) {
			t.Fatalf("round trip changed the webhook:\n%s\n%s", out, out2)
		}
	})
}
