package ilerttest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/fakeserver"
)

// The error codes the fake answers with.
const (
	// CodeInvalidEvent answers an event that fails ilert.Event.Validate.
	CodeInvalidEvent = "INVALID_EVENT"
	// CodeInvalidJSON answers a body that is not a JSON object.
	CodeInvalidJSON = "INVALID_JSON"
)

// Request is one request the server received, whatever it answered.
type Request struct {
	Method string
	// Path is the request path; for key-in-path endpoints it contains the key.
	Path   string
	Query  string
	Header http.Header
	Body   []byte
	// Status is what the server answered (0 for a connection reset).
	Status int
}

// CheckmkEvent is a body received on the checkmk-ext endpoint.
type CheckmkEvent struct {
	// IntegrationKey is the key from the URL path.
	IntegrationKey string
	// Context is the notification context (names without NOTIFY_).
	Context map[string]string
}

// NagiosEvent is a body received on the 1.x Nagios endpoint (POST /api/v1/events/nagios).
type NagiosEvent struct {
	// IntegrationKey is the key from the body's apiKey element.
	IntegrationKey string
	// Variables are the payload's entries, names as sent (NOTIFY_HOSTNAME, PLUGIN_VERSION).
	Variables map[string]string
}

// Failure describes how the server answers a request it is told to fail.
type Failure struct {
	// Status is the HTTP status to answer with (default 500 when Reset is false).
	Status int
	// Code and Message fill iLert's JSON error body {"status", "message", "code"}.
	Code, Message string
	// Body, if set, is sent verbatim instead of the JSON error body.
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

// TrackOpenAlerts makes the server remember open alerts per alert key (compared case
// insensitively, as iLert does) and answer ACCEPT and RESOLVE without an open alert with
// 400 NO_OPEN_ALERT_WITH_KEY, and Checkmk ACKNOWLEDGEMENT/RECOVERY notifications without
// one with 400 NONE_OPEN_FOR_KEY.
func TrackOpenAlerts() Option { return func(s *Server) { s.track = true } }

// EmptyBodies makes the server answer accepted events with 202 and an empty body (iLert
// documents no body; clients must cope).
func EmptyBodies() Option { return func(s *Server) { s.emptyBodies = true } }

// Server is a fake iLert. Create it with [NewServer] or [Start].
type Server struct {
	srv         *httptest.Server
	track       bool
	emptyBodies bool

	log       fakeserver.Log // requests and scripted failures
	mu        sync.Mutex
	events    []ilert.Event
	checkmk   []CheckmkEvent
	nagios    []NagiosEvent
	beats     []HeartbeatPing
	open      map[string]ilert.AlertStatus // lower-cased alert key → state
	alerts    []ilert.Alert
	sources   []ilert.AlertSource
	nextID    int64
	closeOnce sync.Once
}

// NewServer starts a fake iLert and closes it when the test ends.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := Start(opts...)
	tb.Cleanup(s.Close)
	return s
}

// Start starts a fake iLert; the caller must Close it.
func Start(opts ...Option) *Server {
	s := &Server{open: map[string]ilert.AlertStatus{}}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/events", s.handleEvent)
	mux.HandleFunc("POST /api/v1/events", s.handleEvent)
	mux.HandleFunc("POST /api/v1/events/checkmk-ext/{key}", s.handleCheckmk)
	mux.HandleFunc("POST /api/v1/events/nagios", s.handleNagios)
	mux.HandleFunc("/api/heartbeats/{key}", s.handleHeartbeat(ilert.HeartbeatEndpointLegacy))
	mux.HandleFunc("/api/pings/{key}", s.handleHeartbeat(ilert.HeartbeatEndpointMonitor))
	mux.HandleFunc("GET /api/alerts", s.handleListAlerts)
	mux.HandleFunc("GET /api/alerts/{id}", s.handleGetAlert)
	mux.HandleFunc("GET /api/alert-sources", s.handleListSources)
	// Assign s.srv before serving: handlers read s.srv.URL.
	s.srv = httptest.NewUnstartedServer(s.log.Handler(mux))
	s.srv.Start()
	return s
}

// URL returns the base URL to pass to ilert.WithBaseURL.
func (s *Server) URL() string { return s.srv.URL }

// Client returns an *http.Client for the server (it does not follow redirects).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close shuts the server down; it is safe to call more than once.
func (s *Server) Close() { s.closeOnce.Do(s.srv.Close) }

// FailNext makes the next n requests (to any endpoint) fail as f says.
func (s *Server) FailNext(n int, f Failure) {
	s.log.FailNext(n, fakeserver.Failure{Status: f.Status, Header: f.Header, Delay: f.Delay, Reset: f.Reset,
		Write: func(w http.ResponseWriter, status int) { writeFailure(w, status, f) }})
}

