package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/level"
)

// The relay forwards a Healthchecks "down" webhook to iLert and AlertOps and answers 200
// once both have it.
func Example() {
	il := ilerttest.Start()
	defer il.Close()
	ao := alertopstest.Start()
	defer ao.Close()
	dir, err := os.MkdirTemp("", "relay-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	env := map[string]string{
		"ALERTBRIDGE_ILERT_KEY":    "il1api-example",
		"ALERTBRIDGE_ILERT_URL":    il.URL(),
		"ALERTBRIDGE_ALERTOPS_URL": ao.URL("example-key", "Relay"),
		"ALERTBRIDGE_LEVEL_SECRET": "example-secret",
		"ALERTBRIDGE_QUEUE_DIR":    dir,
	}
	cfg, err := parseConfig(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := newServer(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		fmt.Println(err)
		return
	}
	relay := httptest.NewServer(s.handler)
	defer func() {
		relay.Close()
		_ = s.close(context.Background())
	}()

	samples, err := loadSamples(level.Secret("example-secret"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, smp := range samples {
		if smp.name != "simple-down.json" {
			continue
		}
		status, line, err := smp.post(http.DefaultClient, relay.URL, cfg)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(status, line)
	}
	for _, e := range il.Events() {
		fmt.Println("iLert:", e.EventType, e.Summary)
	}
	for _, a := range ao.Alerts() {
		fmt.Println("AlertOps:", a.Alert.NotificationType, a.Alert.Summary)
	}
	// Output:
	// 200 ok
	// iLert: ALERT Healthchecks: Nightly DB backup is DOWN
	// AlertOps: PROBLEM Healthchecks: Nightly DB backup is DOWN
}
