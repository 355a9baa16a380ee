package alertops

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// MaxBodyBytes bounds how much of an answer's body is kept, in [Response.Body] and
// [APIError.Body]. AlertOps documents no answer bodies; what they say fits easily.
const MaxBodyBytes = 4 << 10

// APIError is an answer from AlertOps other than 2xx. Inspect it with the idiom
//
//	var apiErr *alertops.APIError
//	if errors.As(err, &apiErr) {
//		fmt.Println(apiErr.StatusCode)
//	}
//
// or ask the classification helpers ([IsRetryable], [IsPermanent], [IsRateLimited]),
// which also cover failures without an answer. No field holds the webhook URL's key: the
// URL and body are redacted.
type APIError struct {
	// Op is what the client was doing: "send alert".
	Op string
	// Method and URL are those of the request, the URL redacted as by [RedactWebhookURL].
	Method, URL string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Body is a copy of the body, at most MaxBodyBytes, redacted and made valid UTF-8.
	Body string
	// Attempts is the number of requests sent.
	Attempts int

	class      httpx.Class
	retryAfter time.Duration
}

// Error describes the answer, e.g. `alertops: send alert: POST
// https://notify.alertops.com/POSTAlert/[redacted]/CheckMK: 401 Unauthorized: invalid
// webhook URL or disabled integration (1 attempt)`.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "alertops: %s: %s %s: %d %s", e.Op, e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if hint := e.hint(); hint != "" {
		b.WriteString(": " + hint)
	}
	if e.Body != "" {
		b.WriteString(": " + snippet(e.Body, 200))
	}
	switch {
	case e.Attempts == 1:
		b.WriteString(" (1 attempt)")
	case e.Attempts > 1:
		fmt.Fprintf(&b, " (%d attempts)", e.Attempts)
	}
	return b.String()
}

// hint is what the status means for AlertOps, as its Checkmk page explains it.
func (e *APIError) hint() string {
	switch {
	case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden:
		return "invalid webhook URL or disabled integration"
	case e.StatusCode >= 500 && e.StatusCode <= 599:
		return "AlertOps-side problem"
	}
	return ""
}

// Retryable reports whether sending the same alert later may succeed (408, 429, 5xx).
func (e *APIError) Retryable() bool { return e.class == httpx.ClassRetryable }

// Permanent reports whether sending the same alert again will fail the same way (every
// other answer: 4xx, 3xx, 1xx).
func (e *APIError) Permanent() bool { return e.class == httpx.ClassPermanent }

// Benign reports false: AlertOps has no "nothing to do" answer. It is here so that
// *APIError answers every question a queue asks of an error.
func (e *APIError) Benign() bool { return e.class == httpx.ClassBenign }

// RateLimited reports a 429 answer.
func (e *APIError) RateLimited() bool { return e.StatusCode == http.StatusTooManyRequests }

// RetryAfter returns the answer's Retry-After, uncapped, or 0 without one.
func (e *APIError) RetryAfter() time.Duration { return e.retryAfter }

// IsRetryable reports whether err is a failure that a later attempt may overcome: a
// retryable answer (408, 429, any 5xx), a network error or timeout, a certificate expired
// or not yet valid, or an ended context (the alert may not have arrived). A Checkmk notifier exits 1 for these; a caller that
// queues alerts keeps them.
func IsRetryable(err error) bool { return classOf(err) == httpx.ClassRetryable }

// IsPermanent reports whether err is a failure that sending the same alert again cannot
// fix: an invalid alert or webhook URL, a 4xx answer other than 408 and 429 (401 and 403
// mean an invalid webhook URL or a disabled integration), a 3xx (redirects are not
// followed), a certificate error (other than one expired or not yet valid, which is
// retryable). A Checkmk notifier exits 2 for these.
func IsPermanent(err error) bool { return classOf(err) == httpx.ClassPermanent }

// IsRateLimited reports whether err is a 429 answer.
func IsRateLimited(err error) bool { return httpx.IsRateLimited(err) }

// classOf classifies any error a Client method returns by its methods (an *APIError by
// its answer, a failure without one by the *httpx.Error the client wraps it in, an invalid
// alert or webhook URL as permanent); nil is a success, anything unknown permanent.
func classOf(err error) httpx.Class { return httpx.ClassOf(err) }

// classifyStatus is AlertOps' classification of an answer, from its Checkmk page: 2xx
// success, 5xx temporary, everything else permanent; the page leaves 408 and 429 open,
// and like every other client we retry them. Unlike httpx's default, 501 is retried too:
// the page says 5xx, and a retry costs less than a lost alert.
func classifyStatus(r *httpx.Response) httpx.Class {
	switch c := r.StatusCode; {
	case c >= 200 && c <= 299:
		return httpx.ClassSuccess
	case c >= 500 && c <= 599, c == http.StatusRequestTimeout, c == http.StatusTooManyRequests:
		return httpx.ClassRetryable
	}
	return httpx.ClassPermanent
}

func newAPIError(op, method string, r *httpx.Response, hook webhook) *APIError {
	body, _ := hook.redactor.Body(r.Body, r.BodyTruncated, MaxBodyBytes)
	return &APIError{
		Op:         op,
		Method:     method,
		URL:        hook.display,
		StatusCode: r.StatusCode,
		Body:       body,
		Attempts:   r.Attempts,
		class:      r.Class,
		retryAfter: r.RetryAfter,
	}
}

// readBodyBytes is how much of a body is read: more than is kept, for context around
// redacted secrets near the cut.
const readBodyBytes = 2 * MaxBodyBytes

// snippet returns s on one line, cut to at most n runes.
func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + "…"
}
