package main

import (
	"encoding/json"
	"net/http"
	"time"
)

// healthReport is the body of GET /healthz. It holds counts and states, no secret.
type healthReport struct {
	// Status is "ok", or "degraded" when a destination is failing (its requests are
	// queued and retried) or the queue cannot be read.
	Status       string              `json:"status"`
	Destinations []destinationHealth `json:"destinations"`
	// Error says why the queue cannot be read.
	Error string `json:"error,omitempty"`
}

type destinationHealth struct {
	Name string `json:"name"`
	// State is "up", or "retrying" after a failure or rate limit.
	State     string     `json:"state"`
	Queued    int        `json:"queued"`
	Failed    int        `json:"failed"`    // requests in the queue's failed/ (all time)
	Delivered uint64     `json:"delivered"` // since the relay started
	Rejected  uint64     `json:"rejected"`  // moved to failed/ since the relay started
	RetryAt   *time.Time `json:"retry_at,omitempty"`
	LastError string     `json:"last_error,omitempty"`
}

// health answers GET /healthz with 200 and a healthReport, or 503 when the queue cannot
// be read (the relay could not take webhooks either).
func (s *server) health(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rep, status := s.healthReport()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(rep)
}

func (s *server) healthReport() (healthReport, int) {
	rep := healthReport{Status: "ok", Destinations: []destinationHealth{}}
	status := http.StatusOK
	failed := map[string]int{}
	if items, err := s.queue.Failed(); err != nil {
		rep.Status, rep.Error, status = "degraded", s.red.String(err.Error()), http.StatusServiceUnavailable
	} else {
		for _, it := range items {
			failed[it.Destination]++
		}
	}
	for _, d := range s.destinations() {
		// The length first: a request is counted delivered before it leaves the queue, so
		// the counters read afterwards include every request no longer queued.
		n, err := s.queue.Len(d.name)
		if err != nil {
			rep.Status, rep.Error, status = "degraded", s.red.String(err.Error()), http.StatusServiceUnavailable
		}
		st := d.status()
		h := destinationHealth{Name: d.name, State: "up", Failed: failed[d.name],
			Delivered: st.delivered, Rejected: st.rejected, Queued: n}
		if st.down {
			rep.Status, h.State, h.LastError = "degraded", "retrying", st.lastError
			at := st.retryAt.UTC().Truncate(time.Second)
			h.RetryAt = &at
		}
		rep.Destinations = append(rep.Destinations, h)
	}
	return rep, status
}
