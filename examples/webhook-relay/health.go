package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"time"
)

// healthReport is the body of GET /healthz. It holds counts and states, no secret.
type healthReport struct {
	// Status is "ok", or "degraded" when a destination is failing (its requests are
	// queued and retried), requests wait in an orphaned queue, or the queue cannot be read.
	Status       string              `json:"status"`
	Destinations []destinationHealth `json:"destinations"`
	// Orphaned lists the queues of destinations that are no longer configured and still
	// hold requests: nobody delivers them until the destination is configured again.
	Orphaned []orphanHealth `json:"orphaned,omitempty"`
	// Error says why the queue cannot be read.
	Error string `json:"error,omitempty"`
}

// orphanHealth is an orphaned queue in /healthz.
type orphanHealth struct {
	Name   string `json:"name"`
	Queued int    `json:"queued"`
	// Hint says how to deliver or remove the requests.
	Hint string `json:"hint"`
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
	// LastError is the last failure, redacted and cut to 200 characters: /healthz needs no
	// authentication, so no more of an upstream answer than that is shown.
	LastError string `json:"last_error,omitempty"`
}

// health answers GET /healthz with 200 and a healthReport, or 503 when the queue cannot
// be read (the relay could not take webhooks either).
func (s *server) health(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rep, status := s.healthReport(r.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(rep)
}

func (s *server) healthReport(ctx context.Context) (healthReport, int) {
	rep := healthReport{Status: "ok", Destinations: []destinationHealth{}}
	status := http.StatusOK
	failed := map[string]int{}
	if items, err := s.queue.Failed(ctx); err != nil {
		rep.Status, rep.Error, status = "degraded", cutReason(s.red.String(err.Error())), http.StatusServiceUnavailable
	} else {
		for _, it := range items {
			failed[it.Destination]++
		}
	}
	for _, d := range s.destinations() {
		// The length first: a request is counted delivered before it leaves the queue, so
		// the counters read afterwards include every request no longer queued.
		n, err := s.queue.Len(ctx, d.name)
		if err != nil {
			rep.Status, rep.Error, status = "degraded", cutReason(s.red.String(err.Error())), http.StatusServiceUnavailable
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
	for _, o := range s.orphanQueues(ctx) {
		rep.Status = "degraded"
		rep.Orphaned = append(rep.Orphaned, o)
	}
	return rep, status
}

// orphanQueues returns the relay's queues ("ilert", "alertops", "checkmk") of
// destinations that are not configured and still hold requests. The Checkmk notifier's
// queues in a shared directory are not the relay's and are not listed.
func (s *server) orphanQueues(ctx context.Context) []orphanHealth {
	configured := map[string]bool{}
	for _, d := range s.destinations() {
		configured[d.name] = true
	}
	var out []orphanHealth
	for _, name := range relayQueues {
		if configured[name] {
			continue
		}
		if n, err := s.queue.Len(ctx, name); err == nil && n > 0 {
			out = append(out, orphanHealth{Name: name, Queued: n, Hint: s.orphanHint(name)})
		}
	}
	return out
}

// orphanHint says how to deliver an orphaned queue's requests or to remove them.
func (s *server) orphanHint(name string) string {
	var configure string
	switch name {
	case destILert:
		configure = "set " + envPrefix + ilertKeySource.env + " (the requests keep the key they were queued with)"
	case destAlertOps:
		configure = "set " + envPrefix + alertOpsURLSource.env + " (the requests keep the URL they were queued with)"
	default:
		configure = "set " + envName("checkmk-url") + ", " + envName("checkmk-user") + " and " + envPrefix + checkmkSecretSource.env
	}
	return "to deliver them, " + configure + " and restart the relay; to drop them, remove " +
		filepath.Join(s.queue.Dir(), "pending", name)
}

// warnOrphans logs a warning for each orphaned queue, at start.
func (s *server) warnOrphans(ctx context.Context) {
	for _, o := range s.orphanQueues(ctx) {
		s.log.Warn("requests wait for a destination that is not configured", "destination", o.Name,
			"queued", o.Queued, "hint", o.Hint)
	}
}
