package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alertbridge/alertbridge/internal/httpstatus"
)

// metricsPath is the Prometheus endpoint.
const metricsPath = "/metrics"

// The relay's metrics are written in Prometheus' text exposition format (version 0.0.4)
// by the few lines below instead of github.com/prometheus/client_golang: the relay has a
// dozen series, the format is simple and stable, and the client would add about ten
// modules (protobuf among them) to a program whose dependencies are kept to the standard
// library and golang.org/x. Names start with alertbridge_relay_.
const metricPrefix = "alertbridge_relay_"

// counterVec is a counter family with fixed label names.
type counterVec struct {
	name, help string
	labels     []string

	mu     sync.Mutex
	values map[string]float64 // by the label values joined with labelSep
}

// labelSep joins label values into a map key; it cannot occur in a label value we set.
const labelSep = "\x00"

func newCounterVec(name, help string, labels ...string) *counterVec {
	return &counterVec{name: metricPrefix + name, help: help, labels: labels, values: map[string]float64{}}
}

// add adds v to the series with the label values lvs (one per label name).
func (c *counterVec) add(v float64, lvs ...string) {
	key := strings.Join(lvs, labelSep)
	c.mu.Lock()
	c.values[key] += v
	c.mu.Unlock()
}

// inc adds 1.
func (c *counterVec) inc(lvs ...string) { c.add(1, lvs...) }

// get returns a series' value (tests and the demo).
func (c *counterVec) get(lvs ...string) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[strings.Join(lvs, labelSep)]
}

// write writes the family, its series sorted by label values.
func (c *counterVec) write(w *bufio.Writer) {
	c.mu.Lock()
	keys := make([]string, 0, len(c.values))
	for k := range c.values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	values := make([]float64, len(keys))
	for i, k := range keys {
		values[i] = c.values[k]
	}
	c.mu.Unlock()
	writeHeader(w, c.name, c.help, "counter")
	for i, k := range keys {
		writeSample(w, c.name, c.labels, strings.Split(k, labelSep), values[i])
	}
}

// histogramVec is a histogram family with fixed buckets and label names.
type histogramVec struct {
	name, help string
	labels     []string
	buckets    []float64 // upper bounds, increasing; +Inf is implied

	mu     sync.Mutex
	series map[string]*histogram
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	count  uint64
	sum    float64
}

func newHistogramVec(name, help string, buckets []float64, labels ...string) *histogramVec {
	return &histogramVec{name: metricPrefix + name, help: help, labels: labels, buckets: buckets, series: map[string]*histogram{}}
}

// observe records v in the series with the label values lvs.
func (h *histogramVec) observe(v float64, lvs ...string) {
	key := strings.Join(lvs, labelSep)
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.series[key]
	if s == nil {
		s = &histogram{counts: make([]uint64, len(h.buckets))}
		h.series[key] = s
	}
	if i, _ := slices.BinarySearch(h.buckets, v); i < len(h.buckets) {
		s.counts[i]++
	}
	s.count++
	s.sum += v
}

// write writes the family: per series the cumulative buckets, +Inf, sum and count.
func (h *histogramVec) write(w *bufio.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	keys := make([]string, 0, len(h.series))
	for k := range h.series {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	writeHeader(w, h.name, h.help, "histogram")
	labels := append(slices.Clone(h.labels), "le")
	for _, k := range keys {
		s, lvs := h.series[k], strings.Split(k, labelSep)
		var cum uint64
		for i, b := range h.buckets {
			cum += s.counts[i]
			writeSample(w, h.name+"_bucket", labels, append(slices.Clone(lvs), formatFloat(b)), float64(cum))
		}
		writeSample(w, h.name+"_bucket", labels, append(slices.Clone(lvs), "+Inf"), float64(s.count))
		writeSample(w, h.name+"_sum", h.labels, lvs, s.sum)
		writeSample(w, h.name+"_count", h.labels, lvs, float64(s.count))
	}
}

// gauge is one sample of a gauge family, computed when scraped.
type gauge struct {
	labels []string // values, one per label name of the family
	value  float64
}

// writeGauges writes a gauge family.
func writeGauges(w *bufio.Writer, name, help string, labelNames []string, gs []gauge) {
	writeHeader(w, metricPrefix+name, help, "gauge")
	for _, g := range gs {
		writeSample(w, metricPrefix+name, labelNames, g.labels, g.value)
	}
}

func writeHeader(w *bufio.Writer, name, help, typ string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, escapeHelp(help), name, typ)
}

// writeSample writes `name{l1="v1",…} value`.
func writeSample(w *bufio.Writer, name string, labelNames, labelValues []string, v float64) {
	w.WriteString(name)
	if len(labelNames) > 0 {
		w.WriteByte('{')
		for i, l := range labelNames {
			if i > 0 {
				w.WriteByte(',')
			}
			value := ""
			if i < len(labelValues) {
				value = labelValues[i]
			}
			w.WriteString(l + `="` + escapeLabel(value) + `"`)
		}
		w.WriteByte('}')
	}
	w.WriteByte(' ')
	w.WriteString(formatFloat(v))
	w.WriteByte('\n')
}

// formatFloat writes a sample value as the format wants it.
func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// escapeLabel escapes a label value: backslash, double quote and line feed.
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(strings.ToValidUTF8(s, "?"))
}

