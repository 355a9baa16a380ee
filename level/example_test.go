package level_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/alertbridge/alertbridge/level"
)

// body is an alert_active webhook as Level sends it (the alert fields are inferred).
const body = `{"event_type":"alert_active","event_id":"6f1c2b8e-4a3d-4e5f-9b7a-1c2d3e4f5a6b",` +
	`"occurred_at":"2026-08-20T09:41:08.512Z","data":{"id":"Z2lkOi8vbGV2ZWwvQWxlcnQvNzczMDAyMQ",` +
	`"device_id":"Z2lkOi8vbGV2ZWwvRGV2aWNlLzQ4MjkxMw","device_hostname":"FRONTDESK-PC01",` +
	`"name":"Low disk space","description":"Drive C: free space is below the 10% threshold",` +
	`"payload":"7.2% free (14.3 GB of 198 GB)","severity":"critical","is_resolved":false,` +
	`"started_at":"2026-08-20T09:41:07.000Z","resolved_at":null}}`

// Verify the signature over the raw body first, then decode it.
func ExampleVerify() {
	current := level.Secret("whsec_current")   // from the receiver's configuration
	previous := level.Secret("whsec_previous") // accepted until every sender uses current
	raw := []byte(body)
	header := level.Sign(raw, previous) // what Level put into X-Level-Signature

	if err := level.Verify(raw, header, current, previous); err != nil {
		fmt.Println("reject:", err)
		return
	}
	e, err := level.Decode(raw)
	if err != nil {
		fmt.Println("reject:", err)
		return
	}
	fmt.Println(e.Type, e.Alert.Name, e.Alert.Severity, e.AlertKey())

	err = level.Verify(raw, header, current) // after the rotation ended
	fmt.Println(err, errors.Is(err, level.ErrSignatureMismatch))
	// Output:
	// alert_active Low disk space critical level/Z2lkOi8vbGV2ZWwvQWxlcnQvNzczMDAyMQ
	// level: X-Level-Signature does not match the body true
}

// Event types Level adds later decode; Known reports them so that a receiver can
// acknowledge and ignore them.
func ExampleDecode() {
	for _, b := range []string{
		`{"event_type":"device_updated","event_id":"e1","data":{"id":"d1","hostname":"PC01"}}`,
		`{"event_type":"alert_escalated","event_id":"e2","data":{"id":"a1"}}`,
		`{"event_id":"e3"}`,
	} {
		e, err := level.Decode([]byte(b))
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s known=%v alert=%v data=%s\n", e.Type, e.Known(), e.Alert != nil, e.Data)
	}
	// Output:
	// device_updated known=true alert=false data={"id":"d1","hostname":"PC01"}
	// alert_escalated known=false alert=false data={"id":"a1"}
	// level: body is not a Level webhook: no event_type
}

// A receiver that forwards Level alerts: the handler verifies, decodes and answers Level;
// the function maps and sends.
func ExampleHandler() {
	secret := level.Secret("whsec_example")
	forward := func(ctx context.Context, e *level.Event) error {
		ev, err := level.ToILert(e)
		if err != nil {
			return err // ErrNotAlert: the handler acknowledges device and group events
		}
		ev.IntegrationKey = "il1api..." // from the configuration
		// Send with the ilert client here; return its error so that Level retries
		// (wrap it with level.Permanent when a retry cannot help).
		fmt.Println("forward", ev.EventType, ev.AlertKey)
		return nil
	}
	h, err := level.NewHandler(forward,
		level.WithSecrets(secret),
		level.WithErrorHook(func(r *http.Request, status int, err error) {
			fmt.Println("rejected:", status, err) // log it in a real receiver
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	post := func(payload, signature string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		if signature != "" {
			req.Header.Set(level.SignatureHeader, signature)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(resp.Body)
		fmt.Printf("%d %s", resp.StatusCode, answer)
	}
	post(body, level.Sign([]byte(body), secret))
	post(body, "")
	device := `{"event_type":"device_updated","event_id":"e1","data":{"id":"d1"}}`
	post(device, level.Sign([]byte(device), secret))
	// Output:
	// forward ALERT level/Z2lkOi8vbGV2ZWwvQWxlcnQvNzczMDAyMQ
	// 200 ok
	// rejected: 401 level: missing X-Level-Signature header
	// 401 level: missing X-Level-Signature header
	// 200 level: ignored, not an alert
}

func ExampleToILert() {
	e, err := level.Decode([]byte(body))
	if err != nil {
		fmt.Println(err)
		return
	}
	ev, err := level.ToILert(e)
	if err != nil {
		fmt.Println(err)
		return
	}
	ev.CustomDetails = nil // Level's data object, verbatim; left out here for brevity
	ev.Details = ""        // the description and a list of facts
	out, _ := json.MarshalIndent(ev, "", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "integrationKey": "",
	//   "eventType": "ALERT",
	//   "summary": "CRITICAL: Low disk space on FRONTDESK-PC01",
	//   "alertKey": "level/Z2lkOi8vbGV2ZWwvQWxlcnQvNzczMDAyMQ",
	//   "priority": "HIGH",
	//   "labels": {
	//     "alert": "Low disk space",
	//     "device": "FRONTDESK-PC01",
	//     "device_id": "Z2lkOi8vbGV2ZWwvRGV2aWNlLzQ4MjkxMw",
	//     "severity": "critical",
	//     "source": "level"
	//   }
	// }
}

func ExampleToAlertOps() {
	resolved := strings.Replace(body, `"event_type":"alert_active"`, `"event_type":"alert_resolved"`, 1)
	e, err := level.Decode([]byte(resolved))
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := level.ToAlertOps(e)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.EventKey)
	fmt.Println(a.Source, a.Host, a.Service)
	fmt.Println(a.State, a.Severity, a.NotificationType, a.Resolved, a.Timestamp)
	fmt.Println(a.Summary)
	// Output:
	// level/Z2lkOi8vbGV2ZWwvQWxlcnQvNzczMDAyMQ
	// Level FRONTDESK-PC01 Low disk space
	// OK info RECOVERY true 2026-08-20 09:41:08.512 +0000 UTC
	// RESOLVED: Low disk space on FRONTDESK-PC01
}

// A Secret never prints, whatever the verb.
func ExampleSecret() {
	s := level.Secret("whsec_do_not_print")
	fmt.Println(s)
	fmt.Printf("%s %q %x %#v\n", s, s, s, s)
	// Output:
	// [redacted]
	// [redacted] [redacted] [redacted] [redacted]
}
