package alertopstest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/google/go-cmp/cmp"
)

func post(t *testing.T, srv *alertopstest.Server, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServerAnswers(t *testing.T) {
	t.Parallel()
	const alert = `{"EventKey":"web01","Source":"Checkmk","Severity":"critical","Timestamp":"2026-04-07T16:59:32Z","ticket":7}`
	tests := []struct {
		name       string
		opts       []alertopstest.Option
		method     string
		path       func(*alertopstest.Server) string
		body       string
		wantStatus int
		wantAlerts int
	}{
		{"alert accepted", nil, "POST", func(s *alertopstest.Server) string { return s.URL("k", "CheckMK") }, alert, 200, 1},
		{"escaped key", nil, "POST", func(s *alertopstest.Server) string { return s.URL("a/b c", "Custom") }, alert, 200, 1},
		{"any JSON object", nil, "POST", func(s *alertopstest.Server) string { return s.URL("k", "CheckMK") }, `{}`, 200, 1},
		{"not JSON", nil, "POST", func(s *alertopstest.Server) string { return s.URL("k", "CheckMK") }, `EventKey=x`, 400, 0},
		{"JSON array", nil, "POST", func(s *alertopstest.Server) string { return s.URL("k", "CheckMK") }, `[]`, 400, 0},
		{"JSON null", nil, "POST", func(s *alertopstest.Server) string { return s.URL("k", "CheckMK") }, `null`, 400, 0},
		{"wrong field type", nil, "POST", func(s *alertopstest.Server) string { return s.URL("k", "CheckMK") }, `{"Resolved":"yes"}`, 400, 0},
		{"GET", nil, "GET", func(s *alertopstest.Server) string { return s.URL("k", "CheckMK") }, "", 405, 0},
		{"wrong path", nil, "POST", func(s *alertopstest.Server) string { return s.BaseURL() + "/POSTAlert/k" }, alert, 404, 0},
		{"accepted key", []alertopstest.Option{alertopstest.AcceptKeys("k")}, "POST",
			func(s *alertopstest.Server) string { return s.URL("k", "CheckMK") }, alert, 200, 1},
		{"unknown key", []alertopstest.Option{alertopstest.AcceptKeys("k")}, "POST",
			func(s *alertopstest.Server) string { return s.URL("other", "CheckMK") }, alert, 401, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := alertopstest.NewServer(t, tt.opts...)
			status, _ := post(t, srv, tt.method, tt.path(srv), tt.body)
			if status != tt.wantStatus {
				t.Errorf("status %d, want %d", status, tt.wantStatus)
			}
			if n := len(srv.Alerts()); n != tt.wantAlerts {
				t.Errorf("%d alerts recorded, want %d", n, tt.wantAlerts)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 || reqs[0].Status != tt.wantStatus || string(reqs[0].Body) != tt.body || reqs[0].Method != tt.method {
				t.Errorf("requests recorded: %+v", reqs)
			}
		})
	}
}

func TestServerRecordsDecodedAlerts(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	status, _ := post(t, srv, "POST", srv.URL("a/b c", "CheckMK"),
		`{"EventKey":"web01","Resolved":true,"Timestamp":"2026-04-07T18:59:32+02:00","ticket":7}`)
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	want := []alertopstest.Received{{Key: "a/b c", Integration: "CheckMK", Alert: alertops.Alert{
		EventKey: "web01", Resolved: true, Timestamp: time.Date(2026, 4, 7, 16, 59, 32, 0, time.UTC),
		Extra: map[string]any{"ticket": json.Number("7")},
	}}}
	if diff := cmp.Diff(want, srv.Alerts()); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	r := srv.Requests()[0]
	if r.Path != "/POSTAlert/a/b c/CheckMK" || r.RawPath != "/POSTAlert/a%2Fb%20c/CheckMK" {
		t.Errorf("Path %q RawPath %q", r.Path, r.RawPath)
	}
}

func TestServerFailNext(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	srv.FailNext(1, alertopstest.Failure{Status: 503, Header: http.Header{"Retry-After": {"3"}}})
	srv.FailNext(1, alertopstest.Failure{Status: 202, Body: "queued"})
	srv.FailNext(1, alertopstest.Failure{})
	body := `{"EventKey":"k"}`
	for _, want := range []struct {
		status int
		body   string
	}{{503, "Service Unavailable"}, {202, "queued"}, {500, "Internal Server Error"}, {200, ""}} {
		status, got := post(t, srv, "POST", srv.URL("k", "CheckMK"), body)
		if status != want.status || got != want.body {
			t.Errorf("answer %d %q, want %d %q", status, got, want.status, want.body)
		}
	}
	if n := len(srv.Alerts()); n != 1 {
		t.Errorf("%d alerts recorded, want 1 (scripted answers record none)", n)
	}
}

func TestServerResetAndDelay(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	srv.FailNext(1, alertopstest.Failure{Reset: true})
	srv.FailNext(1, alertopstest.Failure{Delay: time.Minute})
	req, _ := http.NewRequestWithContext(context.Background(), "POST", srv.URL("k", "CheckMK"), strings.NewReader("{}"))
	if resp, err := srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("a reset request got an answer")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ = http.NewRequestWithContext(ctx, "POST", srv.URL("k", "CheckMK"), strings.NewReader("{}"))
	if resp, err := srv.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		if err == nil {
			resp.Body.Close()
		}
		t.Fatalf("delayed request: err = %v, want a deadline", err)
	}
	srv.Close() // waits for the delayed handler, which returns when the client gives up
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Status != 0 || reqs[1].Status != 0 {
		t.Errorf("requests %+v, want two unanswered", reqs)
	}
	srv.Close() // idempotent
}

func TestRequestsAreCopies(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	post(t, srv, "POST", srv.URL("k", "CheckMK"), `{"EventKey":"k"}`)
	r := srv.Requests()
	r[0].Body[0] = 'X'
	r[0].Header.Set("User-Agent", "changed")
	again := srv.Requests()
	if again[0].Body[0] != '{' || again[0].Header.Get("User-Agent") == "changed" {
		t.Error("Requests returned the server's own slices")
	}
}
