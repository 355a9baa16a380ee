package httpx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

func ExampleCaller_Do() {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()

	body := []byte(`{"eventType":"ALERT"}`) // marshalled once, re-read per attempt
	c := &httpx.Caller{
		Doer:   httpx.NewClient(nil, 10*time.Second),
		Policy: httpx.Policy{BaseDelay: 10 * time.Millisecond},
	}
	res, err := c.Do(context.Background(), func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/events", bytes.NewReader(body))
	}, nil)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(res.StatusCode, res.Class, "after", res.Attempts, "attempts")
	// Output: 202 success after 2 attempts
}

func ExampleClassifyStatus() {
	for _, code := range []int{202, 400, 429, 501, 503} {
		fmt.Println(code, httpx.ClassifyStatus(code))
	}
	// Output:
	// 202 success
	// 400 permanent
	// 429 retryable
	// 501 permanent
	// 503 retryable
}

// A sink's options are one-line calls of the setters; NewClient applies them, checks the
// combination and builds its Caller once.
func ExampleSettings() {
	type option func(*httpx.Settings) error
	withUserAgent := func(ua string) option {
		return func(s *httpx.Settings) error { return s.SetUserAgent(ua) }
	}
	withRequestTimeout := func(d time.Duration) option {
		return func(s *httpx.Settings) error { return s.SetRequestTimeout(d) }
	}

	s := httpx.Settings{UserAgent: "alertbridge-example"}
	err := httpx.ApplyOptions(&s, []option{withUserAgent("a\nb"), withRequestTimeout(0)})
	fmt.Println(err)

	s = httpx.Settings{UserAgent: "alertbridge-example"}
	if err := errors.Join(httpx.ApplyOptions(&s, []option{withRequestTimeout(5 * time.Second)}), s.Check()); err != nil {
		fmt.Println(err)
		return
	}
	c := s.Caller()
	fmt.Println(s.UserAgent, c.Policy.AttemptTimeout)
	// Output:
	// user agent must be a non-empty single line
	// request timeout must be positive
	// alertbridge-example 5s
}
