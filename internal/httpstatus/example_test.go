package httpstatus_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/alertbridge/alertbridge/internal/httpstatus"
)

// A middleware wraps the writer to learn what the handler answered.
func ExampleRecorder() {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such check", http.StatusNotFound)
	})
	logged := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &httpstatus.Recorder{ResponseWriter: w}
		handler.ServeHTTP(rec, r)
		fmt.Println(r.Method, r.URL.Path, rec.Status)
	})
	logged.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/checks/x", nil))
	// Output: GET /checks/x 404
}
