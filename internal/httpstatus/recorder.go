package httpstatus

import "net/http"

// Recorder wraps a ResponseWriter and remembers the first status written: the code given
// to WriteHeader, or 200 when the handler writes a body first. Status is 0 while nothing
// has been written.
type Recorder struct {
	http.ResponseWriter
	Status int
}

// WriteHeader records code (the first one only) and passes it on.
func (w *Recorder) WriteHeader(code int) {
	if w.Status == 0 {
		w.Status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records 200 if no status was written yet, then passes b on.
func (w *Recorder) Write(b []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (to flush, hijack or
// set deadlines).
func (w *Recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