// Requests returns every request received so far, in order, failed ones included.
func (s *Server) Requests() []Request {
	logged := s.log.Requests()
	out := make([]Request, len(logged))
	for i, r := range logged {
		out[i] = Request{Method: r.Method, Path: r.Path, Query: r.Query, Header: r.Header, Body: r.Body, Status: r.Status}
	}
	return out
}

// Events returns the events accepted (answered 2xx) on the Events API, in order.
func (s *Server) Events() []ilert.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ilert.Event(nil), s.events...)
}

// CheckmkEvents returns the bodies accepted on the checkmk-ext endpoint, in order.
func (s *Server) CheckmkEvents() []CheckmkEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CheckmkEvent(nil), s.checkmk...)
}

// NagiosEvents returns the bodies accepted on the 1.x Nagios endpoint, in order.
func (s *Server) NagiosEvents() []NagiosEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]NagiosEvent(nil), s.nagios...)
}

// HeartbeatPing is one heartbeat the server received.
type HeartbeatPing struct {
	// Key is the heartbeat key from the URL path.
	Key string
	// Endpoint is where it arrived: legacy (/api/heartbeats/{key}) or monitor
	// (/api/pings/{key}).
	Endpoint ilert.HeartbeatEndpoint
	// Method is the HTTP method (iLert accepts HEAD, GET and POST).
	Method string
}

// Heartbeats returns the heartbeat keys pinged at either endpoint, in order.
func (s *Server) Heartbeats() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, len(s.beats))
	for i, b := range s.beats {
		keys[i] = b.Key
	}
	return keys
}

// HeartbeatPings returns the heartbeats received, with their endpoint, in order.
func (s *Server) HeartbeatPings() []HeartbeatPing {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]HeartbeatPing(nil), s.beats...)
}

// OpenAlerts returns the state of every open alert key (lower-cased) when the server
// tracks open alerts.
func (s *Server) OpenAlerts() map[string]ilert.AlertStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]ilert.AlertStatus, len(s.open))
	for k, v := range s.open {
		out[k] = v
	}
	return out
}

// AddAlerts adds alerts that the REST reads return.
func (s *Server) AddAlerts(alerts ...ilert.Alert) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.alerts = append(s.alerts, alerts...)
}

// AddAlertSources adds alert sources that ListAlertSources returns.
func (s *Server) AddAlertSources(sources ...ilert.AlertSource) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sources = append(s.sources, sources...)
}

// writeFailure writes a scripted failure's answer: its Body verbatim, or iLert's JSON
// error body.
func writeFailure(w http.ResponseWriter, status int, f Failure) {
	if f.Body != "" {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, f.Body)
		return
	}
	msg := f.Message
	if msg == "" {
		msg = http.StatusText(status)
	}
	writeError(w, status, f.Code, msg)
}

// writeError writes iLert's JSON error body.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"status": status, "message": message, "code": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("correlation-id", "ilerttest-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) accepted(w http.ResponseWriter, key string) {
	if s.emptyBodies {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	s.mu.Lock()
	s.nextID++
	id := s.nextID
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{
		"alertKey": key,
		"alertUrl": fmt.Sprintf("%s/alert/%d", s.srv.URL, id),
	})
}

func (s *Server) handleEvent(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var e ilert.Event
	if err := json.Unmarshal(body, &e); err != nil {
		writeError(w, http.StatusBadRequest, CodeInvalidJSON, "body is not a JSON event")
		return
	}
	if err := e.Validate(); err != nil {
		writeError(w, http.StatusBadRequest, CodeInvalidEvent, strings.ReplaceAll(err.Error(), "\n", "; "))
		return
	}
	if s.track {
		if code := s.transition(e.EventType, e.AlertKey, ilert.CodeNoOpenAlertWithKey); code != "" {
			writeError(w, http.StatusBadRequest, code, "no open alert with key "+e.AlertKey)
			return
		}
	}
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
	s.accepted(w, e.AlertKey)
}

