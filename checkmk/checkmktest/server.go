package checkmktest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/internal/fakeserver"
)

// The credentials the server accepts unless [WithCredentials] says otherwise.
const (
	DefaultUser   = "automation"
	DefaultSecret = "checkmktest-automation-secret"
	// DefaultSite is the site name in the server's URL.
	DefaultSite = "cmk"
)

// The permissions the REST calls need (see [DenyPermission]).
const (
	PermAcknowledge = "action.acknowledge"
	PermAddComment  = "action.addcomment"
)

// permissionTitles are the titles Checkmk's 403 answers name (INFERRED from the
// permissions' titles in Checkmk's GUI).
var permissionTitles = map[string]string{PermAcknowledge: "Acknowledge", PermAddComment: "Add comments"}

// Request is one request the server received, whatever it answered.
type Request struct {
	Method string
	// Path is the request path, unescaped, e.g. /cmk/check_mk/api/1.0/domain-types/...
	Path  string
	Query string
	// Header holds the request headers, Authorization included (the secret is in it).
	Header http.Header
	Body   []byte
	// Status is what the server answered (0 for a connection reset).
	Status int
}

// Acknowledgement is an acknowledgement the server set.
type Acknowledgement struct {
	Host, Service string // Service is empty for a host
	Comment       string
	Sticky        bool
	Persistent    bool
	Notify        bool
	// ExpireOn is the expiry the request asked for, zero if none.
	ExpireOn time.Time
	// User is the automation user that set it.
	User string
}

// Removal is a removal of acknowledgements the server carried out (also when there was
// nothing to remove, which Checkmk answers 204 as well).
type Removal struct {
	Host, Service string
	// Removed reports whether an acknowledgement was there.
	Removed bool
}

// Comment is a comment the server holds.
type Comment struct {
	ID            int64
	Host, Service string
	Text          string
	Persistent    bool
	Author        string
	EntryTime     time.Time
}

// Failure describes how the server answers a request it is told to fail.
type Failure struct {
	// Status is the HTTP status (default 500 unless Reset).
	Status int
	// Title and Detail fill Checkmk's problem JSON {"title", "status", "detail"};
	// Title defaults to the status text.
	Title, Detail string
	// Body, if set, is sent verbatim instead (e.g. a proxy's HTML page).
	Body string
	// Header is added to the answer (e.g. Retry-After).
	Header http.Header
	// Delay holds the answer back (or until the client gives up).
	Delay time.Duration
	// Reset closes the connection without an answer.
	Reset bool
}

// Option configures a Server.
type Option func(*Server)

// WithSite sets the site name in the server's URL (default [DefaultSite]).
func WithSite(site string) Option { return func(s *Server) { s.site = site } }

// WithCredentials sets the automation user and secret the server accepts (default
// [DefaultUser], [DefaultSecret]).
func WithCredentials(user, secret string) Option {
	return func(s *Server) { s.user, s.secret = user, secret }
}

// DenyPermission makes the server answer 403, as Checkmk does for an automation user
// without the permission, to the calls that need it ([PermAcknowledge], [PermAddComment]).
func DenyPermission(perm string) Option {
	return func(s *Server) { s.denied = append(s.denied, perm) }
}

// WithoutAckRemoval makes the server behave like Checkmk before 2.4.0p6: the endpoint to
// remove acknowledgements does not exist (404) and expire_on is an unknown field (400).
func WithoutAckRemoval() Option { return func(s *Server) { s.legacy = true } }

// AnyObjectHasProblem makes the server treat every host and service it has not been told
// about ([Server.AddHost], [Server.AddService]) as existing and in a problem state (DOWN,
// CRITICAL), instead of unknown (400).
func AnyObjectHasProblem() Option { return func(s *Server) { s.anyObject = true } }

// WithClock sets the clock that dates comments (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Server is a fake Checkmk REST API. Create it with [NewServer] or [Start].
type Server struct {
	srv       *httptest.Server
	site      string
	user      string
	secret    string
	denied    []string
	legacy    bool
	anyObject bool
	now       func() time.Time

	log       fakeserver.Log
	mu        sync.Mutex
	hosts     map[string]checkmk.HostState
	services  map[objKey]checkmk.ServiceState
	acked     map[objKey]bool
	acks      []Acknowledgement
	removals  []Removal
	comments  []Comment
	nextID    int64
	closeOnce sync.Once
}

// postPaths are the POST endpoints below the API path.
var postPaths = []string{
	"/domain-types/acknowledge/collections/host", "/domain-types/acknowledge/collections/service",
	"/domain-types/acknowledge/actions/delete/invoke", "/domain-types/comment/collections/host",
	"/domain-types/comment/collections/service",
}

