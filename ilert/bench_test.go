package ilert_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
)

func benchEvent() ilert.Event {
	return ilert.Event{
		IntegrationKey: testKey,
		EventType:      ilert.EventTypeAlert,
		AlertKey:       "site1/web01/Filesystem /var",
		Summary:        "PROBLEM Service Alert: web01/Filesystem /var is CRITICAL - 97% used (48.5 of 50 GiB)",
		Details:        "Filesystem /var: 97% used\nInodes: 12%\nTrend: +2 GiB/day",
		Priority:       ilert.PriorityHigh,
		Links:          []ilert.Link{{Href: "https://checkmk.example/site1/check_mk/index.py", Text: "Checkmk"}},
		Labels:         map[string]string{"site": "site1", "host": "web01"},
		CustomDetails:  map[string]any{"state": "CRITICAL", "notification_number": 2},
	}
}

func BenchmarkEncodeEvent(b *testing.B) {
	e := benchEvent()
	b.ReportAllocs()
	for b.Loop() {
		n, _ := e.Normalize()
		if _, err := json.Marshal(n); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSend(b *testing.B) {
	srv := ilerttest.NewServer(b, ilerttest.EmptyBodies())
	c, err := ilert.NewClient(ilert.WithBaseURL(srv.URL()))
	if err != nil {
		b.Fatal(err)
	}
	e := benchEvent()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Send(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}
