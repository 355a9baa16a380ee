package alertopstest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/internal/fakeserver"
)

// Request is one request the server received, whatever it answered.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the request path, unescaped; it contains the key.
	Path string
	// RawPath is the path as sent, escaped.
	RawPath string
	// Query is the raw query string, without "?".
	Query string
	// Header holds the request headers.
	Header http.Header
	// Body is the request body (at most 4 MiB of it).
	Body []byte
	// Status is what the server answered (0 for a connection reset or an abandoned
	// request).
	Status int
}

// Received is an alert the server accepted.
type Received struct {
	// Key and Integration are the {key} and {integration} segments of the URL.
	Key, Integration string
	// Alert is the body, decoded.
	Alert alertops.Alert
}

// Failure describes how the server answers a request it is told to fail. A 2xx Status
// scripts a success answer with the given Body instead.
type Failure struct {
	// Status is the HTTP status to answer with (default 500 when Reset is false).
	Status int
	// Body is sent as the answer's body (default: the status text).
	Body string
	// Header is added to the answer (e.g. Retry-After).
	Header http.Header
	// Delay holds the answer back (or until the client gives up).
	Delay time.Duration
	// Reset closes the connection without an answer (a TCP reset).
	Reset bool
}

// Option configures a Server.
type Option func(*Server)

// AcceptKeys makes the server answer 401 to every key not listed, as AlertOps answers an
// invalid URL or a disabled integration. Without it every key is accepted.
func AcceptKeys(keys ...string) Option {
	return func(s *Server) { s.keys = append(s.keys, keys...) }
}

// Server is a fake AlertOps. Create it with [NewServer] or [Start].
type Server struct {
	srv  *httptest.Server
	keys []string // nil: any key

	log       fakeserver.Log // requests and scripted answers
	mu        sync.Mutex
	alerts    []Received
	closeOnce sync.Once
}

// NewServer starts a fake AlertOps and closes it when the test ends.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := Start(opts...)
	tb.Cleanup(s.Close)
	return s
}

// Start starts a fake AlertOps; the caller must Close it.
func Start(opts ...Option) *Server {
	s := &Server{}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /POSTAlert/{key}/{integration}", s.handleAlert)
	s.srv = httptest.NewServer(s.log.Handler(mux))
	return s
}

// URL returns the webhook URL of an inbound integration: <server>/POSTAlert/<key>/<integration>,
// each segment path-escaped.
func (s *Server) URL(key, integration string) string {
	return s.srv.URL + "/POSTAlert/" + url.PathEscape(key) + "/" + url.PathEscape(integration)
}

// BaseURL returns the server's root URL, e.g. http://127.0.0.1:41234.
func (s *Server) BaseURL() string { return s.srv.URL }

// Client returns an *http.Client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close shuts the server down; it is safe to call more than once.
func (s *Server) Close() { s.closeOnce.Do(s.srv.Close) }

// FailNext makes the next n requests fail (or answer) as f says.
func (s *Server) FailNext(n int, f Failure) {
	s.log.FailNext(n, fakeserver.Failure{Status: f.Status, Header: f.Header, Delay: f.Delay, Reset: f.Reset,
		Write: func(w http.ResponseWriter, status int) { writeFailure(w, status, f.Body) }})
}

// Requests returns every request received so far, in order, failed ones included.
func (s *Server) Requests() []Request {
	logged := s.log.Requests()
	out := make([]Request, len(logged))
	for i, r := range logged {
		out[i] = Request(r)
	}
	return out
}

// Alerts returns the alerts accepted (answered 200), in order.
func (s *Server) Alerts() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.alerts)
}

// writeFailure writes a scripted answer: body, or the status text, as plain text.
func writeFailure(w http.ResponseWriter, status int, body string) {
	if body == "" {
		body = http.StatusText(status)
	}
	writeText(w, status, body)
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (s *Server) handleAlert(w http.ResponseWriter, r *http.Request) {
	key, integration := r.PathValue("key"), r.PathValue("integration")
	if s.keys != nil && !slices.Contains(s.keys, key) {
		writeText(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	body, _ := io.ReadAll(r.Body)
	var a alertops.Alert
	if err := json.Unmarshal(body, &a); err != nil || !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		writeText(w, http.StatusBadRequest, "body is not a JSON alert object")
		return
	}
	s.mu.Lock()
	s.alerts = append(s.alerts, Received{Key: key, Integration: integration, Alert: a})
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}
