package alertops_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/alertops/alertopstest"
)

func benchAlert() alertops.Alert {
	a := seedAlert()
	a.LongMessage = "Load average: 8.52 (1 min), 7.90 (5 min), 6.10 (15 min)\nTop process: java (412% CPU)"
	return a
}

func BenchmarkMarshalAlert(b *testing.B) {
	a := benchAlert()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalAlertExtra(b *testing.B) {
	a := benchAlert()
	a.Extra = map[string]any{"site": "prod", "ticket": 4711, "contacts": []string{"ops", "dba"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalAlertStdlib is the yardstick: encoding/json on the same fields via a
// plain struct (no order guarantee for Extra, HTML escaping, RFC 3339 with nanoseconds).
func BenchmarkMarshalAlertStdlib(b *testing.B) {
	type plain alertops.Alert
	a := plain(benchAlert())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalAlert(b *testing.B) {
	data, err := benchAlert().MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var a alertops.Alert
		if err := json.Unmarshal(data, &a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSend(b *testing.B) {
	srv := alertopstest.NewServer(b)
	c, err := alertops.NewClient()
	if err != nil {
		b.Fatal(err)
	}
	u := srv.URL(testKey, "CheckMK")
	a := benchAlert()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Send(ctx, u, a); err != nil {
			b.Fatal(err)
		}
	}
}
