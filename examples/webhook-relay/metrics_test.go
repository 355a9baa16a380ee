package main

import (
	"bufio"
	"bytes"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
)

// The text exposition format (Prometheus, version 0.0.4), as strictly as the tests read
// it: https://prometheus.io/docs/instrumenting/exposition_formats/.
var (
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$`)
	labelPair  = regexp.MustCompile(`^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"`)
)

// exposition is a parsed /metrics page: samples by "name{l1="v1",…}" as written, and the
// type of each family.
type exposition struct {
	samples map[string]float64
	types   map[string]string
}

// parseExposition parses a page in the text format and fails the test on anything the
// format does not allow: a sample before its family's HELP and TYPE, a family declared
// twice, a sample of another family, a malformed name, label or value, a series twice,
// a histogram whose buckets are not cumulative or do not end in +Inf = _count.
func parseExposition(t *testing.T, page string) exposition {
	t.Helper()
	if !strings.HasSuffix(page, "\n") {
		t.Fatalf("the page does not end in a line feed")
	}
	ex := exposition{samples: map[string]float64{}, types: map[string]string{}}
	help := map[string]bool{}
	family := ""
	type bucket struct {
		le    float64
		count float64
	}
	buckets := map[string][]bucket{} // histogram series (labels without le) → buckets
	sc := bufio.NewScanner(strings.NewReader(page))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# HELP "):
			name, text, ok := strings.Cut(strings.TrimPrefix(line, "# HELP "), " ")
			if !ok || !metricName.MatchString(name) || text == "" || help[name] {
				t.Fatalf("line %d: bad or repeated HELP: %q", n, line)
			}
			help[name], family = true, name
		case strings.HasPrefix(line, "# TYPE "):
			name, typ, ok := strings.Cut(strings.TrimPrefix(line, "# TYPE "), " ")
			if !ok || name != family || !slices.Contains([]string{"counter", "gauge", "histogram", "summary", "untyped"}, typ) || ex.types[name] != "" {
				t.Fatalf("line %d: bad TYPE (family %q): %q", n, family, line)
			}
			ex.types[name] = typ
		case strings.HasPrefix(line, "#") || line == "":
			t.Fatalf("line %d: unexpected %q", n, line)
		default:
			m := sampleLine.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("line %d: not a sample: %q", n, line)
			}
			name, labels, value := m[1], m[3], m[4]
			typ := ex.types[family]
			base := name
			if typ == "histogram" {
				for _, suffix := range []string{"_bucket", "_sum", "_count"} {
					if b, ok := strings.CutSuffix(name, suffix); ok {
						base = b
						break
					}
				}
			}
			if typ == "" || base != family {
				t.Fatalf("line %d: sample %s outside its family (%s)", n, name, family)
			}
			var le string
			var rest []string
			for rem := labels; rem != ""; {
				lm := labelPair.FindStringSubmatch(rem)
				if lm == nil || !labelName.MatchString(lm[1]) {
					t.Fatalf("line %d: bad labels %q", n, labels)
				}
				if lm[1] == "le" {
					le = lm[2]
				} else {
					rest = append(rest, lm[0])
				}
				rem = strings.TrimPrefix(rem[len(lm[0]):], ",")
			}
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				t.Fatalf("line %d: bad value %q", n, value)
			}
			key := name + "{" + labels + "}"
			if labels == "" {
				key = name
			}
			if _, dup := ex.samples[key]; dup {
				t.Fatalf("line %d: series %s twice", n, key)
			}
			ex.samples[key] = v
			if strings.HasSuffix(name, "_bucket") && typ == "histogram" {
				lev, err := strconv.ParseFloat(le, 64)
				if err != nil {
					t.Fatalf("line %d: bucket without le: %q", n, line)
				}
				series := base + "{" + strings.Join(rest, ",") + "}"
				buckets[series] = append(buckets[series], bucket{lev, v})
			}
		}
	}
	for series, bs := range buckets {
		for i := 1; i < len(bs); i++ {
			if bs[i].le <= bs[i-1].le || bs[i].count < bs[i-1].count {
				t.Fatalf("%s: buckets not increasing and cumulative: %+v", series, bs)
			}
		}
		if last := bs[len(bs)-1]; !math.IsInf(last.le, 1) {
			t.Fatalf("%s: the last bucket is not +Inf", series)
		}
		name, labels, _ := strings.Cut(series, "{")
		count := ex.samples[name+"_count{"+labels]
		if strings.TrimSuffix(labels, "}") == "" {
			count = ex.samples[name+"_count"]
		}
		if bs[len(bs)-1].count != count {
			t.Fatalf("%s: +Inf bucket %v, _count %v", series, bs[len(bs)-1].count, count)
		}
	}
	return ex
}

