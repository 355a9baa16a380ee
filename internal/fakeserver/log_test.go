package fakeserver

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// newServer starts a fake whose own handler answers 202 "ok" after reading the body.
func newServer(t *testing.T) (*Log, *httptest.Server) {
	t.Helper()
	var l Log
	srv := httptest.NewServer(l.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "ok:"+string(body))
	})))
	t.Cleanup(srv.Close)
	return &l, srv
}

func post(t *testing.T, c *http.Client, url, body string) (status int, header http.Header, answer string) {
	t.Helper()
	resp, err := c.Post(url, "text/plain", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestLogScriptedAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		failure    Failure
		wantStatus int
		wantBody   string
		wantHeader string // Retry-After
	}{
		{"default status", Failure{}, http.StatusInternalServerError, "", ""},
		{"status and header", Failure{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}},
			http.StatusTooManyRequests, "", "7"},
		{"body writer sees the resolved status", Failure{Write: func(w http.ResponseWriter, status int) {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, http.StatusText(status))
		}}, http.StatusInternalServerError, "Internal Server Error", ""},
		{"scripted success", Failure{Status: http.StatusOK, Write: func(w http.ResponseWriter, status int) {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "scripted")
		}}, http.StatusOK, "scripted", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, srv := newServer(t)
			l.FailNext(1, tt.failure)
			status, header, body := post(t, srv.Client(), srv.URL+"/a", "first")
			if status != tt.wantStatus || body != tt.wantBody || header.Get("Retry-After") != tt.wantHeader {
				t.Errorf("scripted answer = %d %q (Retry-After %q), want %d %q (%q)",
					status, body, header.Get("Retry-After"), tt.wantStatus, tt.wantBody, tt.wantHeader)
			}
			status, _, body = post(t, srv.Client(), srv.URL+"/b", "second")
			if status != http.StatusAccepted || body != "ok:second" {
				t.Errorf("answer after the script = %d %q, want the handler's 202", status, body)
			}
			got := l.Requests()
			want := []Request{
				{Method: http.MethodPost, Path: "/a", RawPath: "/a", Body: []byte("first"), Status: tt.wantStatus},
				{Method: http.MethodPost, Path: "/b", RawPath: "/b", Body: []byte("second"), Status: http.StatusAccepted},
			}
			if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Header" }, cmp.Ignore())); diff != "" {
				t.Errorf("Requests() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLogFailNextCountsAndOrder(t *testing.T) {
	t.Parallel()
	l, srv := newServer(t)
	l.FailNext(2, Failure{Status: http.StatusServiceUnavailable})
	l.FailNext(1, Failure{Status: http.StatusBadGateway})
	var got []int
	for range 4 {
		status, _, _ := post(t, srv.Client(), srv.URL, "x")
		got = append(got, status)
	}
	if diff := cmp.Diff([]int{503, 503, 502, 202}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

func TestLogResetAndAbandon(t *testing.T) {
	t.Parallel()
	t.Run("reset", func(t *testing.T) {
		t.Parallel()
		l, srv := newServer(t)
		l.FailNext(1, Failure{Reset: true})
		if resp, err := srv.Client().Post(srv.URL, "text/plain", strings.NewReader("x")); err == nil {
			resp.Body.Close()
			t.Fatalf("a reset answered %d", resp.StatusCode)
		}
		if got := l.Requests(); len(got) != 1 || got[0].Status != 0 {
			t.Errorf("Requests() = %+v, want one request with status 0", got)
		}
	})
	t.Run("delay outlasting the client", func(t *testing.T) {
		t.Parallel()
		l, srv := newServer(t)
		l.FailNext(1, Failure{Delay: time.Hour})
		ctx, cancel := context.WithCancel(t.Context())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/slow?q=1", nil)
		done := make(chan error, 1)
		go func() {
			resp, err := srv.Client().Do(req)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		for len(l.Requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
		if err := <-done; err == nil {
			t.Fatal("the abandoned request was answered")
		}
		srv.Close() // waits for the handler, so its status is recorded
		got := l.Requests()
		if len(got) != 1 || got[0].Status != 0 || got[0].Query != "q=1" || got[0].Path != "/slow" {
			t.Errorf("Requests() = %+v, want the abandoned request with status 0", got)
		}
	})
}

func TestLogRequestsAreCopies(t *testing.T) {
	t.Parallel()
	l, srv := newServer(t)
	post(t, srv.Client(), srv.URL+"/a%2Fb", "body")
	first := l.Requests()
	first[0].Body[0] = 'X'
	first[0].Header.Set("Content-Type", "changed")
	again := l.Requests()
	if string(again[0].Body) != "body" || again[0].Header.Get("Content-Type") != "text/plain" {
		t.Errorf("Requests() shares its copies: %+v", again[0])
	}
	if again[0].Path != "/a/b" || again[0].RawPath != "/a%2Fb" {
		t.Errorf("Path, RawPath = %q, %q, want /a/b, /a%%2Fb", again[0].Path, again[0].RawPath)
	}
}

func TestLogBoundsTheBody(t *testing.T) {
	t.Parallel()
	l, srv := newServer(t)
	post(t, srv.Client(), srv.URL, strings.Repeat("x", MaxBody+10))
	if got := len(l.Requests()[0].Body); got != MaxBody {
		t.Errorf("recorded %d bytes of the body, want %d", got, MaxBody)
	}
}
