package main

import (
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// busyRetryAfter is the Retry-After, in seconds, of the answer to a webhook beyond the
// limits: soon enough for a sender's own retry, long enough for a burst to drain.
const busyRetryAfter = "5"

// limiter bounds the webhooks in progress: their number and the sum of their bodies'
// sizes. A webhook beyond either is answered at once, before its body is read, so that
// slow or many clients cannot make the relay hold more than the limits in memory. The
// zero limits mean no limit. It is safe for concurrent use.
type limiter struct {
	maxN     int
	maxBytes int64

	mu    sync.Mutex
	n     int
	bytes int64

	shed   shedLog
	onShed func(source string) // counts a refused webhook
}

func newLimiter(maxN int, maxBytes int64, log *slog.Logger, onShed func(source string)) *limiter {
	return &limiter{maxN: maxN, maxBytes: maxBytes, shed: shedLog{log: log, every: 10 * time.Second}, onShed: onShed}
}

// acquire takes one request of size bytes if both limits allow it.
func (l *limiter) acquire(size int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if (l.maxN > 0 && l.n+1 > l.maxN) || (l.maxBytes > 0 && l.bytes+size > l.maxBytes) {
		return false
	}
	l.n++
	l.bytes += size
	return true
}

// release gives back what acquire took.
func (l *limiter) release(size int64) {
	l.mu.Lock()
	l.n--
	l.bytes -= size
	l.mu.Unlock()
}

// inFlight returns the number of webhooks in progress.
func (l *limiter) inFlight() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// wrap limits h, the handler of a webhook endpoint of source whose bodies are at most
// maxBody bytes. A request counts its Content-Length, or maxBody when it has none
// (chunked); one longer than maxBody counts nothing, since h refuses it (413) without
// reading it. Beyond the limits the answer is 503 with Retry-After and Connection: close,
// so that the unread body is not read either.
func (l *limiter) wrap(source string, maxBody int64, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		size := r.ContentLength
		switch {
		case size < 0:
			size = maxBody
		case size > maxBody:
			size = 0
		}
		if !l.acquire(size) {
			l.refuse(w, r, source)
			return
		}
		defer l.release(size)
		h.ServeHTTP(w, r)
	})
}

// refuse answers a webhook beyond the limits.
func (l *limiter) refuse(w http.ResponseWriter, r *http.Request, source string) {
	note(r.Context(), "source", source, "result", "refused: too many webhooks in progress")
	quiet(r.Context())
	if l.onShed != nil {
		l.onShed(source)
	}
	l.shed.add()
	h := w.Header()
	h.Set("Retry-After", busyRetryAfter)
	h.Set("Connection", "close")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = io.WriteString(w, "webhook-relay: too many webhooks in progress; retry in "+busyRetryAfter+" s\n")
}

// shedLog logs refused webhooks as one line per interval with their number, instead of
// a line each, so that a flood does not flood the log too.
type shedLog struct {
	log   *slog.Logger
	every time.Duration

	mu      sync.Mutex
	count   int
	started time.Time // of the interval counted, zero when nothing is counted
	timer   *time.Timer
}

// add counts one refused webhook; the first of an interval starts its timer.
func (s *shedLog) add() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	if s.count == 1 {
		s.started = time.Now()
		s.timer = time.AfterFunc(s.every, s.flush)
	}
}

// flush writes the line of the interval that ended.
func (s *shedLog) flush() {
	s.mu.Lock()
	n, since := s.count, s.started
	s.count, s.started, s.timer = 0, time.Time{}, nil
	s.mu.Unlock()
	if n > 0 {
		s.log.Warn("webhooks refused: too many in progress (503, Retry-After "+busyRetryAfter+" s)",
			"refused", n, "since", since.Format(time.RFC3339))
	}
}

// stop writes what is counted and cancels the timer.
func (s *shedLog) stop() {
	s.mu.Lock()
	t := s.timer
	s.mu.Unlock()
	if t != nil && t.Stop() {
		s.flush()
	}
}