func (ex exposition) get(t *testing.T, key string) float64 {
	t.Helper()
	v, ok := ex.samples[key]
	if !ok {
		t.Errorf("no series %s", key)
	}
	return v
}

// TestMetrics: /metrics parses as the text format, holds no secret, and its counters
// move with webhooks: received and answered by source, queued, delivered, rejected and
// failed by source and destination, the delivery latency, and the gauges per destination.
func TestMetrics(t *testing.T) {
	t.Parallel()
	h := newTwoWayHarness(t, nil)
	all := h.samples()
	ex := parseExposition(t, h.metrics())
	for _, name := range []string{"webhooks_received_total", "requests_delivered_total", "delivery_latency_seconds", "queue_length", "queue_oldest_age_seconds"} {
		if ex.types[metricPrefix+name] == "" {
			t.Errorf("family %s missing before any webhook", name)
		}
	}

	h.post(sampleNamed(t, all, "simple-down.json"))
	h.post(sampleNamed(t, all, "alert_active.inferred.json"))
	h.postILertAuth(ilertBody(t, "accepted-service.json", nil))
	h.postILertAuth(ilertBody(t, "accepted-service.json", nil)) // iLert's retry
	h.ao.FailNext(1, alertopstest.Failure{Status: http.StatusUnauthorized})
	h.post(sampleNamed(t, all, "cron-up.json"))
	h.do(http.MethodPost, h.cfg.ILertPath, nil, "{}") // no credentials: 401
	h.waitDelivered()                                 // the rejected request is in failed/
	page := h.metrics()
	h.assertNoSecret("metrics", page)
	ex = parseExposition(t, page)
	for key, want := range map[string]float64{
		`alertbridge_relay_webhooks_received_total{source="healthchecks"}`:                         2,
		`alertbridge_relay_webhooks_received_total{source="level"}`:                                1,
		`alertbridge_relay_webhooks_received_total{source="ilert"}`:                                3,
		`alertbridge_relay_webhooks_answered_total{source="healthchecks",code="200"}`:              1,
		`alertbridge_relay_webhooks_answered_total{source="healthchecks",code="422"}`:              1,
		`alertbridge_relay_webhooks_answered_total{source="level",code="200"}`:                     1,
		`alertbridge_relay_webhooks_answered_total{source="ilert",code="200"}`:                     2,
		`alertbridge_relay_webhooks_answered_total{source="ilert",code="401"}`:                     1,
		`alertbridge_relay_webhooks_duplicate_total{source="ilert"}`:                               1,
		`alertbridge_relay_requests_queued_total{source="healthchecks",destination="ilert"}`:       2,
		`alertbridge_relay_requests_queued_total{source="healthchecks",destination="alertops"}`:    2,
		`alertbridge_relay_requests_queued_total{source="level",destination="ilert"}`:              1,
		`alertbridge_relay_requests_queued_total{source="ilert",destination="checkmk"}`:            1,
		`alertbridge_relay_requests_delivered_total{source="healthchecks",destination="ilert"}`:    2,
		`alertbridge_relay_requests_delivered_total{source="healthchecks",destination="alertops"}`: 1,
		`alertbridge_relay_requests_delivered_total{source="level",destination="alertops"}`:        1,
		`alertbridge_relay_requests_delivered_total{source="ilert",destination="checkmk"}`:         1,
		`alertbridge_relay_requests_rejected_total{source="healthchecks",destination="alertops"}`:  1,
		`alertbridge_relay_delivery_latency_seconds_count{destination="ilert"}`:                    3,
		`alertbridge_relay_delivery_latency_seconds_count{destination="alertops"}`:                 2,
		`alertbridge_relay_delivery_latency_seconds_bucket{destination="checkmk",le="+Inf"}`:       1,
		`alertbridge_relay_delivery_latency_seconds_bucket{destination="ilert",le="3600"}`:         3,
		`alertbridge_relay_queue_length{destination="ilert"}`:                                      0,
		`alertbridge_relay_queue_length{destination="checkmk"}`:                                    0,
		`alertbridge_relay_queue_oldest_age_seconds{destination="ilert"}`:                          0,
		`alertbridge_relay_queue_failed{destination="alertops"}`:                                   1,
		`alertbridge_relay_queue_failed{destination="ilert"}`:                                      0,
		`alertbridge_relay_destination_up{destination="ilert"}`:                                    1,
		`alertbridge_relay_destination_up{destination="checkmk"}`:                                  1,
		`alertbridge_relay_webhooks_in_progress`:                                                   0,
	} {
		if got := ex.get(t, key); got != want {
			t.Errorf("%s = %v, want %v", key, got, want)
		}
	}
	for _, absent := range []string{
		`alertbridge_relay_requests_failed_total{source="healthchecks",destination="ilert"}`,
		`alertbridge_relay_webhooks_refused_busy_total{source="healthchecks"}`,
		`alertbridge_relay_requests_delivered_total{source="unknown",destination="ilert"}`,
	} {
		if v, ok := ex.samples[absent]; ok {
			t.Errorf("%s = %v, want absent", absent, v)
		}
	}

	// A destination that fails: the failure counted, the queue's length and the age of
	// its oldest request shown, the destination down.
	h.ilert.FailNext(1000, ilerttest.Failure{Status: http.StatusServiceUnavailable})
	h.post(sampleNamed(t, all, "oncalendar-up.json"))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		ex = parseExposition(t, h.metrics())
		if ex.samples[`alertbridge_relay_destination_up{destination="ilert"}`] == 0 || time.Now().After(deadline) {
			break
		}
	}
	if got := ex.get(t, `alertbridge_relay_requests_failed_total{source="healthchecks",destination="ilert"}`); got < 1 {
		t.Errorf("failed counter = %v, want at least 1", got)
	}
	if got := ex.get(t, `alertbridge_relay_queue_length{destination="ilert"}`); got != 1 {
		t.Errorf("queue length = %v, want 1", got)
	}
	if got := ex.get(t, `alertbridge_relay_queue_oldest_age_seconds{destination="ilert"}`); got <= 0 {
		t.Errorf("age of the oldest request = %v, want more than 0", got)
	}
	if got := ex.get(t, `alertbridge_relay_destination_up{destination="ilert"}`); got != 0 {
		t.Errorf("destination_up = %v, want 0", got)
	}
}

// TestExpositionEscapes: label values and help texts are escaped as the format says.
func TestExpositionEscapes(t *testing.T) {
	t.Parallel()
	c := newCounterVec("test_total", "A help with a \\ and a\nline break.", "label")
	c.inc("quote \" backslash \\ line\nbreak")
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	c.write(w)
	_ = w.Flush()
	want := "# HELP alertbridge_relay_test_total A help with a \\\\ and a\\nline break.\n" +
		"# TYPE alertbridge_relay_test_total counter\n" +
		`alertbridge_relay_test_total{label="quote \" backslash \\ line\nbreak"} 1` + "\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	parseExposition(t, buf.String())
}
