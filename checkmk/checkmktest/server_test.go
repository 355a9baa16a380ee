package checkmktest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/checkmk/checkmktest"
	"github.com/google/go-cmp/cmp"
)

const api = "check_mk/api/1.0"

// post sends a raw request and decodes the problem JSON, if any.
func post(t *testing.T, srv *checkmktest.Server, method, path, contentType, auth, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+api+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var p map[string]any
	_ = json.Unmarshal(b, &p)
	return resp.StatusCode, p, resp.Header
}

func TestFakeAnswers(t *testing.T) {
	t.Parallel()
	srv := checkmktest.NewServer(t)
	srv.AddHost("db02", checkmk.HostDown)
	srv.AddHost("web01", checkmk.HostUp)
	srv.AddService("web01", "CPU load", checkmk.ServiceOK)
	good := "Bearer " + checkmktest.DefaultUser + " " + checkmktest.DefaultSecret
	ackHost := "/domain-types/acknowledge/collections/host"
	tests := []struct {
		name, method, path, ct, auth, body string
		status                             int
		title                              string
		field                              string // a field that must be named in "fields"
	}{
		{"no auth", "POST", ackHost, "application/json", "", `{}`, 401, "You need to be authenticated to use the REST API.", ""},
		{"wrong secret", "POST", ackHost, "application/json", "Bearer automation nope", `{}`, 401, "You need to be authenticated to use the REST API.", ""},
		{"basic auth", "POST", ackHost, "application/json", "Basic YXV0b21hdGlvbjp4", `{}`, 401, "", ""},
		{"form content type", "POST", ackHost, "application/x-www-form-urlencoded", good, `{}`, 415, "Unsupported Media Type", ""},
		{"charset is fine", "POST", ackHost, "application/json; charset=utf-8", good,
			`{"acknowledge_type":"host","host_name":"db02","comment":"c"}`, 204, "", ""},
		{"not JSON", "POST", ackHost, "application/json", good, `{"x"`, 400, "Bad Request", ""},
		{"array", "POST", ackHost, "application/json", good, `[]`, 400, "Bad Request", ""},
		{"missing comment", "POST", ackHost, "application/json", good, `{"acknowledge_type":"host","host_name":"db02"}`, 400, "Bad Request", "comment"},
		{"unknown field", "POST", ackHost, "application/json", good,
			`{"acknowledge_type":"host","host_name":"db02","comment":"c","color":"red"}`, 400, "Bad Request", "color"},
		{"string for bool", "POST", ackHost, "application/json", good,
			`{"acknowledge_type":"host","host_name":"db02","comment":"c","sticky":"yes"}`, 400, "Bad Request", "sticky"},
		{"bad expiry", "POST", ackHost, "application/json", good,
			`{"acknowledge_type":"host","host_name":"db02","comment":"c","expire_on":"tomorrow"}`, 400, "Bad Request", "expire_on"},
		{"hostgroup selector", "POST", ackHost, "application/json", good,
			`{"acknowledge_type":"hostgroup","hostgroup_name":"all","comment":"c"}`, 400, "Unhandled acknowledge-type.", ""},
		{"unknown host", "POST", ackHost, "application/json", good,
			`{"acknowledge_type":"host","host_name":"nope","comment":"c"}`, 400, "Bad Request", "host_name"},
		{"host up", "POST", ackHost, "application/json", good,
			`{"acknowledge_type":"host","host_name":"web01","comment":"c"}`, 422, "Host 'web01' has no problem.", ""},
		{"service ok", "POST", "/domain-types/acknowledge/collections/service", "application/json", good,
			`{"acknowledge_type":"service","host_name":"web01","service_description":"CPU load","comment":"c"}`, 422, "This service has no problem", ""},
		{"service unknown", "POST", "/domain-types/acknowledge/collections/service", "application/json", good,
			`{"acknowledge_type":"service","host_name":"web01","service_description":"Nope","comment":"c"}`, 400, "Service not found", ""},
		{"remove unknown type", "POST", "/domain-types/acknowledge/actions/delete/invoke", "application/json", good,
			`{"acknowledge_type":"all"}`, 400, "Unhandled acknowledge-type.", ""},
		{"comment wrong type", "POST", "/domain-types/comment/collections/host", "application/json", good,
			`{"comment_type":"service","host_name":"db02","comment":"c"}`, 400, "Bad Request", "comment_type"},
		{"list bad collection", "GET", "/domain-types/comment/collections/hosts", "", good, ``, 400, "Bad Request", "collection_name"},
		{"GET on a POST endpoint", "GET", ackHost, "", good, ``, 405, "", ""},
		{"unknown path", "POST", "/domain-types/downtime/collections/host", "application/json", good, `{}`, 404, "Not Found", ""},
	}
	for _, tt := range tests {
		status, p, h := post(t, srv, tt.method, tt.path, tt.ct, tt.auth, tt.body)
		if status != tt.status {
			t.Errorf("%s: status %d (%v), want %d", tt.name, status, p, tt.status)
			continue
		}
		if status >= 400 && status != 405 {
			if ct := h.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: Content-Type %q", tt.name, ct)
			}
			if p["status"] != float64(status) {
				t.Errorf("%s: problem status %v", tt.name, p["status"])
			}
		}
		if tt.title != "" && p["title"] != tt.title {
			t.Errorf("%s: title %v, want %q", tt.name, p["title"], tt.title)
		}
		if tt.field != "" {
			fields, _ := p["fields"].(map[string]any)
			if _, ok := fields[tt.field]; !ok {
				t.Errorf("%s: fields %v lack %q", tt.name, p["fields"], tt.field)
			}
		}
	}
	if n := len(srv.Acknowledgements()); n != 1 {
		t.Errorf("%d acknowledgements, want the one accepted request", n)
	}
}

