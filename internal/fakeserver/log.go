package fakeserver

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/alertbridge/alertbridge/internal/httpstatus"
)

// MaxBody bounds what a fake server reads and records of a request body.
const MaxBody = 4 << 20

// Request is one request a fake server received, whatever it answered.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the request path, unescaped.
	Path string
	// RawPath is the path as sent, escaped.
	RawPath string
	// Query is the raw query string, without "?".
	Query string
	// Header holds the request headers.
	Header http.Header
	// Body is the request body (at most MaxBody of it).
	Body []byte
	// Status is what the server answered (0 for a connection reset or an abandoned
	// request).
	Status int
}

// Failure is a scripted answer.
type Failure struct {
	// Status is the HTTP status to answer with (default 500 when Reset is false).
	Status int
	// Header is added to the answer (e.g. Retry-After) before Write runs.
	Header http.Header
	// Delay holds the answer back (or until the client gives up: then nothing is
	// answered).
	Delay time.Duration
	// Reset closes the connection without an answer (a TCP reset).
	Reset bool
	// Write writes the answer, status included, with the status resolved; nil writes the
	// status alone. It is where a fake puts its vendor's error body.
	Write func(w http.ResponseWriter, status int)
}

// Log records every request a fake server receives and answers those FailNext scripted.
// The zero Log is ready to use; it is safe for concurrent use.
type Log struct {
	mu       sync.Mutex
	requests []Request
	failures []Failure
}

// FailNext makes the next n requests (to any endpoint) answer as f says.
func (l *Log) FailNext(n int, f Failure) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for range n {
		l.failures = append(l.failures, f)
	}
}

// Requests returns every request received so far, in order, failed ones included; the
// headers and bodies are copies.
func (l *Log) Requests() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Request, len(l.requests))
	for i, r := range l.requests {
		r.Header = r.Header.Clone()
		r.Body = bytes.Clone(r.Body)
		out[i] = r
	}
	return out
}

// Handler returns a handler that records each request (reading at most MaxBody of its
// body, which next can read again), answers it with the next scripted failure if there is
// one and otherwise passes it to next, then records the status answered.
func (l *Log) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, MaxBody))
		r.Body = io.NopCloser(bytes.NewReader(body))
		l.mu.Lock()
		idx := len(l.requests)
		l.requests = append(l.requests, Request{Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(),
			Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
		var fail *Failure
		if len(l.failures) > 0 {
			f := l.failures[0]
			fail = &f
			l.failures = l.failures[1:]
		}
		l.mu.Unlock()

		rec := &httpstatus.Recorder{ResponseWriter: w}
		if fail != nil {
			fail.answer(rec, r)
		} else {
			next.ServeHTTP(rec, r)
		}
		l.mu.Lock()
		l.requests[idx].Status = rec.Status
		l.mu.Unlock()
	})
}

// answer answers r as f says.
func (f Failure) answer(w http.ResponseWriter, r *http.Request) {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if f.Reset {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0) // RST instead of FIN
		}
		_ = conn.Close()
		return
	}
	for k, v := range f.Header {
		w.Header()[k] = v
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if f.Write == nil {
		w.WriteHeader(status)
		return
	}
	f.Write(w, status)
}
