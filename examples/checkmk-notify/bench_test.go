package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// BenchmarkNotifyProcess measures one notification from process start to exit, as
// Checkmk runs it, against loopback receivers (both iLert and AlertOps, queue on). It
// reports the median wall time of the runs and the largest peak RSS.
func BenchmarkNotifyProcess(b *testing.B) {
	for _, bc := range []struct{ name, params string }{
		{name: "queue"},
		{name: "spool=off", params: "spool=off"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			hb := newBenchHarness(b)
			env := hb.env(b, "service-crit-problem.env")
			if bc.params != "" {
				env = append(env, "NOTIFY_PARAMETER_3="+bc.params)
			}
			var durations []time.Duration
			var peakKB int64
			b.ReportAllocs()
			for b.Loop() {
				cmd := exec.Command(binary)
				cmd.Env = env
				start := time.Now()
				out, err := cmd.CombinedOutput()
				durations = append(durations, time.Since(start))
				if err != nil || !strings.Contains(string(out), "AlertOps: sent (200") {
					b.Fatalf("run failed: %v\n%s", err, out)
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					peakKB = max(peakKB, ru.Maxrss)
				}
			}
			slices.Sort(durations)
			b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "ms-median/run")
			b.ReportMetric(float64(peakKB)/1024, "MB-peak-RSS")
		})
	}
}

// BenchmarkFlush10000 measures "checkmk-notify flush" of 10,000 queued notifications to
// loopback iLert, as a process, and reports its peak RSS (memory must stay flat: the queue
// is read one request at a time).
func BenchmarkFlush10000(b *testing.B) {
	if testing.Short() {
		b.Skip("fills a queue with 10,000 requests")
	}
	const n = 10000
	hb := newBenchHarness(b)
	notes := loadEnv(b, "service-crit-problem.env")
	nt, err := checkmk.FromEnviron(notes)
	if err != nil {
		b.Fatal(err)
	}
	tgt := target{kind: kindILertCheckmk, key: fixtureILertKey, baseURL: hb.ilert.URL(), proxy: "NO_PROXY"}
	req, _, err := buildRequest(nt, tgt, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	payload := mustPayload(req)
	var peakKB int64
	var total time.Duration
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		hb.spool = filepath.Join(b.TempDir(), fmt.Sprintf("spool%d", i))
		q, err := spool.Open(hb.spool)
		if err != nil {
			b.Fatal(err)
		}
		for range n {
			if _, err := q.Enqueue(context.Background(), tgt.spoolName(), payload); err != nil {
				b.Fatal(err)
			}
		}
		before := len(hb.ilert.Requests())
		cmd := exec.Command(binary, "flush", "--budget", "120s")
		cmd.Env = hb.baseEnv()
		b.StartTimer()
		start := time.Now()
		out, err := cmd.CombinedOutput()
		total += time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatalf("flush: %v\n%s", err, out)
		}
		if got := len(hb.ilert.Requests()) - before; got != n {
			b.Fatalf("flush delivered %d requests, want %d", got, n)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peakKB = max(peakKB, ru.Maxrss)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(peakKB)/1024, "MB-peak-RSS")
}
