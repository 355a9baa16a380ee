package ilert_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
)

func ExampleDecodeAlertWebhook() {
	body := `{"id":"2983781","status":"ACCEPTED","eventType":"incident-acknowledged",
		"alertKey":"prod/web01/Filesystem /var","summary":"web01: Filesystem /var is CRITICAL",
		"alertSource":{"id":2101194,"name":"Checkmk prod"},
		"assignedTo":{"username":"jdoe","firstName":"Jane","lastName":"Doe"},
		"mergeState":"NONE"}`
	w, err := ilert.DecodeAlertWebhook([]byte(body))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.EventType, w.EventType.Valid(), w.Status)
	fmt.Println(w.AlertKey, "accepted by", w.Who())
	fmt.Println("kept:", string(w.Extra["mergeState"]))
	// Output:
	// alert-acknowledged true ACCEPTED
	// prod/web01/Filesystem /var accepted by Jane Doe
	// kept: "NONE"
}

// The handler checks iLert's Basic credentials, limits and decodes the body, ignores the
// event types it does not deliver and hands the rest to the function.
func ExampleNewAlertWebhookHandler() {
	h, err := ilert.NewAlertWebhookHandler(func(ctx context.Context, w *ilert.AlertWebhook) error {
		fmt.Println("deliver:", w.EventType, w.AlertKey)
		return nil // once delivered or safely queued
	},
		ilert.WithWebhookBasicAuth("ilert", "long-random-password"),
		ilert.WithWebhookIgnoreHook(func(_ *http.Request, w *ilert.AlertWebhook, reason error) {
			fmt.Println("ignored:", reason)
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	post := func(user, pass, body string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		req.SetBasicAuth(user, pass)
		resp, err := srv.Client().Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	post("ilert", "long-random-password", `{"id":"1","eventType":"alert-acknowledged","alertKey":"prod/web01"}`)
	post("ilert", "long-random-password", `{"id":"1","eventType":"alert-created","alertKey":"prod/web01"}`)
	post("ilert", "guess", `{"id":"1","eventType":"alert-acknowledged","alertKey":"prod/web01"}`)
	// Output:
	// deliver: alert-acknowledged prod/web01
	// 200
	// ignored: ilert: alert event type not delivered by this receiver: alert-created
	// 200
	// 401
}

// A legacy heartbeat alert source's key (il1hbt…) and a heartbeat monitor's key are pinged
// at different endpoints; the fake iLert serves both.
func ExampleClient_PingHeartbeat() {
	srv := ilerttest.Start()
	defer srv.Close()
	client, err := ilert.NewClient(ilert.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	for _, key := range []string{"il1hbt0460d849fcdc753", "ih2:900:acme:monitor1"} {
		if _, err := client.PingHeartbeat(context.Background(), key); err != nil {
			log.Fatal(err)
		}
	}
	for _, p := range srv.HeartbeatPings() {
		fmt.Println(p.Endpoint, p.Key)
	}
	// Output:
	// legacy il1hbt0460d849fcdc753
	// monitor ih2:900:acme:monitor1
}

func ExampleHeartbeatEndpointForKey() {
	fmt.Println(ilert.HeartbeatEndpointForKey("il1hbt0460d849fcdc753"))
	fmt.Println(ilert.HeartbeatEndpointForKey("ih2:900:acme:monitor1"))
	// Output:
	// legacy
	// monitor
}

func ExampleAlertWebhook_IdempotencyKey() {
	w, _ := ilert.DecodeAlertWebhook([]byte(`{"id":"42","eventType":"alert-acknowledged","eventId":"e-7"}`))
	fmt.Println(w.IdempotencyKey())
	// Output: 42/alert-acknowledged/e-7
}
