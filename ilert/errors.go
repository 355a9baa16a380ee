package ilert

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alertbridge/alertbridge/internal/httpx"
	"github.com/alertbridge/alertbridge/internal/redact"
)

// The error codes iLert answers with (HTTP 400) when an ACCEPT or RESOLVE finds no open
// alert for its key. Checkmk's built-in method checks the first; ilert-go's example the
// second.
const (
	CodeNoneOpenForKey     = "NONE_OPEN_FOR_KEY"
	CodeNoOpenAlertWithKey = "NO_OPEN_ALERT_WITH_KEY"
)

// MaxErrorBodyBytes bounds the copy of an error answer's body kept in [APIError.Body].
const MaxErrorBodyBytes = 4 << 10

// APIError is an answer from iLert other than 2xx. Every method returns this one type,
// whatever the endpoint. Inspect it with the idiom
//
//	var apiErr *ilert.APIError
//	if errors.As(err, &apiErr) {
//		fmt.Println(apiErr.StatusCode, apiErr.Code)
//	}
//
// or ask the classification helpers ([IsRetryable], [IsPermanent], [IsBenign],
// [IsRateLimited]), which also cover failures without an answer. No field holds a secret:
// the URL, message and body have every key and token replaced by "[redacted]".
type APIError struct {
	// Op is what the client was doing, e.g. "send event".
	Op string
	// Method and URL are those of the request, the URL redacted.
	Method, URL string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code and Message are iLert's error "code" and "message" when the body is iLert's
	// JSON error ({"status", "message", "code"}); empty otherwise.
	Code, Message string
	// Body is a copy of the body, at most MaxErrorBodyBytes, redacted.
	Body string
	// CorrelationID is iLert's correlation-id header: quote it to iLert support.
	CorrelationID string
	// Attempts is the number of requests sent.
	Attempts int

	class      httpx.Class
	retryAfter time.Duration
}

// Error describes the answer, e.g. `ilert: send event: POST https://api.ilert.com/api/events:
// 400 Bad Request: NO_OPEN_ALERT_WITH_KEY: no open alert (correlation-id 1f2e; 1 attempt)`.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ilert: %s: %s %s: %d %s", e.Op, e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	switch {
	case e.Message != "":
		b.WriteString(": " + e.Message)
	case e.Code == "" && e.Body != "":
		b.WriteString(": " + snippet(e.Body, 200))
	}
	var notes []string
	if e.CorrelationID != "" {
		notes = append(notes, "correlation-id "+e.CorrelationID)
	}
	if e.Attempts == 1 {
		notes = append(notes, "1 attempt")
	} else if e.Attempts > 1 {
		notes = append(notes, fmt.Sprintf("%d attempts", e.Attempts))
	}
	if len(notes) > 0 {
		b.WriteString(" (" + strings.Join(notes, "; ") + ")")
	}
	return b.String()
}

// Retryable reports whether sending the same request later may succeed (408, 429, 5xx
// except 501).
func (e *APIError) Retryable() bool { return e.class == httpx.ClassRetryable }

// Permanent reports whether sending the same request again will fail the same way.
func (e *APIError) Permanent() bool { return e.class == httpx.ClassPermanent }

// Benign reports an answer that means "nothing to do": the alert to accept or resolve is
// no longer open. Treat the event as delivered.
func (e *APIError) Benign() bool { return e.class == httpx.ClassBenign }

// RateLimited reports a 429 answer: do not send more to this integration key for now.
func (e *APIError) RateLimited() bool { return e.StatusCode == http.StatusTooManyRequests }

// RetryAfter returns the answer's Retry-After, uncapped, or 0 without one (iLert normally
// sends none; wait at least 10 s after a 429).
func (e *APIError) RetryAfter() time.Duration { return e.retryAfter }

// IsRetryable reports whether err is a failure that a later attempt may overcome: a
// retryable answer (408, 429, 5xx except 501), a network error or timeout, a certificate
// expired or not yet valid, or an ended context (the event may not have arrived). A caller that queues events keeps these.
func IsRetryable(err error) bool { return classOf(err) == httpx.ClassRetryable }

// IsPermanent reports whether err is a failure that sending the same request again
// cannot fix: an invalid event, a 4xx answer (other than 408, 429 and the benign ones), a
// 3xx, 501, a certificate error (other than one expired or not yet valid, which is
// retryable) or a malformed URL. A caller that queues events drops
// these (and reports them).
func IsPermanent(err error) bool { return classOf(err) == httpx.ClassPermanent }

// IsBenign reports whether err is an answer meaning "nothing to do" (ACCEPT or RESOLVE of
// an alert that is no longer open). Treat the event as delivered.
func IsBenign(err error) bool { return classOf(err) == httpx.ClassBenign }

// IsRateLimited reports whether err is a 429 answer: do not send more to this integration
// key before the next minute.
func IsRateLimited(err error) bool { return httpx.IsRateLimited(err) }

// classOf classifies any error a Client method returns by its methods (an *APIError by
// its answer, a failure without one by the *httpx.Error the client wraps it in, an invalid
// event as permanent); nil is a success, anything unknown permanent.
func classOf(err error) httpx.Class { return httpx.ClassOf(err) }

// classifyNoneOpen is the classification for ACCEPT, RESOLVE and checkmk-ext: a 400 with
// one of the "no open alert" codes is benign.
func classifyNoneOpen(r *httpx.Response) httpx.Class {
	if r.StatusCode == http.StatusBadRequest {
		if code, _ := decodeErrorBody(r.Body); code == CodeNoneOpenForKey || code == CodeNoOpenAlertWithKey {
			return httpx.ClassBenign
		}
	}
	return httpx.DefaultClassify(r)
}

func newAPIError(op, method, redactedURL string, r *httpx.Response, red *redact.Redactor) *APIError {
	code, msg := decodeErrorBody(r.Body)
	// Redact before cutting, and drop a tail that could hold the start of a key when the
	// read itself stopped short: no prefix of a key survives either cut.
	body, _ := red.Body(r.Body, r.BodyTruncated, MaxErrorBodyBytes)
	return &APIError{
		Op:            op,
		Method:        method,
		URL:           redactedURL,
		StatusCode:    r.StatusCode,
		Code:          red.String(code),
		Message:       red.String(msg),
		Body:          body,
		CorrelationID: red.String(r.Header.Get("correlation-id")),
		Attempts:      r.Attempts,
		class:         r.Class,
		retryAfter:    r.RetryAfter,
	}
}

// snippet returns s on one line, cut to at most n runes.
func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return truncateRunes(s, n)
}
