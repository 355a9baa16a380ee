package checkmktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
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

// User and Secret return the credentials the server accepts.
func (s *Server) User() string   { return s.user }
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

// authorized checks the bearer credentials, the permission and, for POST, the content
// type, as Checkmk does before an endpoint runs.
func (s *Server) authorized(perm string, next func(w http.ResponseWriter, r *http.Request, body map[string]json.RawMessage)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		user, secret, ok := bearer(r.Header.Get("Authorization"))
		if !ok || user != s.user || secret != s.secret {
			problem(w, http.StatusUnauthorized, "You need to be authenticated to use the REST API.", "", nil)
			return
		}
		if perm != "" && slices.Contains(s.denied, perm) {
			problem(w, http.StatusForbidden, "Forbidden", fmt.Sprintf("We are sorry, but you lack the permission for this "+
				"operation. If you do not like this then please ask your administrator to provide you with the following "+
				"permission: '<b>%s</b>'.", permissionTitles[perm]), nil)
			return
		}
		if r.Method != http.MethodPost {
			next(w, r, nil)
			return
		}
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
			problem(w, http.StatusUnsupportedMediaType, "Unsupported Media Type",
				fmt.Sprintf("Content-Type %q not supported for this endpoint.", r.Header.Get("Content-Type")), nil)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		var body map[string]json.RawMessage
		if err := json.Unmarshal(raw, &body); err != nil || body == nil {
			problem(w, http.StatusBadRequest, "Bad Request", "Invalid JSON in the request body.", nil)
			return
		}
		next(w, r, body)
	}
}

// bearer splits "Bearer <user> <secret>".
func bearer(h string) (user, secret string, ok bool) {
	rest, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return "", "", false
	}
	user, secret, ok = strings.Cut(strings.TrimSpace(rest), " ")
	return user, strings.TrimSpace(secret), ok
}

// fieldErrors collects marshmallow-style validation messages.
type fieldErrors map[string][]string

func (f fieldErrors) add(name, msg string) { f[name] = append(f[name], msg) }

// reject answers 400 with the field messages, as Checkmk's schema validation does.
func (f fieldErrors) reject(w http.ResponseWriter) bool {
	if len(f) == 0 {
		return false
	}
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	sort.Strings(names)
	problem(w, http.StatusBadRequest, "Bad Request", "These fields have problems: "+strings.Join(names, ", "), f)
	return true
}

// schema checks body against the allowed fields: required strings, optional booleans,
// no unknown fields.
func (s *Server) schema(body map[string]json.RawMessage, required []string, optional map[string]string) (fieldErrors, map[string]string, map[string]bool) {
	errs := fieldErrors{}
	strs, bools := map[string]string{}, map[string]bool{}
	for _, name := range required {
		raw, ok := body[name]
		if !ok {
			errs.add(name, "Missing data for required field.")
			continue
		}
		var v string
		if json.Unmarshal(raw, &v) != nil {
			errs.add(name, "Not a valid string.")
			continue
		}
		strs[name] = v
	}
	for name, raw := range body {
		if slices.Contains(required, name) {
			continue
		}
		kind, ok := optional[name]
		if !ok {
			errs.add(name, "Unknown field.")
			continue
		}
		switch kind {
		case "bool":
			var v bool
			if json.Unmarshal(raw, &v) != nil {
				errs.add(name, "Not a valid boolean.")
				continue
			}
			bools[name] = v
		case "string":
			var v string
			if json.Unmarshal(raw, &v) != nil {
				errs.add(name, "Not a valid string.")
				continue
			}
			strs[name] = v
		}
	}
	return errs, strs, bools
}

// hostState returns the state of a known host (or a DOWN host with AnyObjectHasProblem).
func (s *Server) hostState(name string) (checkmk.HostState, bool) {
	st, ok := s.hosts[name]
	if !ok && s.anyObject {
		return checkmk.HostDown, true
	}
	return st, ok
}

func (s *Server) serviceState(host, service string) (checkmk.ServiceState, bool) {
	st, ok := s.services[objKey{host, service}]
	if !ok && s.anyObject {
		return checkmk.ServiceCritical, true
	}
	return st, ok
}

