package alertops_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/alertops/alertopstest"
)

// A fake AlertOps stands in for notify.alertops.com so the example runs anywhere.
func ExampleClient_Send() {
	srv := alertopstest.Start()
	defer srv.Close()
	webhookURL := srv.URL("0123-my-account-key", "CheckMK") // in production: from configuration

	client, err := alertops.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()

	res, err := client.Send(ctx, webhookURL, alertops.Alert{
		EventKey:         "web01_CPU load",
		Source:           alertops.SourceCheckmk,
		Host:             "web01",
		HostAddress:      "10.0.0.7",
		Service:          "CPU load",
		State:            "CRITICAL",
		Severity:         alertops.SeverityForState("CRITICAL"),
		NotificationType: "PROBLEM",
		Summary:          "CRITICAL: CPU load on web01",
		Message:          "CRITICAL - 15min load 8.52 at 8 CPUs",
		Timestamp:        time.Date(2026, 4, 7, 16, 59, 32, 0, time.UTC),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Summary())
	got := srv.Alerts()[0]
	fmt.Println(got.Integration, got.Alert.EventKey, got.Alert.Severity)
	// Output:
	// 200: OK
	// CheckMK web01_CPU load critical
}

// Decide what to do with a failed alert, as a Checkmk notification script does with its
// exit code: 1 makes Checkmk retry, 2 gives up. The error never shows the account key.
func ExampleIsRetryable() {
	srv := alertopstest.Start(alertopstest.AcceptKeys("the-right-key"))
	defer srv.Close()
	client, err := alertops.NewClient(alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		log.Fatal(err)
	}
	alert := alertops.Alert{EventKey: "web01", Source: alertops.SourceCheckmk, Severity: alertops.SeverityCritical,
		Summary: "web01 is DOWN", Timestamp: time.Date(2026, 4, 7, 16, 59, 32, 0, time.UTC)}

	srv.FailNext(1, alertopstest.Failure{Status: 503})
	for _, key := range []string{"the-right-key", "a-wrong-key"} {
		_, err := client.Send(context.Background(), srv.URL(key, "CheckMK"), alert)
		exit := 0
		switch {
		case alertops.IsRetryable(err):
			exit = 1
		case err != nil:
			exit = 2
		}
		var apiErr *alertops.APIError
		if errors.As(err, &apiErr) {
			fmt.Println(exit, apiErr.StatusCode, apiErr.URL[len(srv.BaseURL()):])
		}
	}
	// Output:
	// 1 503 /POSTAlert/[redacted]/CheckMK
	// 2 401 /POSTAlert/[redacted]/CheckMK
}

// The Checkmk state → severity table.
func ExampleSeverityForState() {
	for _, state := range []string{"OK", "WARNING", "CRITICAL", "UNKNOWN", "UP", "DOWN", "UNREACHABLE", "PENDING"} {
		fmt.Printf("%-11s %s\n", state, alertops.SeverityForState(state))
	}
	// Output:
	// OK          info
	// WARNING     warning
	// CRITICAL    critical
	// UNKNOWN     error
	// UP          info
	// DOWN        critical
	// UNREACHABLE error
	// PENDING     error
}

// A host alert encodes in the payload reference's order; the optional fields are left out
// and Extra fields follow in sorted order.
func ExampleAlert_MarshalJSON() {
	a := alertops.Alert{
		EventKey:         "web01",
		Source:           alertops.SourceCheckmk,
		Host:             "web01",
		HostAddress:      "10.0.0.7",
		State:            "DOWN",
		Severity:         alertops.SeverityForState("DOWN"),
		NotificationType: "PROBLEM",
		Summary:          "web01 is DOWN",
		Message:          "PING CRITICAL - Host unreachable",
		Timestamp:        time.Date(2026, 4, 7, 18, 59, 32, 500, time.FixedZone("CEST", 2*3600)),
		Extra:            map[string]any{"Site": "prod", "Contacts": []string{"ops"}},
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(a); err != nil {
		log.Fatal(err)
	}
	// Output:
	// {
	//   "EventKey": "web01",
	//   "Source": "Checkmk",
	//   "Host": "web01",
	//   "HostAddress": "10.0.0.7",
	//   "Service": "",
	//   "State": "DOWN",
	//   "Severity": "critical",
	//   "NotificationType": "PROBLEM",
	//   "Summary": "web01 is DOWN",
	//   "Message": "PING CRITICAL - Host unreachable",
	//   "Resolved": false,
	//   "Timestamp": "2026-04-07T16:59:32Z",
	//   "Contacts": [
	//     "ops"
	//   ],
	//   "Site": "prod"
	// }
}

// Validate reports every problem at once.
func ExampleAlert_Validate() {
	err := alertops.Alert{Severity: "CRITICAL"}.Validate()
	fmt.Println(errors.Is(err, alertops.ErrInvalidAlert))
	fmt.Println(err)
	// Output:
	// true
	// alertops: invalid alert: EventKey is empty
	// alertops: invalid alert: Source is empty
	// alertops: invalid alert: Severity "CRITICAL" is not one of critical, warning, error, info
	// alertops: invalid alert: Timestamp is not set
}

// Show a webhook URL in logs or messages without its account key.
func ExampleRedactWebhookURL() {
	fmt.Println(alertops.RedactWebhookURL("https://notify.alertops.com/POSTAlert/0123-abcd-secret/CheckMK"))
	fmt.Println(alertops.ValidateWebhookURL("notify.alertops.com/POSTAlert/0123-abcd-secret/CheckMK"))
	// Output:
	// https://notify.alertops.com/POSTAlert/[redacted]/CheckMK
	// alertops: invalid webhook URL: the scheme is not http or https
}

// Read an alert back, for example in a relay: unknown fields land in Extra, and
// timestamps with offsets are read as UTC.
func ExampleAlert_UnmarshalJSON() {
	var a alertops.Alert
	err := json.Unmarshal([]byte(`{"EventKey":"web01","Timestamp":"2026-04-07T18:59:32+02:00","ticket":4711}`), &a)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.EventKey, a.Timestamp, a.Extra["ticket"])
	// Output: web01 2026-04-07 16:59:32 +0000 UTC 4711
}
