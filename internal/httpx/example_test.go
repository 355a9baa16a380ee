package httpx_test

import (
	"bytes"
	"context"
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
