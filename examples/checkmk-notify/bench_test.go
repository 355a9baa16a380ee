package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// BenchmarkNotifyProcess measures one notification from process start to exit, as
// Checkmk runs it, against a loopback fake iLert, queue on (and pacing, as by default),
// and in the same loop the baseline: a minimal Go program (testdata/baseline) that posts
// the same body to the same receiver. The runs alternate, so that both see the same
// machine; the figures are the medians and their ratio (issue 11 §4: at most 1.5). The
// other sub-benchmarks are the notifier alone: without the queue, and with iLert and
// AlertOps.
func BenchmarkNotifyProcess(b *testing.B) {
	base := filepath.Join(b.TempDir(), "baseline")
	if out, err := exec.Command("go", "build", "-o", base, "./testdata/baseline").CombinedOutput(); err != nil {
		b.Fatalf("building the baseline: %v\n%s", err, out)
	}
	b.Run("queue-vs-baseline", func(b *testing.B) {
		hb := newBenchHarness(b)
		env := withoutEnv(hb.env(b, "service-crit-problem.env"), "NOTIFY_PARAMETER*")
		// Pacing as by default (a pace file of 50 slots, written before each send), but
		// over a millisecond, so that a long benchmark is never paced.
		env = append(env, "NOTIFY_PARAMETER_1=ilert="+fixtureILertKey, "NOTIFY_PARAMETER_2=ilert_rate=50/1ms")
		// The body the notifier posts, for the baseline to post too.
		if out, err := notifyOnce(env); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		first := hb.ilert.Requests()[0]
		baseEnv := []string{"BASELINE_BODY=" + string(first.Body)}
		target := hb.ilert.URL() + first.Path
		var notify, baseline []time.Duration
		b.ReportAllocs()
		for b.Loop() {
			start := time.Now()
			if out, err := notifyOnce(env); err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
			notify = append(notify, time.Since(start))
			cmd := exec.Command(base, target)
			cmd.Env = baseEnv
			start = time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("baseline: %v\n%s", err, out)
			}
			baseline = append(baseline, time.Since(start))
		}
		n, bl := median(notify), median(baseline)
		b.ReportMetric(float64(n.Microseconds())/1000, "ms-median-notify")
		b.ReportMetric(float64(bl.Microseconds())/1000, "ms-median-baseline")
		b.ReportMetric(float64(n)/float64(bl), "x-baseline")
	})
	for _, bc := range []struct{ name, params string }{
		{name: "spool=off", params: "spool=off"},
		{name: "queue-2-destinations", params: "alertops=" + fixtureAlertOpsURL},
	} {
		b.Run(bc.name, func(b *testing.B) {
			hb := newBenchHarness(b)
			env := withoutEnv(hb.env(b, "service-crit-problem.env"), "NOTIFY_PARAMETER*")
			env = append(env, "NOTIFY_PARAMETER_1=ilert="+fixtureILertKey, "NOTIFY_PARAMETER_2="+bc.params,
				"NOTIFY_PARAMETER_3=ilert_rate=50/1ms")
			var durations []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				cmd := exec.Command(binary)
				cmd.Env = env
				start := time.Now()
				out, err := cmd.CombinedOutput()
				durations = append(durations, time.Since(start))
				if err != nil || !strings.Contains(string(out), "iLert: sent (202") {
					b.Fatalf("run failed: %v\n%s", err, out)
				}
			}
			b.ReportMetric(float64(median(durations).Microseconds())/1000, "ms-median/run")
		})
	}
}

// notifyOnce runs the notifier once with env and checks that iLert took the notification.
func notifyOnce(env []string) ([]byte, error) {
	cmd := exec.Command(binary)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err == nil && !strings.Contains(string(out), "iLert: sent (202") {
		err = errors.New("not sent")
	}
	return out, err
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkFlush measures "checkmk-notify flush" as a process, of 2,000 and of 10,000
// queued notifications (queued as a run queues them: prepared, format version 3, not
// paced, as with ilert_rate=0) to a loopback receiver that takes each body and answers 202
// (the fake iLert, which decodes and keeps every body, would measure itself: it shares the
// two cores), and reports events per second (issue 11 §4: at least 3,000) and the flush's
// own peak RSS, which must not grow with the queue (it reads one request at a time).
func BenchmarkFlush(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			if testing.Short() && n > 2000 {
				b.Skip("fills a queue with 10,000 requests")
			}
			benchmarkFlush(b, n)
		})
	}
}

