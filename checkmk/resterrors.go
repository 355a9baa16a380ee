package checkmk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alertbridge/alertbridge/internal/httpx"
	"github.com/alertbridge/alertbridge/internal/redact"
)

// ErrInvalidRequest is wrapped by the error a [Client] method returns, without sending
// anything, for input Checkmk would reject: an empty host name, service or comment, or a
// value with a line break where Checkmk takes one line.
var ErrInvalidRequest = errors.New("checkmk: invalid request")

// MaxAPIErrorBodyBytes bounds the copy of an error answer's body kept in [APIError.Body].
const MaxAPIErrorBodyBytes = 4 << 10

// APIError is every failure of a [Client] method: an answer other than 2xx (StatusCode
// set, and Checkmk's problem JSON {"title", "status", "detail", "fields"} decoded into
// Title, Detail and Fields), or a call that ended without an answer (StatusCode 0, Err the
// cause: a transport error, the context's end, or [ErrInvalidRequest]). It classifies
// itself: ask Retryable, Permanent, Benign, RateLimited and RetryAfter, after
//
//	var apiErr *checkmk.APIError
//	if errors.As(err, &apiErr) && apiErr.Benign() { … nothing to do … }
//
// No field holds the automation secret: the URL, texts and body are redacted.
type APIError struct {
	// Op is what the client was doing, e.g. "acknowledge service problem".
	Op string
	// Method and URL are those of the request.
	Method, URL string
	// StatusCode is the HTTP status of the answer, 0 if there was none.
	StatusCode int
	// Title, Detail and Fields are Checkmk's problem details: a summary ("Host 'web01'
	// has no problem."), the explanation, and per field the validation messages (400).
	Title, Detail string
	Fields        map[string][]string
	// Body is a copy of the answer's body, at most MaxAPIErrorBodyBytes, redacted.
	Body string
	// Attempts is the number of requests sent.
	Attempts int
	// Err is the cause of a failure without an answer.
	Err error

	class      httpx.Class
	retryAfter time.Duration
}

// Error describes the failure, e.g. `checkmk: acknowledge host problem: POST
// https://cmk/prod/check_mk/api/1.0/domain-types/acknowledge/collections/host: 422
// Unprocessable Entity: Host 'web01' has no problem. (1 attempt)`.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "checkmk: %s", e.Op)
	if e.Method != "" {
		fmt.Fprintf(&b, ": %s %s", e.Method, e.URL)
	}
	if e.StatusCode == 0 {
		if e.Err != nil {
			b.WriteString(": " + e.Err.Error())
		}
		return b.String()
	}
	fmt.Fprintf(&b, ": %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	switch {
	case e.Title != "" && e.Title != http.StatusText(e.StatusCode):
		b.WriteString(": " + restOneLine(e.Title, 200))
		if e.Detail != "" {
			b.WriteString(" " + restOneLine(e.Detail, 300))
		}
	case e.Detail != "":
		b.WriteString(": " + restOneLine(e.Detail, 300))
	case e.Body != "":
		b.WriteString(": " + restOneLine(e.Body, 200))
	}
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for n := range e.Fields {
			names = append(names, n)
		}
		slices.Sort(names)
		b.WriteString(" [fields: " + restOneLine(strings.Join(names, ", "), 200) + "]")
	}
	if hint := e.hint(); hint != "" {
		b.WriteString(" (" + hint + ")")
	}
	if e.Attempts == 1 {
		b.WriteString(" (1 attempt)")
	} else if e.Attempts > 1 {
		fmt.Fprintf(&b, " (%d attempts)", e.Attempts)
	}
	return b.String()
}

// hint explains the answers older Checkmk versions give to newer features.
func (e *APIError) hint() string {
	switch {
	case e.StatusCode == http.StatusNotFound && strings.Contains(e.URL, "/acknowledge/actions/delete/invoke"):
		return "removing acknowledgements needs Checkmk 2.4.0p6 or later"
	case e.StatusCode == http.StatusBadRequest && e.Fields["expire_on"] != nil:
		return "an acknowledgement's expiry needs Checkmk 2.4.0p6 or later"
	case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden:
		return "check the automation user, its secret and its permissions"
	}
	return ""
}

// Unwrap returns the cause of a failure without an answer.
func (e *APIError) Unwrap() error { return e.Err }