func (s *Server) ackFields() map[string]string {
	f := map[string]string{"sticky": "bool", "persistent": "bool", "notify": "bool"}
	if !s.legacy {
		f["expire_on"] = "string"
	}
	return f
}

func (s *Server) ackHost(w http.ResponseWriter, r *http.Request, body map[string]json.RawMessage) {
	if !s.ackType(w, body, "host") {
		return
	}
	errs, strs, bools := s.schema(body, []string{"acknowledge_type", "host_name", "comment"}, s.ackFields())
	expire := parseExpire(errs, strs["expire_on"])
	s.mu.Lock()
	defer s.mu.Unlock()
	host := strs["host_name"]
	state, known := s.hostState(host)
	if _, failed := errs["host_name"]; !failed && !known {
		errs.add("host_name", fmt.Sprintf("Host %q does not exist.", host))
	}
	if errs.reject(w) {
		return
	}
	if state.ID() <= 0 {
		problem(w, http.StatusUnprocessableEntity, fmt.Sprintf("Host %s has no problem.", pyRepr(host)),
			"You can't acknowledge a problem that doesn't exist.", nil)
		return
	}
	s.acknowledge(host, "", strs["comment"], bools, expire)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) ackService(w http.ResponseWriter, r *http.Request, body map[string]json.RawMessage) {
	if !s.ackType(w, body, "service") {
		return
	}
	errs, strs, bools := s.schema(body, []string{"acknowledge_type", "host_name", "service_description", "comment"}, s.ackFields())
	expire := parseExpire(errs, strs["expire_on"])
	s.mu.Lock()
	defer s.mu.Unlock()
	host, service := strs["host_name"], strs["service_description"]
	if _, known := s.hostState(host); !known {
		if _, failed := errs["host_name"]; !failed {
			errs.add("host_name", fmt.Sprintf("Host %q does not exist.", host))
		}
	}
	if errs.reject(w) {
		return
	}
	state, known := s.serviceState(host, service)
	if !known {
		problem(w, http.StatusBadRequest, "Service not found",
			fmt.Sprintf("Service %s@%s could not be found.", pyRepr(service), pyRepr(host)), nil)
		return
	}
	if state.ID() <= 0 {
		problem(w, http.StatusUnprocessableEntity, "This service has no problem",
			fmt.Sprintf("Service %s@%s has no problem.", pyRepr(service), pyRepr(host)), nil)
		return
	}
	s.acknowledge(host, service, strs["comment"], bools, expire)
	w.WriteHeader(http.StatusNoContent)
}

// ackType checks acknowledge_type; Checkmk also knows group and query selectors, which the
// fake does not implement (it answers them 400 like an unknown type).
func (s *Server) ackType(w http.ResponseWriter, body map[string]json.RawMessage, want string) bool {
	var t string
	_ = json.Unmarshal(body["acknowledge_type"], &t)
	if t != want {
		problem(w, http.StatusBadRequest, "Unhandled acknowledge-type.", fmt.Sprintf("The acknowledge-type %s is not supported.", pyRepr(t)), nil)
		return false
	}
	return true
}

func parseExpire(errs fieldErrors, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		errs.add("expire_on", "Not a valid datetime.")
	}
	return t
}

// acknowledge records an acknowledgement; Checkmk's defaults fill absent flags.
func (s *Server) acknowledge(host, service, comment string, bools map[string]bool, expire time.Time) {
	flag := func(name string, def bool) bool {
		if v, ok := bools[name]; ok {
			return v
		}
		return def
	}
	s.acked[objKey{host, service}] = true
	s.acks = append(s.acks, Acknowledgement{Host: host, Service: service, Comment: comment,
		Sticky: flag("sticky", true), Persistent: flag("persistent", false), Notify: flag("notify", true),
		ExpireOn: expire, User: s.user})
}

