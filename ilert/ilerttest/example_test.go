package ilerttest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
)

// In a test, use NewServer(t) instead of Start: it closes the server when the test ends.
func ExampleServer_FailNext() {
	srv := ilerttest.Start()
	defer srv.Close()
	srv.FailNext(1, ilerttest.Failure{Status: 503})

	client, err := ilert.NewClient(ilert.WithBaseURL(srv.URL()),
		ilert.WithRetry(ilert.RetryPolicy{BaseDelay: 1})) // retry at once in this example
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.Send(context.Background(), ilert.Event{
		IntegrationKey: "test-key", EventType: ilert.EventTypeAlert, AlertKey: "web01", Summary: "web01 is DOWN",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("attempts:", res.Attempts)
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Status)
	}
	for _, e := range srv.Events() {
		fmt.Println("accepted:", e.EventType, e.AlertKey, e.Summary)
	}
	// Output:
	// attempts: 2
	// POST /api/events 503
	// POST /api/events 202
	// accepted: ALERT web01 web01 is DOWN
}
