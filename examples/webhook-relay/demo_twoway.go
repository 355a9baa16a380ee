package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/checkmk/checkmktest"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
)

// The demo's two-way sync: a Checkmk site "demo" and the credentials of iLert's alert
// action. They go only to the fakes on loopback.
const (
	demoSite            = "demo"
	demoWebhookUser     = "ilert"
	demoWebhookPassword = "demo-webhook-password"
	demoCheckmkUser     = "automation"
	demoCheckmkSecret   = "demo-automation-secret"
)

// demoProblem is the Checkmk notification the demo's notifier sends to iLert.
var demoProblem = map[string]string{
	"OMD_SITE": demoSite, "WHAT": "SERVICE", "NOTIFICATIONTYPE": "PROBLEM", "HOSTNAME": "web01",
	"SERVICEDESC": "Filesystem /var", "SERVICESTATE": "CRITICAL", "SERVICEOUTPUT": "96% used (9.6 of 10 GiB)",
	"HOSTSTATE": "UP",
}

// startDemoCheckmk starts the fake Checkmk with the demo's service in a problem state, and
// points cfg at it for two-way sync.
func startDemoCheckmk(cfg *config) *checkmktest.Server {
	ck := checkmktest.Start(checkmktest.WithSite(demoSite), checkmktest.WithCredentials(demoCheckmkUser, demoCheckmkSecret))
	ck.AddService("web01", "Filesystem /var", checkmk.ServiceCritical)
	cfg.CheckmkURL, cfg.CheckmkUser, cfg.CheckmkSecret = ck.URL(), demoCheckmkUser, demoCheckmkSecret
	cfg.CheckmkSites = []string{demoSite}
	cfg.ILertWebhookUser, cfg.ILertWebhookPassword = demoWebhookUser, demoWebhookPassword
	if cfg.ILertPath == "" {
		cfg.ILertPath = "/ilert"
	}
	return ck
}

// demoTwoWay shows the round trip: the notifier's alert goes to the fake iLert, iLert's
// alert action (played here: the fake does not send webhooks) posts the acceptance back
// to the relay, twice as iLert does when it retries, then a comment; the fake Checkmk
// records one acknowledgement and one comment.
func demoTwoWay(ctx context.Context, s *server, relayURL string, client *http.Client, il *ilerttest.Server, ck *checkmktest.Server, out io.Writer) error {
	fmt.Fprintln(out, "\n4. Two-way sync: the alert accepted in iLert is acknowledged in Checkmk")
	n, err := checkmk.New(demoProblem)
	if err != nil {
		return err
	}
	ev, err := checkmk.ToILert(n, checkmk.ILertOptions{IntegrationKey: demoILertKey, OmitContext: true})
	if err != nil {
		return err
	}
	ic, err := ilert.NewClient(ilert.WithBaseURL(il.URL()))
	if err != nil {
		return err
	}
	if _, err := ic.Send(ctx, ev); err != nil {
		return err
	}
	events := il.Events()
	sent := events[len(events)-1]
	fmt.Fprintf(out, "   Checkmk notifier → iLert    %s %s (events mode: the alert key names the object)\n", sent.EventType, sent.AlertKey)

	accepted := demoWebhook(sent, "alert-acknowledged", "ACCEPTED", nil)
	for i, label := range []string{"Jane Doe accepts the alert", "iLert retries the webhook"} {
		status, line, err := postDemoWebhook(client, relayURL+s.cfg.ILertPath, accepted)
		if err != nil {
			return err
		}
		note := ""
		if i == 1 {
			note = " (a duplicate: no second call)"
		}
		fmt.Fprintf(out, "   iLert → relay %s   %-28s → %d %s%s\n", s.cfg.ILertPath, label, status, line, note)
	}
	comment := demoWebhook(sent, "alert-comment-added", "ACCEPTED", map[string]any{
		"eventId": "demo-comment-1", "comment": map[string]string{"content": "Rotating logs, back in 10 minutes", "creator": "Jane Doe"}})
	status, line, err := postDemoWebhook(client, relayURL+s.cfg.ILertPath, comment)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   iLert → relay %s   %-28s → %d %s\n", s.cfg.ILertPath, "Jane Doe comments", status, line)
	if err := waitEmpty(ctx, s, 30*time.Second); err != nil {
		return err
	}
	for _, a := range ck.Acknowledgements() {
		fmt.Fprintf(out, "   Checkmk acknowledged  %s/%s: %q sticky=%v notify=%v\n", a.Host, a.Service, a.Comment, a.Sticky, a.Notify)
	}
	for _, c := range ck.Comments() {
		fmt.Fprintf(out, "   Checkmk comment       %s/%s: %q\n", c.Host, c.Service, c.Text)
	}
	return nil
}

// demoWebhook is the body iLert's alert action sends for an event on the alert of ev, in
// the fields of iLert's documented sample (see ilert/testdata/webhook/README.md).
func demoWebhook(ev ilert.Event, eventType, status string, extra map[string]any) []byte {
	m := map[string]any{
		"id": "4711", "status": status, "eventType": eventType, "alertKey": ev.AlertKey, "summary": ev.Summary,
		"priority": "HIGH", "reportTime": "2026-01-15T08:00:00Z", "eventId": "demo-" + eventType,
		"alertSource": map[string]any{"id": 1, "name": "Checkmk demo (alertbridge events)"},
		"assignedTo":  map[string]any{"username": "jdoe", "firstName": "Jane", "lastName": "Doe"},
	}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

// postDemoWebhook posts an iLert webhook with the demo's Basic credentials, as iLert does
// for an alert action URL https://user:password@host/path.
func postDemoWebhook(client *http.Client, url string, body []byte) (int, string, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(demoWebhookUser, demoWebhookPassword)
	res, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 256))
	first, _, _ := strings.Cut(string(b), "\n")
	return res.StatusCode, first, nil
}
