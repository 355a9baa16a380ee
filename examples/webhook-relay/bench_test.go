package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/healthchecks"
	"github.com/alertbridge/alertbridge/level"
)

// BenchmarkRelayThroughput posts the Healthchecks simple-down webhook concurrently to an
// in-process relay on loopback whose only destination is a fake iLert, and reports
// webhooks per second. Every webhook is durably queued (group commits of concurrent
// webhooks) before it is answered; with wait=2s (the default -deliver-wait) it is also
// delivered to the fake before it is answered, with wait=0 the answer comes right after
// the enqueue and delivery follows. Each run ends once everything is delivered.
func BenchmarkRelayThroughput(b *testing.B) {
	for _, bc := range []struct {
		wait time.Duration
		par  int // goroutines per GOMAXPROCS
	}{{2 * time.Second, 1}, {2 * time.Second, 8}, {2 * time.Second, 32}, {0, 8}} {
		b.Run(fmt.Sprintf("wait=%v/goroutines=%dxGOMAXPROCS", bc.wait, bc.par), func(b *testing.B) {
			par := bc.par
			h := newHarness(b, func(c *config) {
				c.AlertOpsURL = ""
				c.LogLevel = "warn"
				c.DeliverWait = bc.wait
			})
			s := sampleNamed(b, h.samples(), "simple-down.json")
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
			b.ReportAllocs()
			b.SetParallelism(par)
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest(http.MethodPost, h.url+h.cfg.HealthchecksPath, bytes.NewReader(s.body))
					req.Header = s.header.Clone()
					res, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						b.Errorf("status %d", res.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "webhooks/s")
			b.StopTimer()
			h.waitDelivered()
			if n := len(h.ilert.Events()); n != b.N {
				b.Errorf("iLert got %d events for %d webhooks", n, b.N)
			}
		})
	}
}

// BenchmarkMapAndEncode measures the relay's CPU work per webhook without I/O: parse (and
// for Level verify), map to the iLert event and encode the queued request.
func BenchmarkMapAndEncode(b *testing.B) {
	all, err := loadSamples(level.Secret(testLevelSecret))
	if err != nil {
		b.Fatal(err)
	}
	hc := sampleNamed(b, all, "simple-down.json")
	lv := sampleNamed(b, all, "alert_active.inferred.json")
	b.Run("healthchecks", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n, err := healthchecks.Parse(hc.header, hc.body)
			if err != nil {
				b.Fatal(err)
			}
			e, err := healthchecks.ToILert(n)
			if err != nil {
				b.Fatal(err)
			}
			e.IntegrationKey = testILertKey
			if _, err := delivery.ILert(e).WithRef("0123456789abcdef").Encode(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("level", func(b *testing.B) {
		b.ReportAllocs()
		sig := lv.header.Get(level.SignatureHeader)
		for b.Loop() {
			if err := level.Verify(lv.body, sig, level.Secret(testLevelSecret)); err != nil {
				b.Fatal(err)
			}
			ev, err := level.Decode(lv.body)
			if err != nil {
				b.Fatal(err)
			}
			e, err := level.ToILert(ev)
			if err != nil {
				b.Fatal(err)
			}
			e.IntegrationKey = testILertKey
			if _, err := delivery.ILert(e).WithRef("0123456789abcdef").Encode(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
