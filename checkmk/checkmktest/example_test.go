package checkmktest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/checkmk/checkmktest"
)

// In a test, use NewServer(t) instead of Start: it closes the server when the test ends.
func ExampleStart() {
	srv := checkmktest.Start(checkmktest.WithSite("prod"))
	defer srv.Close()
	srv.AddHost("db02", checkmk.HostDown)

	client, err := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret(srv.Secret()))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.AcknowledgeHost(context.Background(), "db02", checkmk.NewAcknowledgement("on it")); err != nil {
		log.Fatal(err)
	}
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Status)
	}
	fmt.Println(srv.Acknowledgements()[0].Host, srv.Acknowledged("db02", ""))
	// Output:
	// POST /prod/check_mk/api/1.0/domain-types/acknowledge/collections/host 204
	// db02 true
}

// A scripted outage: the client retries a 503 and succeeds on the second attempt.
func ExampleServer_FailNext() {
	srv := checkmktest.Start()
	defer srv.Close()
	srv.AddHost("db02", checkmk.HostDown)
	srv.FailNext(1, checkmktest.Failure{Status: 503})

	client, err := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret(srv.Secret()),
		checkmk.WithRetry(checkmk.RetryPolicy{BaseDelay: 1})) // retry at once in this example
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.AddHostComment(context.Background(), "db02", checkmk.Comment{Text: "rebooting"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("attempts:", res.Attempts)
	for _, r := range srv.Requests() {
		fmt.Println(r.Status)
	}
	// Output:
	// attempts: 2
	// 503
	// 204
}

// An automation user without the permission to acknowledge gets 403, a permanent error.
func ExampleDenyPermission() {
	srv := checkmktest.Start(checkmktest.DenyPermission(checkmktest.PermAcknowledge), checkmktest.AnyObjectHasProblem())
	defer srv.Close()
	client, err := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret(srv.Secret()))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.AcknowledgeHost(context.Background(), "any-host", checkmk.NewAcknowledgement("on it"))
	var apiErr *checkmk.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Permanent())
	}
	// Output: 403 true
}