// escapeHelp escapes a help text: backslash and line feed.
func escapeHelp(s string) string { return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s) }

// latencyBuckets are the delivery latency's buckets in seconds: from a direct delivery
// on a LAN to a destination that was down for an hour.
var latencyBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}

// relayMetrics are the relay's counters and histogram; gauges are read when scraped.
type relayMetrics struct {
	received   *counterVec // source
	answered   *counterVec // source, code
	shed       *counterVec // source
	ignored    *counterVec // source
	duplicates *counterVec // source
	queued     *counterVec // source, destination
	delivered  *counterVec // source, destination
	rejected   *counterVec // source, destination
	failed     *counterVec // source, destination
	expired    *counterVec // destination
	latency    *histogramVec
}

func newRelayMetrics() *relayMetrics {
	return &relayMetrics{
		received:   newCounterVec("webhooks_received_total", "Webhooks received, by source.", "source"),
		answered:   newCounterVec("webhooks_answered_total", "Webhooks answered, by source and HTTP status.", "source", "code"),
		shed:       newCounterVec("webhooks_refused_busy_total", "Webhooks refused at once with 503 because too many were in progress (-max-in-flight, -max-in-flight-bytes).", "source"),
		ignored:    newCounterVec("webhooks_ignored_total", "Webhooks answered 2xx without queueing anything: events that need no action, or sites and alert keys the relay does not serve.", "source"),
		duplicates: newCounterVec("webhooks_duplicate_total", "Webhooks answered 2xx as retries of one already queued (iLert's retries).", "source"),
		queued:     newCounterVec("requests_queued_total", "Requests written durably to the queue, by source and destination.", "source", "destination"),
		delivered:  newCounterVec("requests_delivered_total", "Requests delivered (the destination accepted them or had nothing to do), by source and destination.", "source", "destination"),
		rejected:   newCounterVec("requests_rejected_total", "Requests the destination rejected for good, moved to failed/.", "source", "destination"),
		failed:     newCounterVec("requests_failed_total", "Delivery attempts that failed for now (network, 5xx, 429); the request stays queued and is retried.", "source", "destination"),
		expired:    newCounterVec("requests_expired_total", "Requests queued longer than -max-age, moved to failed/.", "destination"),
		latency: newHistogramVec("delivery_latency_seconds", "Time from queueing a request to its delivery, queueing during outages included.",
			latencyBuckets, "destination"),
	}
}

// metrics answers GET /metrics in Prometheus' text format: the counters, the histogram,
// and per destination (orphaned queues included) the queue's length, the age of its
// oldest request, the requests in failed/ and whether it is up. It holds no secret: the
// labels are source and destination names and status codes.
func (s *server) metrics(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	bw := bufio.NewWriter(w)
	s.writeMetrics(r.Context(), bw, time.Now())
	_ = bw.Flush()
}

// writeMetrics writes every metric family.
func (s *server) writeMetrics(ctx context.Context, w *bufio.Writer, now time.Time) {
	m := s.met
	for _, c := range []*counterVec{m.received, m.answered, m.shed, m.ignored, m.duplicates, m.queued, m.delivered, m.rejected, m.failed, m.expired} {
		c.write(w)
	}
	m.latency.write(w)

	failed := map[string]int{}
	if items, err := s.queue.Failed(ctx); err == nil {
		for _, it := range items {
			failed[it.Destination]++
		}
	}
	var length, age, inFailed, up []gauge
	for _, d := range s.destinations() {
		n, _ := s.queue.Len(ctx, d.name)
		st := d.status()
		length = append(length, gauge{[]string{d.name}, float64(n)})
		a := 0.0
		if n > 0 && !st.oldest.IsZero() {
			a = max(now.Sub(st.oldest).Seconds(), 0)
		}
		age = append(age, gauge{[]string{d.name}, a})
		inFailed = append(inFailed, gauge{[]string{d.name}, float64(failed[d.name])})
		isUp := 1.0
		if st.down {
			isUp = 0
		}
		up = append(up, gauge{[]string{d.name}, isUp})
	}
	for _, o := range s.orphanQueues(ctx) {
		length = append(length, gauge{[]string{o.Name}, float64(o.Queued)})
		inFailed = append(inFailed, gauge{[]string{o.Name}, float64(failed[o.Name])})
	}
	dest := []string{"destination"}
	writeGauges(w, "queue_length", "Requests queued per destination (orphaned queues of destinations no longer configured included).", dest, length)
	writeGauges(w, "queue_oldest_age_seconds", "Age of the oldest queued request per destination, as the last delivery attempt saw it; 0 when none is queued.", dest, age)
	writeGauges(w, "queue_failed", "Requests in the queue's failed/ directory per destination.", dest, inFailed)
	writeGauges(w, "destination_up", "1 when the destination's last delivery succeeded, 0 while it fails or is rate limited.", dest, up)
	writeGauges(w, "webhooks_in_progress", "Webhooks being handled now.", nil, []gauge{{nil, float64(s.limit.inFlight())}})
}

// countAnswers counts every answer of a webhook endpoint by source and status.
func (s *server) countAnswers(source string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.met.received.inc(source)
		rec := &httpstatus.Recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.Status == 0 {
			rec.Status = http.StatusOK
		}
		s.met.answered.inc(source, strconv.Itoa(rec.Status))
	})
}