// transition applies an event to the open alerts; it returns the error code if the event
// finds no open alert.
func (s *Server) transition(t ilert.EventType, key, noneOpen string) string {
	k := strings.ToLower(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	state, open := s.open[k]
	switch t {
	case ilert.EventTypeAlert:
		if k != "" && !open {
			s.open[k] = ilert.AlertStatusPending
		}
	case ilert.EventTypeAccept:
		if !open {
			return noneOpen
		}
		if state == ilert.AlertStatusPending {
			s.open[k] = ilert.AlertStatusAccepted
		}
	case ilert.EventTypeResolve:
		if !open {
			return noneOpen
		}
		delete(s.open, k)
	case ilert.EventTypeComment:
		if !open {
			return noneOpen
		}
	}
	return ""
}

func (s *Server) handleCheckmk(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	body, _ := io.ReadAll(r.Body)
	var ctx map[string]string
	if err := json.Unmarshal(body, &ctx); err != nil || ctx == nil {
		writeError(w, http.StatusBadRequest, CodeInvalidJSON, "body is not a JSON object of strings")
		return
	}
	alertKey := ctx["HOSTNAME"]
	if ctx["WHAT"] == "SERVICE" {
		alertKey += "/" + ctx["SERVICEDESC"]
	}
	if s.track {
		var t ilert.EventType
		switch nt := ctx["NOTIFICATIONTYPE"]; {
		case nt == "PROBLEM":
			t = ilert.EventTypeAlert
		case strings.HasPrefix(nt, "ACKNOWLEDGEMENT"):
			t = ilert.EventTypeAccept
		case nt == "RECOVERY":
			t = ilert.EventTypeResolve
		}
		if code := s.transition(t, alertKey, ilert.CodeNoneOpenForKey); code != "" {
			writeError(w, http.StatusBadRequest, code, "no open alert for key "+alertKey)
			return
		}
	}
	s.mu.Lock()
	s.checkmk = append(s.checkmk, CheckmkEvent{IntegrationKey: key, Context: ctx})
	s.mu.Unlock()
	if s.emptyBodies {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"incidentKey": alertKey})
}

// nagiosXMLDecl starts every body of iLert's 1.x plug-in.
const nagiosXMLDecl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`

// nagiosBody is the 1.x plug-in's XML.
type nagiosBody struct {
	XMLName xml.Name `xml:"event"`
	APIKey  string   `xml:"apiKey"`
	Entries []struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	} `xml:"payload>entry"`
}

// handleNagios accepts the 1.x plug-in's XML (Content-Type application/xml, the XML
// declaration first, an apiKey) with 200 and an empty body, and answers anything else
// with 400.
func (s *Server) handleNagios(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var ev nagiosBody
	if r.Header.Get("Content-Type") != "application/xml" || !strings.HasPrefix(string(body), nagiosXMLDecl) ||
		xml.Unmarshal(body, &ev) != nil || strings.TrimSpace(ev.APIKey) == "" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "<error>not an iLert 1.x event</error>")
		return
	}
	vars := make(map[string]string, len(ev.Entries))
	for _, e := range ev.Entries {
		vars[e.Key] = e.Value
	}
	s.mu.Lock()
	s.nagios = append(s.nagios, NagiosEvent{IntegrationKey: ev.APIKey, Variables: vars})
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// handleHeartbeat accepts a ping at one of the two heartbeat endpoints with 202, as iLert
// does, for HEAD, GET and POST; other methods get 405.
func (s *Server) handleHeartbeat(e ilert.HeartbeatEndpoint) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodHead, http.MethodGet, http.MethodPost:
		default:
			w.Header().Set("Allow", "HEAD, GET, POST")
			writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "heartbeats accept HEAD, GET and POST")
			return
		}
		s.mu.Lock()
		s.beats = append(s.beats, HeartbeatPing{Key: r.PathValue("key"), Endpoint: e, Method: r.Method})
		s.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}
}

// authorized checks that a REST read carries a bearer token.
func authorized(w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "missing bearer token")
		return false
	}
	return true
}

func (s *Server) handleListAlerts(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r) {
		return
	}
	q := r.URL.Query()
	states := map[string]bool{}
	for _, st := range q["state"] {
		states[st] = true
	}
	sourceIDs := map[string]bool{}
	for _, id := range q["alert-source"] {
		sourceIDs[id] = true
	}
	s.mu.Lock()
	var match []ilert.Alert
	for _, a := range s.alerts {
		if len(states) > 0 && !states[string(a.Status)] {
			continue
		}
		if len(sourceIDs) > 0 && (a.AlertSource == nil || !sourceIDs[strconv.FormatInt(a.AlertSource.ID, 10)]) {
			continue
		}
		match = append(match, a)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, page(match, q))
}

func (s *Server) handleGetAlert(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.alerts {
		if err == nil && a.ID == id {
			writeJSON(w, http.StatusOK, a)
			return
		}
	}
	writeError(w, http.StatusNotFound, "NOT_FOUND", "alert not found")
}

func (s *Server) handleListSources(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r) {
		return
	}
	s.mu.Lock()
	sources := append([]ilert.AlertSource(nil), s.sources...)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, page(sources, r.URL.Query()))
}

// page applies start-index and max-results (default 50) to a list; never nil.
func page[T any](items []T, q map[string][]string) []T {
	get := func(name string, def int) int {
		if v, ok := q[name]; ok && len(v) > 0 {
			if n, err := strconv.Atoi(v[0]); err == nil && n >= 0 {
				return n
			}
		}
		return def
	}
	start, size := get("start-index", 0), get("max-results", 50)
	if start > len(items) {
		start = len(items)
	}
	end := min(start+size, len(items))
	return append([]T{}, items[start:end]...)
}