func TestFakeDefaultsAndState(t *testing.T) {
	t.Parallel()
	srv := checkmktest.NewServer(t, checkmktest.AnyObjectHasProblem(), checkmktest.WithCredentials("relay", "p w"))
	good := "Bearer relay p w"
	status, _, _ := post(t, srv, "POST", "/domain-types/acknowledge/collections/service", "application/json", good,
		`{"acknowledge_type":"service","host_name":"any","service_description":"thing","comment":"c"}`)
	if status != 204 {
		t.Fatalf("status %d", status)
	}
	want := []checkmktest.Acknowledgement{{Host: "any", Service: "thing", Comment: "c", Sticky: true, Notify: true, User: "relay"}}
	if diff := cmp.Diff(want, srv.Acknowledgements()); diff != "" {
		t.Errorf("Checkmk's defaults for absent flags (-want +got):\n%s", diff)
	}
	if !srv.Acknowledged("any", "thing") {
		t.Error("not acknowledged")
	}
	srv.AddService("any", "thing", checkmk.ServiceOK)
	if srv.Acknowledged("any", "thing") {
		t.Error("an OK service keeps its acknowledgement")
	}
	// Removing where nothing is acknowledged is 204 too, and recorded as such.
	status, _, _ = post(t, srv, "POST", "/domain-types/acknowledge/actions/delete/invoke", "application/json", good,
		`{"acknowledge_type":"host","host_name":"any"}`)
	if status != 204 || len(srv.Removals()) != 1 || srv.Removals()[0].Removed {
		t.Errorf("remove: %d %+v", status, srv.Removals())
	}
}

func TestFakeWithoutAckRemoval(t *testing.T) {
	t.Parallel()
	srv := checkmktest.NewServer(t, checkmktest.WithoutAckRemoval())
	srv.AddHost("db02", checkmk.HostDown)
	good := "Bearer " + srv.User() + " " + srv.Secret()
	if status, _, _ := post(t, srv, "POST", "/domain-types/acknowledge/actions/delete/invoke", "application/json", good,
		`{"acknowledge_type":"host","host_name":"db02"}`); status != 404 {
		t.Errorf("remove: %d, want 404", status)
	}
	status, p, _ := post(t, srv, "POST", "/domain-types/acknowledge/collections/host", "application/json", good,
		`{"acknowledge_type":"host","host_name":"db02","comment":"c","expire_on":"2030-01-01T00:00:00Z"}`)
	if fields, _ := p["fields"].(map[string]any); status != 400 || fields["expire_on"] == nil {
		t.Errorf("expire_on: %d %v", status, p)
	}
}

func TestFakeFailNextBodyAndReset(t *testing.T) {
	t.Parallel()
	srv := checkmktest.NewServer(t)
	srv.FailNext(1, checkmktest.Failure{Status: 502, Body: "<html>Bad Gateway</html>"})
	srv.FailNext(1, checkmktest.Failure{Status: 500, Title: "Internal", Detail: "crash report 42"})
	good := "Bearer " + srv.User() + " " + srv.Secret()
	if status, p, _ := post(t, srv, "GET", "/domain-types/comment/collections/all", "", good, ``); status != 502 || p != nil {
		t.Errorf("first: %d %v", status, p)
	}
	if status, p, _ := post(t, srv, "GET", "/domain-types/comment/collections/all", "", good, ``); status != 500 || p["detail"] != "crash report 42" {
		t.Errorf("second: %d %v", status, p)
	}
	if status, p, _ := post(t, srv, "GET", "/domain-types/comment/collections/all", "", good, ``); status != 200 || p["value"] == nil {
		t.Errorf("third: %d %v", status, p)
	}
	got := []int{}
	for _, r := range srv.Requests() {
		got = append(got, r.Status)
	}
	if diff := cmp.Diff([]int{502, 500, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

func TestFakeConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := checkmktest.NewServer(t, checkmktest.AnyObjectHasProblem())
	c, err := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret(srv.Secret()))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			host := "h" + string(rune('a'+i))
			if _, err := c.AcknowledgeHost(context.Background(), host, checkmk.NewAcknowledgement("x")); err != nil {
				t.Error(err)
			}
			if _, err := c.AddHostComment(context.Background(), host, checkmk.Comment{Text: "y"}); err != nil {
				t.Error(err)
			}
			_ = srv.Acknowledgements()
		})
	}
	wg.Wait()
	if len(srv.Acknowledgements()) != 20 || len(srv.Comments()) != 20 || len(srv.Requests()) != 40 {
		t.Errorf("%d acks, %d comments, %d requests", len(srv.Acknowledgements()), len(srv.Comments()), len(srv.Requests()))
	}
}
