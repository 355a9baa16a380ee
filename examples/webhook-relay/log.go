package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/alertbridge/alertbridge/internal/httpstatus"
)

// requestLog collects what the handlers learn about one request, for its one log line,
// and the reason of a permanent rejection, for the answer.
type requestLog struct {
	mu        sync.Mutex
	attrs     []any
	level     slog.Level // the line's level when set is true
	set       bool
	rejection string
}

type requestLogKey struct{}

// note adds key/value pairs to the log line of the request whose context ctx is.
func note(ctx context.Context, kv ...any) {
	if l, ok := ctx.Value(requestLogKey{}).(*requestLog); ok {
		l.mu.Lock()
		l.attrs = append(l.attrs, kv...)
		l.mu.Unlock()
	}
}

// withLog calls fn with the log of the request whose context ctx is, if any.
func withLog(ctx context.Context, fn func(l *requestLog)) {
	if l, ok := ctx.Value(requestLogKey{}).(*requestLog); ok {
		l.mu.Lock()
		fn(l)
		l.mu.Unlock()
	}
}

// quiet logs the request at debug level: something else reports it (refused webhooks are
// counted in one line per interval).
func quiet(ctx context.Context) {
	withLog(ctx, func(l *requestLog) { l.level, l.set = slog.LevelDebug, true })
}

// loud logs the request at least at warn level, also when it is answered 2xx: a webhook
// ignored because of the configuration.
func loud(ctx context.Context) {
	withLog(ctx, func(l *requestLog) { l.level, l.set = max(l.level, slog.LevelWarn), true })
}

// rejected records why a destination rejected the webhook for good; the 422 answer says it.
func rejected(ctx context.Context, reason string) {
	withLog(ctx, func(l *requestLog) { l.rejection = reason })
}

// logRequests writes one line per request: method, path, status, duration and what the
// handlers noted (source, alert key, the result per destination, the reason of a
// rejection). The query string is never logged. Health checks and metrics scrapes log at
// debug level.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		l := &requestLog{}
		rec := &httpstatus.Recorder{ResponseWriter: &answerWriter{ResponseWriter: w, log: l}}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestLogKey{}, l)))
		if rec.Status == 0 {
			rec.Status = http.StatusOK
		}
		lvl := slog.LevelInfo
		switch {
		case (r.URL.Path == healthPath || r.URL.Path == metricsPath) && rec.Status == http.StatusOK:
			lvl = slog.LevelDebug
		case rec.Status >= 500:
			lvl = slog.LevelError
		case rec.Status >= 400:
			lvl = slog.LevelWarn
		}
		l.mu.Lock()
		switch {
		case !l.set:
		case l.level < slog.LevelInfo: // quiet
			lvl = l.level
		default: // loud
			lvl = max(lvl, l.level)
		}
		attrs := append([]any{"method", r.Method, "path", trimPath(r.URL.Path), "status", rec.Status,
			"duration", time.Since(start).Round(time.Microsecond)}, l.attrs...)
		l.mu.Unlock()
		s.log.Log(r.Context(), lvl, "request", attrs...)
	})
}

// parseLogLevel reads -log-level.
func parseLogLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return 0, fmt.Errorf("-log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// answerWriter gives a 422 the reason of the rejection: the library handlers answer it
// with a fixed text (they never show their function's error, which may name internal
// systems), but the relay's reason is its own (redacted, at most maxReasonLen
// characters), and the sender's admin should see it.
type answerWriter struct {
	http.ResponseWriter
	log     *requestLog
	replace bool // the body is the relay's: drop the handler's
}

// WriteHeader writes the reason after a 422 when the webhook was rejected.
func (w *answerWriter) WriteHeader(code int) {
	w.log.mu.Lock()
	reason := w.log.rejection
	w.log.mu.Unlock()
	if code != http.StatusUnprocessableEntity || reason == "" || w.replace {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.replace = true
	w.Header().Del("Content-Length")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.ResponseWriter.WriteHeader(code)
	_, _ = io.WriteString(w.ResponseWriter, "webhook-relay: rejected for good, retrying will not help: "+oneLine(reason)+"\n")
}

// Write drops the handler's body after the relay wrote its own.
func (w *answerWriter) Write(b []byte) (int, error) {
	if w.replace {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *answerWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// maxReasonLen bounds the reasons the relay shows to anyone who can reach it (/healthz,
// the answer to a rejected webhook): an upstream answer's body is cut there too.
const maxReasonLen = 200

// cutReason returns s on one line and cut to maxReasonLen characters, the last "…".
func cutReason(s string) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= maxReasonLen {
		return s
	}
	r := []rune(s)
	return string(r[:maxReasonLen-1]) + "…"
}

// oneLine folds white space runs, line breaks included, into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
