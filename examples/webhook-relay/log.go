package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/alertbridge/alertbridge/internal/httpstatus"
)

// requestLog collects what the handlers learn about one request, for its one log line.
type requestLog struct {
	mu    sync.Mutex
	attrs []any
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

// logRequests writes one line per request: method, path, status, duration and what the
// handlers noted (source, alert key, the result per destination, the reason of a
// rejection). The query string is never logged. Health checks log at debug level.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		l := &requestLog{}
		rec := &httpstatus.Recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestLogKey{}, l)))
		if rec.Status == 0 {
			rec.Status = http.StatusOK
		}
		lvl := slog.LevelInfo
		switch {
		case r.URL.Path == healthPath && rec.Status == http.StatusOK:
			lvl = slog.LevelDebug
		case rec.Status >= 500:
			lvl = slog.LevelError
		case rec.Status >= 400:
			lvl = slog.LevelWarn
		}
		l.mu.Lock()
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
