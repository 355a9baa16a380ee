package alertops

import (
	"net/http"
	"strconv"
	"time"
)

// Response is what AlertOps answered to an alert it accepted. AlertOps documents no
// success body, so the body is kept as it came, for display only.
type Response struct {
	// StatusCode is the HTTP status (2xx).
	StatusCode int
	// Body is the answer's body, at most MaxBodyBytes, redacted and made valid UTF-8.
	Body string
	// BodyTruncated reports that the body was longer than Body.
	BodyTruncated bool
	// Attempts is the number of requests sent (more than 1 after retries).
	Attempts int
	// Timestamp is the alert's Timestamp as sent, in UTC (the time of sending if the
	// alert had none).
	Timestamp time.Time
}

// Summary returns the status as Checkmk's notification scripts print it on success,
// e.g. "200: OK".
func (r *Response) Summary() string {
	return strconv.Itoa(r.StatusCode) + ": " + http.StatusText(r.StatusCode)
}
