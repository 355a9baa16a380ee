package httpx

import (
	"net/http"
	"time"
)

// Response is the final HTTP answer of a call, with its body already read (bounded) and
// the connection released.
type Response struct {
	// StatusCode and Header are those of the answer.
	StatusCode int
	Header     http.Header
	// Body holds at most Policy.MaxBodyBytes bytes of the body.
	Body []byte
	// BodyTruncated reports that the body was longer than what Body holds.
	BodyTruncated bool
	// RetryAfter is the answer's Retry-After, if it had a valid one (uncapped).
	RetryAfter time.Duration
	// Class is the classification of the answer.
	Class Class
	// Attempts is the number of requests sent, this one included.
	Attempts int
}