// Retryable reports whether the same call may succeed later: no answer (network error,
// timeout, ended context), a certificate expired or not yet valid, 408, 429 or 5xx except
// 501.
func (e *APIError) Retryable() bool { return e.class == httpx.ClassRetryable }

// Permanent reports whether the same call will fail the same way: invalid input, 400
// (unknown host or service), 401 and 403 (credentials, permissions), 404, other 4xx, 501,
// certificate errors (but for a certificate expired or not yet valid, which is retryable).
func (e *APIError) Permanent() bool { return e.class == httpx.ClassPermanent }

// Benign reports an answer meaning "nothing to do": 422 to an acknowledgement, which
// Checkmk sends when the host or service has no problem to acknowledge. Treat the call as
// done.
func (e *APIError) Benign() bool { return e.class == httpx.ClassBenign }

// RateLimited reports a 429 answer (from Checkmk's web server or a proxy in front of it).
func (e *APIError) RateLimited() bool { return e.StatusCode == http.StatusTooManyRequests }

// RetryAfter returns the wait the answer's Retry-After asked for, or 0.
func (e *APIError) RetryAfter() time.Duration { return e.retryAfter }

// classifyAck is the classification of acknowledgements: 422 is benign.
func classifyAck(r *httpx.Response) httpx.Class {
	if r.StatusCode == http.StatusUnprocessableEntity {
		return httpx.ClassBenign
	}
	return httpx.DefaultClassify(r)
}

// problemBody is Checkmk's problem JSON (RFC 7807 style).
type problemBody struct {
	Title  string          `json:"title"`
	Detail string          `json:"detail"`
	Fields json.RawMessage `json:"fields"`
}

func newAPIError(op, method, redactedURL string, r *httpx.Response, red *redact.Redactor) *APIError {
	var p problemBody
	if b := bytes.TrimSpace(r.Body); len(b) > 0 && b[0] == '{' {
		_ = json.Unmarshal(b, &p)
	}
	body, _ := red.Body(r.Body, r.BodyTruncated, MaxAPIErrorBodyBytes)
	e := &APIError{
		Op: op, Method: method, URL: redactedURL, StatusCode: r.StatusCode,
		Title: red.String(p.Title), Detail: red.String(p.Detail), Fields: decodeFields(p.Fields, red),
		Body: body, Attempts: r.Attempts, class: r.Class, retryAfter: r.RetryAfter,
	}
	return e
}

// decodeFields reads the validation messages per field: Checkmk sends a list of strings
// per field, or a nested object for nested schemas (flattened to "outer.inner").
func decodeFields(raw json.RawMessage, red *redact.Redactor) map[string][]string {
	if len(raw) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return nil
	}
	out := map[string][]string{}
	var walk func(prefix string, m map[string]json.RawMessage, depth int)
	walk = func(prefix string, m map[string]json.RawMessage, depth int) {
		for k, v := range m {
			name := red.String(prefix + k)
			var list []string
			var s string
			var sub map[string]json.RawMessage
			switch {
			case json.Unmarshal(v, &list) == nil:
				for i := range list {
					list[i] = red.String(list[i])
				}
				out[name] = list
			case json.Unmarshal(v, &s) == nil:
				out[name] = []string{red.String(s)}
			case depth < 4 && json.Unmarshal(v, &sub) == nil:
				walk(name+".", sub, depth+1)
			default:
				out[name] = []string{}
			}
		}
	}
	walk("", m, 0)
	return out
}

// transportError turns a failure without an answer into an *APIError.
func transportError(op, method, redactedURL string, err error) *APIError {
	class := httpx.ClassOf(err)
	e := &APIError{Op: op, Method: method, URL: redactedURL, Err: err, class: class}
	var he *httpx.Error
	if errors.As(err, &he) {
		e.Attempts = he.Attempts
	}
	return e
}

// invalid returns the error for input that is not sent.
func invalidRequest(op, format string, args ...any) *APIError {
	return &APIError{Op: op, Err: fmt.Errorf("%w: "+format, append([]any{ErrInvalidRequest}, args...)...),
		class: httpx.ClassPermanent}
}

// restOneLine returns s on one line, cut to at most n runes.
func restOneLine(s string, n int) string {
	return cutRunes(strings.Join(strings.Fields(s), " "), n)
}

// cutRunes cuts s to at most n runes, the last an ellipsis.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
