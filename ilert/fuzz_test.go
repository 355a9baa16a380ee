package ilert

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// FuzzDecodeResponse feeds arbitrary bodies to the success and error decoders and the
// classification of a 400: none may panic, and a benign class needs a benign code.
func FuzzDecodeResponse(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `Accepted`, `[1,2]`, `null`,
		`{"alertKey":"srv/mail01","alertUrl":"https://x.ilert.com/alert/1","responseCode":"NEW"}`,
		`{"incidentKey":"IK","incidentUrl":"u"}`,
		`{"data":{"nested":[{"incidentKey":42}]}}`,
		`{"status":400,"message":"no open alert","code":"NONE_OPEN_FOR_KEY"}`,
		`{"status":"400","message":{"x":1},"code":["NO_OPEN_ALERT_WITH_KEY"]}`,
		`<html><body>502 Bad Gateway</body></html>`,
	} {
		f.Add([]byte(seed), 400)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		key, u, code := decodeSuccessBody(body)
		_, _, _ = key, u, code
		errCode, msg := decodeErrorBody(body)
		_ = msg
		class := classifyNoneOpen(&httpx.Response{StatusCode: status, Body: body})
		if class == httpx.ClassBenign && (status != 400 || (errCode != CodeNoneOpenForKey && errCode != CodeNoOpenAlertWithKey)) {
			t.Errorf("status %d code %q classified benign", status, errCode)
		}
		e := newAPIError("send event", "POST", "https://x", &httpx.Response{StatusCode: status, Body: body, Class: class}, nil)
		if len(e.Body) > MaxErrorBodyBytes*3 { // U+FFFD may triple invalid bytes
			t.Errorf("error body of %d bytes kept", len(e.Body))
		}
		_ = e.Error()
	})
}

var keyShape = regexp.MustCompile(`^[A-Za-z0-9-]{8,}$`)

// FuzzEvent decodes arbitrary JSON into an Event, validates and normalizes it. Invariants:
// no panic; the normalized summary is valid UTF-8 within MaxSummaryRunes; details within
// MaxDetailsBytes; the alert key within MaxAlertKeyBytes; validation errors wrap
// ErrInvalidEvent; normalizing is idempotent; formatting never prints the key.
func FuzzEvent(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.request.json")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"integrationKey":"k","eventType":"COMMENT","alertKey":"a","comments":[{"content":"c"}]}`))
	f.Add([]byte(`{"apiKey":"k","eventType":"ALERT","summary":"` + strings.Repeat("é", 1100) + `","incidentKey":"` + strings.Repeat("k", 300) + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var e Event
		if json.Unmarshal(data, &e) != nil {
			return
		}
		if err := e.Validate(); err != nil && !errors.Is(err, ErrInvalidEvent) {
			t.Errorf("Validate error %v does not wrap ErrInvalidEvent", err)
		}
		n, _ := e.Normalize()
		if !utf8.ValidString(n.Summary) || utf8.RuneCountInString(n.Summary) > MaxSummaryRunes {
			t.Errorf("normalized summary invalid or too long (%d runes)", utf8.RuneCountInString(n.Summary))
		}
		if len(n.Details) > MaxDetailsBytes || !utf8.ValidString(n.Details) {
			t.Errorf("normalized details invalid or too long (%d bytes)", len(n.Details))
		}
		if len(n.AlertKey) > MaxAlertKeyBytes || !utf8.ValidString(n.AlertKey) {
			t.Errorf("normalized alert key invalid or too long (%d bytes)", len(n.AlertKey))
		}
		for _, c := range n.Comments {
			if len(c.Content) > MaxCommentBytes {
				t.Errorf("normalized comment of %d bytes", len(c.Content))
			}
		}
		again, ts := n.Normalize()
		if len(ts) != 0 || again.Summary != n.Summary || again.AlertKey != n.AlertKey || again.Details != n.Details {
			t.Errorf("Normalize is not idempotent: %v", ts)
		}
		if keyShape.MatchString(e.IntegrationKey) { // realistic keys; arbitrary ones may overlap "[redacted]"
			if s := n.String(); strings.Contains(s, e.IntegrationKey) {
				t.Errorf("String() contains the integration key")
			}
		}
		if _, err := json.Marshal(n); err != nil {
			t.Errorf("normalized event does not encode: %v", err)
		}
	})
}
