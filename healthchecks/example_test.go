package healthchecks_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/alertbridge/alertbridge/healthchecks"
)

// body is a $JSON body as Healthchecks v4 sends it, shortened.
const body = `{"name": "Nightly DB backup", "slug": "nightly-db-backup", "tags": "prod db",
 "desc": "Dumps the orders database.", "grace": 600, "n_pings": 1432, "status": "down",
 "last_ping": "2026-08-19T09:15:02+00:00", "next_ping": null, "timeout": 3600,
 "uuid": "5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4",
 "update_url": "https://healthchecks.io/api/v3/checks/5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4"}`

func ExampleParse() {
	header := http.Header{}
	header.Set("Check-Status", "down")

	n, err := healthchecks.Parse(header, []byte(body))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n.Status, n.Check.Name, n.Check.ID())
	fmt.Println(n.Check.Tags, n.Check.Timeout, n.Check.Grace, n.Check.LastPing)
	fmt.Println(n.Check.Key())
	// Output:
	// down Nightly DB backup 5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4
	// [prod db] 1h0m0s 10m0s 2026-08-19 09:15:02 +0000 UTC
	// healthchecks/5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4
}

// Without the Check-Status header Parse refuses the webhook and says how to fix the
// integration; FallbackToBodyStatus uses the body's status instead.
func ExampleParse_missingStatus() {
	_, err := healthchecks.Parse(http.Header{}, []byte(body))
	fmt.Println(errors.Is(err, healthchecks.ErrMissingStatus))
	fmt.Println(err)

	n, err := healthchecks.Parse(http.Header{}, []byte(body), healthchecks.FallbackToBodyStatus())
	fmt.Println(n.Status, n.StatusFromBody, err)
	// Output:
	// true
	// healthchecks: missing Check-Status header: add the request header "Check-Status: $STATUS" to the Healthchecks webhook integration
	// down true <nil>
}

func ExampleToILert() {
	header := http.Header{"Check-Status": {"down"}}
	n, err := healthchecks.Parse(header, []byte(body))
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := healthchecks.ToILert(n)
	if err != nil {
		fmt.Println(err)
		return
	}
	e.IntegrationKey = "il1api..." // your alert source's key

	fmt.Println(e.EventType, e.AlertKey)
	fmt.Println(e.Summary)
	fmt.Println(e.Details)
	fmt.Println(e.Labels)
	fmt.Println(e.Links[0].Href)
	// Output:
	// ALERT healthchecks/5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4
	// Healthchecks: Nightly DB backup is DOWN
	// - Status: DOWN
	// - Slug: nightly-db-backup
	// - Period: 1 hour
	// - Grace time: 10 minutes
	// - Last ping: 2026-08-19T09:15:02Z
	// - Tags: prod db
	//
	// Dumps the orders database.
	// map[db:true prod:true]
	// https://healthchecks.io/checks/5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4/details/
}

func ExampleToAlertOps() {
	header := http.Header{"Check-Status": {"up"}}
	n, err := healthchecks.Parse(header, []byte(body))
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := healthchecks.ToAlertOps(n)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := json.MarshalIndent(a, "", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "EventKey": "healthchecks/5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4",
	//   "Source": "Healthchecks",
	//   "Host": "Nightly DB backup",
	//   "HostAddress": "",
	//   "Service": "",
	//   "State": "UP",
	//   "Severity": "info",
	//   "NotificationType": "RECOVERY",
	//   "Summary": "Healthchecks: Nightly DB backup is UP",
	//   "Message": "Dumps the orders database.",
	//   "Resolved": true,
	//   "Timestamp": "2026-08-19T09:15:02Z",
	//   "DetailsURL": "https://healthchecks.io/checks/5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4/details/",
	//   "LongMessage": "- Status: UP\n- Slug: nightly-db-backup\n- Period: 1 hour\n- Grace time: 10 minutes\n- Last ping: 2026-08-19T09:15:02Z\n- Tags: prod db\n\nDumps the orders database."
	// }
}

func ExampleHandler() {
	h, err := healthchecks.NewHandler(func(ctx context.Context, n *healthchecks.Notification) error {
		e, err := healthchecks.ToILert(n)
		if err != nil {
			return err
		}
		fmt.Println("deliver:", e.EventType, e.AlertKey)
		return nil // return an error to make Healthchecks try again
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	send := func(method, status, body string) {
		req, _ := http.NewRequestWithContext(context.Background(), method, srv.URL, strings.NewReader(body))
		if status != "" {
			req.Header.Set("Check-Status", status)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		msg, _ := io.ReadAll(resp.Body)
		if status == "" {
			status = "(no Check-Status)"
		}
		fmt.Printf("%s %s → %d %s", method, status, resp.StatusCode, msg)
	}
	send(http.MethodPost, "down", body)
	send(http.MethodPost, "up", body)
	send(http.MethodGet, "down", "")
	send(http.MethodPost, "", body)
	// Output:
	// deliver: ALERT healthchecks/5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4
	// POST down → 200 ok
	// deliver: RESOLVE healthchecks/5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4
	// POST up → 200 ok
	// GET down → 405 healthchecks: method not allowed: configure the Healthchecks webhook with method POST, request body $JSON and the header "Check-Status: $STATUS" (got "GET")
	// POST (no Check-Status) → 400 healthchecks: missing Check-Status header: add the request header "Check-Status: $STATUS" to the Healthchecks webhook integration
}

// A DeliverFunc marks errors that retrying cannot fix with Permanent: the Handler then
// answers 422 instead of 503.
func ExamplePermanent() {
	deliver := func(ctx context.Context, n *healthchecks.Notification) error {
		err := errors.New("iLert: 401 invalid integration key")
		return healthchecks.Permanent(err)
	}
	err := deliver(context.Background(), nil)
	var p interface{ Permanent() bool } // what the Handler asks of an error
	fmt.Println(errors.As(err, &p) && p.Permanent(), err)
	// Output:
	// true iLert: 401 invalid integration key
}
