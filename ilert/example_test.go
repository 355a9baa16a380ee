package ilert_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
)

// A fake iLert stands in for api.ilert.com so the examples run anywhere.
func ExampleClient_Send() {
	srv := ilerttest.Start()
	defer srv.Close()

	client, err := ilert.NewClient(ilert.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()

	res, err := client.Send(ctx, ilert.Event{
		IntegrationKey: "il1api0123456789abcdef",
		EventType:      ilert.EventTypeAlert,
		AlertKey:       "site1/web01/Filesystem /var",
		Summary:        "web01: Filesystem /var is CRITICAL - 97% used",
		Priority:       ilert.PriorityHigh,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.StatusCode, res.AlertKey, res.Attempts)
	// Output: 202 site1/web01/Filesystem /var 1
}

// Resolving an alert that iLert no longer has open is benign: treat it as delivered.
func ExampleClient_Send_resolve() {
	srv := ilerttest.Start(ilerttest.TrackOpenAlerts())
	defer srv.Close()
	client, err := ilert.NewClient(ilert.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	key := "il1api0123456789abcdef"

	open := ilert.Event{IntegrationKey: key, EventType: ilert.EventTypeAlert, AlertKey: "web01/disk", Summary: "disk full"}
	resolve := ilert.Event{IntegrationKey: key, EventType: ilert.EventTypeResolve, AlertKey: "web01/disk"}
	for _, e := range []ilert.Event{open, resolve, resolve} {
		_, err := client.Send(ctx, e)
		switch {
		case err == nil:
			fmt.Println(e.EventType, "delivered")
		case ilert.IsBenign(err):
			fmt.Println(e.EventType, "nothing to do: the alert is no longer open")
		default:
			fmt.Println(e.EventType, "failed:", err)
		}
	}
	// Output:
	// ALERT delivered
	// RESOLVE delivered
	// RESOLVE nothing to do: the alert is no longer open
}

// Classify a failure to decide what to do with the event.
func ExampleIsRetryable() {
	srv := ilerttest.Start()
	defer srv.Close()
	srv.FailNext(1, ilerttest.Failure{Status: 429})
	srv.FailNext(1, ilerttest.Failure{Status: 401, Code: "UNAUTHORIZED", Message: "unknown integration key"})

	client, err := ilert.NewClient(ilert.WithBaseURL(srv.URL()),
		ilert.WithRetry(ilert.RetryPolicy{NoRetryOnRateLimit: true}))
	if err != nil {
		log.Fatal(err)
	}
	e := ilert.Event{IntegrationKey: "il1api0123456789abcdef", EventType: ilert.EventTypeAlert, AlertKey: "k", Summary: "s"}
	for range 2 {
		_, err := client.Send(context.Background(), e)
		var apiErr *ilert.APIError
		if errors.As(err, &apiErr) {
			fmt.Printf("status %d, code %q\n", apiErr.StatusCode, apiErr.Code)
		}
		switch {
		case ilert.IsRateLimited(err):
			fmt.Println("rate limited: queue it, send nothing more to this key for now")
		case ilert.IsRetryable(err):
			fmt.Println("keep it and retry later")
		case ilert.IsPermanent(err):
			fmt.Println("drop it and tell a human")
		}
	}
	// Output:
	// status 429, code ""
	// rate limited: queue it, send nothing more to this key for now
	// status 401, code "UNAUTHORIZED"
	// drop it and tell a human
}

// Send a Checkmk notification context the way Checkmk's built-in iLert method does.
func ExampleClient_SendCheckmk() {
	srv := ilerttest.Start()
	defer srv.Close()
	client, err := ilert.NewClient(ilert.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	key := "il1api0123456789abcdef"
	res, err := client.SendCheckmk(context.Background(), key, map[string]string{
		"WHAT": "SERVICE", "NOTIFICATIONTYPE": "PROBLEM", "HOSTNAME": "web01",
		"SERVICEDESC": "Filesystem /var", "SERVICESTATE": "CRITICAL",
		"PARAMETER_ILERT_API_KEY": "ilert_api_key\t" + key, // removed before sending
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.StatusCode, res.AlertKey, res.ScrubbedVariables)
	// Output: 202 web01/Filesystem /var [PARAMETER_ILERT_API_KEY]
}

func ExampleEvent_Validate() {
	err := ilert.Event{EventType: ilert.EventTypeResolve, Severity: 7}.Validate()
	fmt.Println(errors.Is(err, ilert.ErrInvalidEvent))
	fmt.Println(err)
	// Output:
	// true
	// ilert: invalid event: integrationKey is empty
	// ilert: invalid event: alertKey is required for RESOLVE
	// ilert: invalid event: severity 7 is not between 1 and 5
}

func ExampleEvent_String() {
	e := ilert.Event{IntegrationKey: "il1api0123456789abcdef", EventType: ilert.EventTypeAlert, Summary: "disk full"}
	fmt.Println(e)
	// Output: {IntegrationKey:[redacted] EventType:ALERT Summary:disk full Details: AlertKey: Priority: Severity:0 Images:[] Links:[] Comments:[] Labels:map[] Services:[] CustomDetails:map[] RoutingKey:}
}

func ExampleEvent_Normalize() {
	long := ""
	for range 300 {
		long += "x"
	}
	e, truncations := ilert.Event{AlertKey: long}.Normalize()
	fmt.Println(len(e.AlertKey), truncations)
	// Output: 255 [alertKey hashed from 300 to 255 bytes]
}

// A Nagios or Checkmk 1.x setup whose iLert alert source is of type "Nagios / Icinga"
// keeps it: SendNagios posts the variables as iLert's 1.x plug-in did.
func ExampleClient_SendNagios() {
	srv := ilerttest.Start()
	defer srv.Close()
	client, err := ilert.NewClient(ilert.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.SendNagios(context.Background(), "il1api0123456789abcdef", map[string]string{
		"NOTIFY_WHAT":             "SERVICE",
		"NOTIFY_HOSTNAME":         "web01",
		"NOTIFY_SERVICEDESC":      "Filesystem /var",
		"NOTIFY_NOTIFICATIONTYPE": "PROBLEM",
		"NOTIFY_SERVICESTATE":     "CRITICAL",
	})
	if err != nil {
		log.Fatal(err)
	}
	got := srv.NagiosEvents()[0].Variables
	fmt.Println(res.StatusCode, got["NOTIFY_HOSTNAME"], got["NOTIFY_SERVICESTATE"], got["PLUGIN_VERSION"])
	// Output: 200 web01 CRITICAL 1.7
}
