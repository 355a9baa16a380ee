package ilerttest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/google/go-cmp/cmp"
)

func post(t *testing.T, srv *ilerttest.Server, path, body string) (int, map[string]any) {
	t.Helper()
	resp, err := srv.Client().Post(srv.URL()+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

func TestEventsEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		path, body string
		wantStatus int
		wantCode   string
	}{
		{"valid", "/api/events", `{"integrationKey":"k","eventType":"ALERT","summary":"s","alertKey":"a"}`, 202, ""},
		{"legacy path and names", "/api/v1/events", `{"apiKey":"k","eventType":"ALERT","summary":"s","incidentKey":"a"}`, 202, ""},
		{"not JSON", "/api/events", `<event/>`, 400, ilerttest.CodeInvalidJSON},
		{"invalid event", "/api/events", `{"integrationKey":"k","eventType":"ALERT"}`, 400, ilerttest.CodeInvalidEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			status, body := post(t, srv, tt.path, tt.body)
			if status != tt.wantStatus {
				t.Errorf("status %d, want %d", status, tt.wantStatus)
			}
			if tt.wantCode != "" {
				if body["code"] != tt.wantCode || body["status"] != float64(tt.wantStatus) || body["message"] == "" {
					t.Errorf("error body %v, want iLert's {status, message, code} with code %s", body, tt.wantCode)
				}
				if len(srv.Events()) != 0 {
					t.Error("a rejected event was recorded as accepted")
				}
			} else {
				want := []ilert.Event{{IntegrationKey: "k", EventType: ilert.EventTypeAlert, Summary: "s", AlertKey: "a"}}
				if diff := cmp.Diff(want, srv.Events()); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
				if body["alertKey"] != "a" || body["alertUrl"] == nil {
					t.Errorf("success body %v", body)
				}
			}
			reqs := srv.Requests()
			if len(reqs) != 1 || string(reqs[0].Body) != tt.body || reqs[0].Status != tt.wantStatus {
				t.Errorf("recorded requests %+v", reqs)
			}
		})
	}
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	srv.FailNext(2, ilerttest.Failure{Status: 503, Header: http.Header{"Retry-After": {"5"}}})
	srv.FailNext(1, ilerttest.Failure{Status: 400, Code: "X", Message: "m"})
	ev := `{"integrationKey":"k","eventType":"ALERT","summary":"s"}`
	var got []int
	for range 4 {
		status, _ := post(t, srv, "/api/events", ev)
		got = append(got, status)
	}
	if diff := cmp.Diff([]int{503, 503, 400, 202}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if n := len(srv.Events()); n != 1 {
		t.Errorf("%d events accepted, want 1", n)
	}
}

func TestFailureResetAndDelay(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	srv.FailNext(1, ilerttest.Failure{Reset: true})
	_, err := srv.Client().Post(srv.URL()+"/api/events", "application/json", strings.NewReader("{}"))
	if err == nil {
		t.Error("a reset connection gave an answer")
	}

	srv.FailNext(1, ilerttest.Failure{Status: 202, Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/api/events", strings.NewReader("{}"))
	_, err = srv.Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("delayed answer: %v, want the client's deadline", err)
	}
}

func TestTrackOpenAlertsCheckmk(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t, ilerttest.TrackOpenAlerts())
	ctx := func(nt string) string {
		b, _ := json.Marshal(map[string]string{"WHAT": "HOST", "HOSTNAME": "web01", "NOTIFICATIONTYPE": nt})
		return string(b)
	}
	var got []int
	for _, nt := range []string{"RECOVERY", "PROBLEM", "ACKNOWLEDGEMENT", "RECOVERY", "DOWNTIMESTART"} {
		status, body := post(t, srv, "/api/v1/events/checkmk-ext/key1", ctx(nt))
		got = append(got, status)
		if status == 400 && body["code"] != ilert.CodeNoneOpenForKey {
			t.Errorf("%s: code %v, want NONE_OPEN_FOR_KEY", nt, body["code"])
		}
	}
	if diff := cmp.Diff([]int{400, 202, 202, 202, 202}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	events := srv.CheckmkEvents()
	if len(events) != 4 || events[0].IntegrationKey != "key1" || events[0].Context["NOTIFICATIONTYPE"] != "PROBLEM" {
		t.Errorf("checkmk events %+v", events)
	}
}

func TestConcurrentAccess(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			resp, err := srv.Client().Post(srv.URL()+"/api/events", "application/json",
				strings.NewReader(`{"integrationKey":"k","eventType":"ALERT","summary":"s"}`))
			if err == nil {
				resp.Body.Close()
			}
			_ = srv.Events()
			_ = srv.Requests()
		})
	}
	wg.Wait()
	if n := len(srv.Events()); n != 10 {
		t.Errorf("%d events, want 10", n)
	}
	srv.Close()
	srv.Close() // idempotent
}

func TestNagiosEndpoint(t *testing.T) {
	t.Parallel()
	const decl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`
	valid := decl + `<event><apiKey>k</apiKey><payload><entry key="NOTIFY_HOSTNAME">web01</entry><entry key="PLUGIN_VERSION">1.7</entry></payload></event>`
	tests := []struct {
		name, contentType, body string
		wantStatus              int
	}{
		{"valid", "application/xml", valid, http.StatusOK},
		{"JSON content type", "application/json", valid, http.StatusBadRequest},
		{"no declaration", "application/xml", strings.TrimPrefix(valid, decl), http.StatusBadRequest},
		{"no key", "application/xml", decl + `<event><apiKey></apiKey><payload></payload></event>`, http.StatusBadRequest},
		{"not XML", "application/xml", decl + `<event>`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			resp, err := srv.Client().Post(srv.URL()+"/api/v1/events/nagios", tt.contentType, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			var want []ilerttest.NagiosEvent
			if tt.wantStatus == http.StatusOK {
				want = []ilerttest.NagiosEvent{{IntegrationKey: "k", Variables: map[string]string{"NOTIFY_HOSTNAME": "web01", "PLUGIN_VERSION": "1.7"}}}
			}
			if diff := cmp.Diff(want, srv.NagiosEvents()); diff != "" {
				t.Errorf("recorded (-want +got):\n%s", diff)
			}
		})
	}
}
