package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/level"
)

// The demo's made-up secrets. They go only to the fake servers on loopback.
const (
	demoILertKey    = "il1api-demo-0000"
	demoAlertOpsKey = "demo-alertops-key"
	demoLevelSecret = "demo-level-secret"
)

// runDemo runs the relay against fake iLert, AlertOps and Checkmk servers on loopback: it
// posts every sample webhook, then posts one while iLert answers 503, shows it queued,
// lets it be delivered when iLert is back, prints what each fake received, shows the
// round trip of two-way sync (demoTwoWay), and shuts down.
func runDemo(ctx context.Context, cfg config, logger *slog.Logger, out io.Writer) error {
	il := ilerttest.Start()
	defer il.Close()
	ao := alertopstest.Start()
	defer ao.Close()
	dir, err := os.MkdirTemp("", "webhook-relay-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	cfg.QueueDir = dir
	cfg.ILertKey, cfg.ILertURL = demoILertKey, il.URL()
	cfg.AlertOpsURL = ao.URL(demoAlertOpsKey, "Relay")
	cfg.LevelSecrets = []level.Secret{level.Secret(demoLevelSecret)}
	cfg.MaxBackoff = 500 * time.Millisecond // retry the outage quickly
	ck := startDemoCheckmk(&cfg)
	defer ck.Close()
	s, err := newServer(ctx, cfg, logger)
	if err != nil {
		return err
	}
	relay := httptest.NewServer(s.handler)
	defer func() {
		relay.Close()
		_ = s.close(context.WithoutCancel(ctx))
	}()
	client := relay.Client()
	client.Timeout = 30 * time.Second

	samples, err := loadSamples(level.Secret(demoLevelSecret))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "relay on %s: %s and %s → fake iLert %s and fake AlertOps %s\n\n",
		relay.URL, cfg.HealthchecksPath, cfg.LevelPath, il.URL(), ao.BaseURL())
	fmt.Fprintln(out, "1. Post every sample webhook:")
	for _, smp := range samples {
		status, line, err := smp.post(client, relay.URL, cfg)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "   %-13s %-45s → %d %s\n", smp.source, smp.name, status, line)
	}

	fmt.Fprintln(out, "\n2. iLert fails (503 twice); a webhook arrives meanwhile:")
	il.FailNext(2, ilerttest.Failure{Status: http.StatusServiceUnavailable})
	down := samples[0]
	status, line, err := down.post(client, relay.URL, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   %-13s %-45s → %d %s (durably queued)\n", down.source, down.name, status, line)
	rep, _ := s.healthReport(ctx)
	for _, d := range rep.Destinations {
		fmt.Fprintf(out, "   /healthz: %-8s %-8s queued %d\n", d.Name, d.State, d.Queued)
	}
	if err := waitEmpty(ctx, s, 30*time.Second); err != nil {
		return err
	}
	fmt.Fprintln(out, "   iLert is back: the queued event was delivered by the background retry")
	rep, _ = s.healthReport(ctx)
	for _, d := range rep.Destinations {
		fmt.Fprintf(out, "   /healthz: %-8s %-8s queued %d, delivered %d\n", d.Name, d.State, d.Queued, d.Delivered)
	}

	fmt.Fprintln(out, "\n3. What the destinations received:")
	for _, e := range il.Events() {
		fmt.Fprintf(out, "   iLert    %-8s %-62s %s\n", e.EventType, e.AlertKey, e.Summary)
	}
	for _, a := range ao.Alerts() {
		fmt.Fprintf(out, "   AlertOps %-8s %-62s %s\n", a.Alert.NotificationType, a.Alert.EventKey, a.Alert.Summary)
	}
	return demoTwoWay(ctx, s, relay.URL, client, il, ck, out)
}

// waitEmpty waits until no request is queued for any destination and every destination
// is up.
func waitEmpty(ctx context.Context, s *server, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		rep, _ := s.healthReport(ctx)
		busy := 0
		for _, d := range rep.Destinations {
			busy += d.Queued
			if d.State != "up" {
				busy++
			}
		}
		if busy == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("queued requests were not delivered in time")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