func benchmarkFlush(b *testing.B, n int) {
	hb := newBenchHarness(b)
	var received atomic.Int64
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err == nil && strings.HasPrefix(r.URL.Path, "/api/v1/events/checkmk-ext/") {
			received.Add(1)
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer receiver.Close()
	nt, err := checkmk.FromEnviron(loadEnv(b, "service-crit-problem.env"))
	if err != nil {
		b.Fatal(err)
	}
	tgt := target{sink: delivery.SinkILertCheckmk, key: fixtureILertKey, baseURL: receiver.URL, proxy: delivery.NoProxy}
	req, err := buildRequest(nt, tgt, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	payload, err := prepare(newSender(time.Second, queuedRetry), req)
	if err != nil {
		b.Fatal(err)
	}
	var peakKB int64
	var flushing time.Duration
	peak := buildPeakRSS(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		hb.spool = filepath.Join(b.TempDir(), fmt.Sprintf("spool%d", i))
		q, err := spool.Open(context.Background(), hb.spool)
		if err != nil {
			b.Fatal(err)
		}
		for range n {
			if _, err := q.Enqueue(context.Background(), tgt.spoolName(), payload, spool.DeferSync()); err != nil {
				b.Fatal(err)
			}
		}
		before := received.Load()
		rssFile := filepath.Join(b.TempDir(), "rss")
		cmd := exec.Command(peak, rssFile, binary, "flush", "--budget", "120s") // the notifier's own peak RSS
		cmd.Env = hb.baseEnv()
		b.StartTimer()
		start := time.Now()
		out, err := cmd.CombinedOutput()
		flushing += time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatalf("flush: %v\n%s", err, out)
		}
		if got := received.Load() - before; got != int64(n) {
			b.Fatalf("flush delivered %d requests, want %d", got, n)
		}
		peakKB = max(peakKB, readPeakRSS(b, rssFile))
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/flushing.Seconds(), "events/s")
	b.ReportMetric(float64(peakKB)/1024, "MB-peak-RSS")
}

// TestPeakRSS reports the notifier's own peak RSS for one notification, measured by
// testdata/peakrss, a small program that starts the notifier and reads its resource usage
// (started from the test process, the notifier would inherit the test process's high-water
// mark at exec, on Linux). The sub-benchmarks of BenchmarkNotifyProcess measure time only:
// peakrss would add its own start to it.
func TestPeakRSS(t *testing.T) {
	t.Parallel()
	peak := buildPeakRSS(t)
	h := newHarness(t)
	for _, mode := range []string{"queue", "spool=off"} {
		env := h.env(t, "service-crit-problem.env")
		if mode != "queue" {
			env = append(env, "NOTIFY_PARAMETER_3="+mode)
		}
		file := filepath.Join(t.TempDir(), "rss")
		cmd := exec.Command(peak, file, binary)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		kb := readPeakRSS(t, file)
		t.Logf("%s: peak RSS %.1f MB", mode, float64(kb)/1024)
		if kb > 20<<10 {
			t.Errorf("%s: peak RSS %.1f MB, want under 20 MB", mode, float64(kb)/1024)
		}
	}
}

// buildPeakRSS builds testdata/peakrss, which runs a program and writes its own peak RSS.
func buildPeakRSS(tb testing.TB) string {
	tb.Helper()
	peak := filepath.Join(tb.TempDir(), "peakrss")
	if out, err := exec.Command("go", "build", "-o", peak, "./testdata/peakrss").CombinedOutput(); err != nil {
		tb.Fatalf("building peakrss: %v\n%s", err, out)
	}
	return peak
}

// readPeakRSS reads the KiB that peakrss wrote to file.
func readPeakRSS(tb testing.TB, file string) int64 {
	tb.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	kb, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || kb <= 0 {
		tb.Fatalf("peakrss wrote %q", b)
	}
	return kb
}
