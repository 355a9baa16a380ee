package fakeserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/alertbridge/alertbridge/internal/fakeserver"
)

func ExampleLog() {
	var log fakeserver.Log
	srv := httptest.NewServer(log.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	})))
	defer srv.Close()

	log.FailNext(1, fakeserver.Failure{Status: http.StatusServiceUnavailable,
		Write: func(w http.ResponseWriter, status int) {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "try later")
		}})
	for range 2 {
		resp, err := srv.Client().Post(srv.URL+"/api/events", "application/json", strings.NewReader(`{}`))
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
	}
	for _, r := range log.Requests() {
		fmt.Println(r.Method, r.Path, string(r.Body), r.Status)
	}
	// Output:
	// POST /api/events {} 503
	// POST /api/events {} 202
}
