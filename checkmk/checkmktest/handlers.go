package checkmktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
)

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
	s.checkHostKnown(errs, strs["host_name"])
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
		s.checkHostKnown(errs, strs["host_name"])
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

// checkHostKnown adds Checkmk's field error for a host the site does not monitor, unless
// the field failed already. Call it with s.mu held.
func (s *Server) checkHostKnown(errs fieldErrors, host string) {
	if _, known := s.hostState(host); !known {
		if _, failed := errs["host_name"]; !failed {
			errs.add("host_name", fmt.Sprintf("Host %q does not exist.", host))
		}
	}
}
