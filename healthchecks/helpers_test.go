package healthchecks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/ilert"
)

// bodyFixtures are the $JSON fixtures (not the HTTP request ones), with the status the
// Check-Status header carries in their scenario.
var bodyFixtures = []struct {
	file   string
	status Status
}{
	{"simple-down.json", StatusDown},
	{"cron-up.json", StatusUp},
	{"oncalendar-up.json", StatusUp},
	{"tags-desc-down.json", StatusDown},
	{"test-notification-down.json", StatusDown},
	{"api-readonly-simple-down.json", StatusDown},
	{"legacy-v2.5-simple-down.json", StatusDown},
}

// requestFixtures are the fixtures that describe whole HTTP requests.
var requestFixtures = []string{"http-request-ilert-down.json", "http-request-ilert-up.json"}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// statusHeader returns a header with Check-Status set to s.
func statusHeader(s string) http.Header {
	h := http.Header{}
	h.Set(StatusHeader, s)
	return h
}

// requestFixture is the shape of the http-request-*.json fixtures.
type requestFixture struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

// loadRequest turns an http-request-*.json fixture into a server-side request.
func loadRequest(t testing.TB, name string) *http.Request {
	t.Helper()
	var f requestFixture
	if err := json.Unmarshal(readFixture(t, name), &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	r := httptest.NewRequest(f.Method, f.URL, strings.NewReader(f.Body))
	for k, v := range f.Headers {
		r.Header.Set(k, v)
	}
	return r
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// mustILert maps n to an iLert event, failing the test on an error.
func mustILert(t testing.TB, n *Notification) ilert.Event {
	t.Helper()
	e, err := ToILert(n)
	if err != nil {
		t.Fatalf("ToILert: %v", err)
	}
	return e
}

// mustAlertOps maps n to an AlertOps alert, failing the test on an error.
func mustAlertOps(t testing.TB, n *Notification) alertops.Alert {
	t.Helper()
	a, err := ToAlertOps(n)
	if err != nil {
		t.Fatalf("ToAlertOps: %v", err)
	}
	return a
}
