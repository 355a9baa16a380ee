package alertopstest_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/alertops/alertopstest"
)

// Test a retry: the fake fails the first request with a 503, the client sends again.
func ExampleServer_FailNext() {
	srv := alertopstest.Start()
	defer srv.Close()
	srv.FailNext(1, alertopstest.Failure{Status: 503})

	client, err := alertops.NewClient(alertops.WithRetry(alertops.RetryPolicy{BaseDelay: time.Millisecond}))
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.Send(context.Background(), srv.URL("my-key", "CheckMK"), alertops.Alert{
		EventKey:  "web01",
		Source:    alertops.SourceCheckmk,
		Host:      "web01",
		State:     "DOWN",
		Severity:  alertops.SeverityForState("DOWN"),
		Summary:   "web01 is DOWN",
		Timestamp: time.Date(2026, 4, 7, 16, 59, 32, 0, time.UTC),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Summary(), "after", res.Attempts, "attempts")
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Status)
	}
	for _, a := range srv.Alerts() {
		fmt.Println(a.Key, a.Integration, a.Alert.Summary, a.Alert.Severity)
	}
	// Output:
	// 200: OK after 2 attempts
	// POST /POSTAlert/my-key/CheckMK 503
	// POST /POSTAlert/my-key/CheckMK 200
	// my-key CheckMK web01 is DOWN critical
}