func (s *Server) removeAck(w http.ResponseWriter, r *http.Request, body map[string]json.RawMessage) {
	if s.legacy {
		problem(w, http.StatusNotFound, "Not Found", "The requested URL was not found on the server.", nil)
		return
	}
	var t string
	_ = json.Unmarshal(body["acknowledge_type"], &t)
	required := []string{"acknowledge_type", "host_name"}
	switch t {
	case "host":
	case "service":
		required = append(required, "service_description")
	default:
		problem(w, http.StatusBadRequest, "Unhandled acknowledge-type.", fmt.Sprintf("The acknowledge-type %s is not supported.", pyRepr(t)), nil)
		return
	}
	errs, strs, _ := s.schema(body, required, nil)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, known := s.hostState(strs["host_name"]); !known {
		if _, failed := errs["host_name"]; !failed {
			errs.add("host_name", fmt.Sprintf("Host %q does not exist.", strs["host_name"]))
		}
	}
	if errs.reject(w) {
		return
	}
	k := objKey{strs["host_name"], strs["service_description"]}
	s.removals = append(s.removals, Removal{Host: k.host, Service: k.service, Removed: s.acked[k]})
	delete(s.acked, k)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) addComment(service bool) func(w http.ResponseWriter, r *http.Request, body map[string]json.RawMessage) {
	return func(w http.ResponseWriter, r *http.Request, body map[string]json.RawMessage) {
		want, required := "host", []string{"comment_type", "host_name", "comment"}
		if service {
			want, required = "service", append(required, "service_description")
		}
		var t string
		_ = json.Unmarshal(body["comment_type"], &t)
		errs, strs, bools := s.schema(body, required, map[string]string{"persistent": "bool"})
		if t != want {
			errs.add("comment_type", "Unsupported value: "+t)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, known := s.hostState(strs["host_name"]); !known {
			if _, failed := errs["host_name"]; !failed {
				errs.add("host_name", fmt.Sprintf("Host %q does not exist.", strs["host_name"]))
			}
		}
		if errs.reject(w) {
			return
		}
		s.nextID++
		s.comments = append(s.comments, Comment{ID: s.nextID, Host: strs["host_name"], Service: strs["service_description"],
			Text: strs["comment"], Persistent: bools["persistent"], Author: s.user, EntryTime: s.now().UTC().Truncate(time.Second)})
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request, _ map[string]json.RawMessage) {
	coll := r.PathValue("collection")
	if coll != "all" && coll != "host" && coll != "service" {
		problem(w, http.StatusBadRequest, "Bad Request", "These fields have problems: collection_name",
			fieldErrors{"collection_name": {"Must be one of: host, service, all."}})
		return
	}
	q := r.URL.Query()
	host, service, site := q.Get("host_name"), q.Get("service_description"), q.Get("site_id")
	if site != "" && site != s.site {
		problem(w, http.StatusBadRequest, "Bad Request", "These fields have problems: site_id",
			fieldErrors{"site_id": {fmt.Sprintf("Site %q does not exist.", site)}})
		return
	}
	s.mu.Lock()
	var values []map[string]any
	for _, c := range s.comments {
		isService := c.Service != ""
		if (coll == "host" && isService) || (coll == "service" && !isService) ||
			(host != "" && c.Host != host) || (service != "" && c.Service != service) {
			continue
		}
		ext := map[string]any{"id": c.ID, "host_name": c.Host, "author": c.Author, "comment": c.Text,
			"persistent": c.Persistent, "entry_time": c.EntryTime.Format("2006-01-02T15:04:05") + "+00:00",
			"is_service": isService, "site_id": s.site}
		if isService {
			ext["service_description"] = c.Service
		}
		values = append(values, map[string]any{"domainType": "comment", "id": fmt.Sprint(c.ID), "title": c.Text,
			"links": []any{}, "members": map[string]any{}, "extensions": ext})
	}
	s.mu.Unlock()
	if values == nil {
		values = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"domainType": "comment", "id": "comment", "links": []any{}, "value": values})
}

// problem writes Checkmk's problem JSON.
func problem(w http.ResponseWriter, status int, title, detail string, fields fieldErrors) {
	p := map[string]any{"title": title, "status": status}
	if detail != "" {
		p["detail"] = detail
	}
	if len(fields) > 0 {
		p["fields"] = fields
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// pyRepr quotes s as Python's repr does for plain strings ('web01'), which Checkmk's
// messages use.
func pyRepr(s string) string {
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}