// objKey names a host ("" service) or a service.
type objKey struct{ host, service string }

// NewServer starts a fake Checkmk and closes it when the test ends.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := Start(opts...)
	tb.Cleanup(s.Close)
	return s
}

// Start starts a fake Checkmk; the caller must Close it.
func Start(opts ...Option) *Server {
	s := &Server{site: DefaultSite, user: DefaultUser, secret: DefaultSecret, now: time.Now,
		hosts: map[string]checkmk.HostState{}, services: map[objKey]checkmk.ServiceState{}, acked: map[objKey]bool{}}
	for _, o := range opts {
		o(s)
	}
	api := "/" + s.site + "/" + checkmk.APIPath
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+api+"/domain-types/acknowledge/collections/host", s.authorized(PermAcknowledge, s.ackHost))
	mux.HandleFunc("POST "+api+"/domain-types/acknowledge/collections/service", s.authorized(PermAcknowledge, s.ackService))
	mux.HandleFunc("POST "+api+"/domain-types/acknowledge/actions/delete/invoke", s.authorized(PermAcknowledge, s.removeAck))
	mux.HandleFunc("POST "+api+"/domain-types/comment/collections/host", s.authorized(PermAddComment, s.addComment(false)))
	mux.HandleFunc("POST "+api+"/domain-types/comment/collections/service", s.authorized(PermAddComment, s.addComment(true)))
	mux.HandleFunc("GET "+api+"/domain-types/comment/collections/{collection}", s.authorized("", s.listComments))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rest, _ := strings.CutPrefix(r.URL.Path, api)
		allow := ""
		switch {
		case slices.Contains(postPaths, rest):
			allow = http.MethodPost
		case strings.HasPrefix(rest, "/domain-types/comment/collections/") && strings.Count(rest, "/") == 3:
			allow = http.MethodGet
		}
		if allow != "" && strings.HasPrefix(r.URL.Path, api+"/") {
			w.Header().Set("Allow", allow)
			problem(w, http.StatusMethodNotAllowed, "Method Not Allowed", "The method is not allowed for the requested URL.", nil)
			return
		}
		problem(w, http.StatusNotFound, "Not Found", "The requested URL was not found on the server.", nil)
	})
	s.srv = httptest.NewServer(s.log.Handler(mux))
	return s
}

// URL returns the site's URL, "http://127.0.0.1:PORT/<site>/", to pass to
// checkmk.NewClient.
func (s *Server) URL() string { return s.srv.URL + "/" + s.site + "/" }

// Client returns an *http.Client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close shuts the server down; it is safe to call more than once.
func (s *Server) Close() { s.closeOnce.Do(s.srv.Close) }

// User returns the automation user the server accepts.
func (s *Server) User() string { return s.user }

// Secret returns the automation secret the server accepts.
func (s *Server) Secret() string { return s.secret }

// AddHost adds a monitored host in the given state (checkmk.HostUp has no problem).
// Adding it again sets the state; an acknowledgement is removed when the host is UP.
func (s *Server) AddHost(name string, state checkmk.HostState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hosts[name] = state
	if state.ID() <= 0 {
		delete(s.acked, objKey{name, ""})
	}
}

// AddService adds a monitored service in the given state (checkmk.ServiceOK has no
// problem), and its host UP if the host is unknown.
func (s *Server) AddService(host, service string, state checkmk.ServiceState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.hosts[host]; !ok {
		s.hosts[host] = checkmk.HostUp
	}
	s.services[objKey{host, service}] = state
	if state.ID() <= 0 {
		delete(s.acked, objKey{host, service})
	}
}

// FailNext makes the next n requests (to any endpoint) fail as f says.
func (s *Server) FailNext(n int, f Failure) {
	s.log.FailNext(n, fakeserver.Failure{Status: f.Status, Header: f.Header, Delay: f.Delay, Reset: f.Reset,
		Write: func(w http.ResponseWriter, status int) {
			if f.Body != "" {
				w.WriteHeader(status)
				_, _ = io.WriteString(w, f.Body)
				return
			}
			title := f.Title
			if title == "" {
				title = http.StatusText(status)
			}
			problem(w, status, title, f.Detail, nil)
		}})
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

// Acknowledgements returns the acknowledgements set (answered 204), in order.
func (s *Server) Acknowledgements() []Acknowledgement {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acks)
}

// Removals returns the removals of acknowledgements carried out, in order.
func (s *Server) Removals() []Removal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.removals)
}

// Comments returns the comments added, in order.
func (s *Server) Comments() []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.comments)
}

// Acknowledged reports whether the host (service "") or service is acknowledged now.
func (s *Server) Acknowledged(host, service string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acked[objKey{host, service}]
}
