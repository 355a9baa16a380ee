package checkmk_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/checkmk/checkmktest"
	"github.com/alertbridge/alertbridge/ilert"
)

// A fake Checkmk stands in for the site so the examples run anywhere.
func ExampleNewClient() {
	srv := checkmktest.Start()
	defer srv.Close()
	srv.AddService("web01", "Filesystem /var", checkmk.ServiceCritical)

	client, err := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret(srv.Secret()))
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.AcknowledgeService(context.Background(), "web01", "Filesystem /var",
		checkmk.NewAcknowledgement("Accepted in iLert by Jane Doe"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.StatusCode)
	for _, a := range srv.Acknowledgements() {
		fmt.Printf("%s/%s %q sticky=%v notify=%v\n", a.Host, a.Service, a.Comment, a.Sticky, a.Notify)
	}
	// Output:
	// 204
	// web01/Filesystem /var "Accepted in iLert by Jane Doe" sticky=true notify=false
}

// Acknowledging an object without a problem is benign: there was nothing to do.
func ExampleAPIError_Benign() {
	srv := checkmktest.Start()
	defer srv.Close()
	srv.AddHost("web01", checkmk.HostUp)
	client, err := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret(srv.Secret()))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.AcknowledgeHost(context.Background(), "web01", checkmk.NewAcknowledgement("on it"))
	var apiErr *checkmk.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Title)
		fmt.Println("benign:", apiErr.Benign(), "retryable:", apiErr.Retryable(), "permanent:", apiErr.Permanent())
	}
	// Output:
	// 422 Host 'web01' has no problem.
	// benign: true retryable: false permanent: false
}

func ExampleClient_AddHostComment() {
	srv := checkmktest.Start()
	defer srv.Close()
	srv.AddHost("db02", checkmk.HostDown)
	client, err := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret(srv.Secret()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.AddHostComment(ctx, "db02", checkmk.Comment{Text: "Comment in iLert by Jane Doe: rebooting"}); err != nil {
		log.Fatal(err)
	}
	comments, err := client.ListComments(ctx, checkmk.CommentFilter{Collection: checkmk.CommentsHost, HostName: "db02"})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range comments {
		fmt.Println(c.Host, c.Author, c.Text)
	}
	// Output: db02 automation Comment in iLert by Jane Doe: rebooting
}

// The removal of acknowledgements exists from Checkmk 2.4.0p6 on.
func ExampleClient_RemoveServiceAcknowledgement() {
	srv := checkmktest.Start()
	defer srv.Close()
	srv.AddService("web01", "Filesystem /var", checkmk.ServiceCritical)
	client, err := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret(srv.Secret()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.AcknowledgeService(ctx, "web01", "Filesystem /var", checkmk.NewAcknowledgement("on it")); err != nil {
		log.Fatal(err)
	}
	if _, err := client.RemoveServiceAcknowledgement(ctx, "web01", "Filesystem /var"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("acknowledged:", srv.Acknowledged("web01", "Filesystem /var"))
	// Output: acknowledged: false
}

// iLert's webhook, mapped to Checkmk and applied: what a relay does for each event.
func ExampleFromILertWebhook() {
	w, err := ilert.DecodeAlertWebhook([]byte(`{"id":"4711","eventType":"alert-acknowledged","status":"ACCEPTED",
		"alertKey":"prod/web01/Filesystem /var","assignedTo":{"firstName":"Jane","lastName":"Doe"}}`))
	if err != nil {
		log.Fatal(err)
	}
	action, err := checkmk.FromILertWebhook(w, checkmk.ILertWebhookOptions{
		AlertURLTemplate: "https://acme.ilert.com/alert/view?id={id}",
	})
	if errors.Is(err, checkmk.ErrSkip) {
		fmt.Println("nothing to do:", err)
		return
	}
	fmt.Println(action.Kind, action.Site, action.Host, action.Service)
	fmt.Println(action.Comment)

	srv := checkmktest.Start()
	defer srv.Close()
	srv.AddService("web01", "Filesystem /var", checkmk.ServiceCritical)
	client, err := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret(srv.Secret()))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := action.Apply(context.Background(), client); err != nil {
		log.Fatal(err)
	}
	fmt.Println("acknowledged:", srv.Acknowledged("web01", "Filesystem /var"))
	// Output:
	// acknowledge prod web01 Filesystem /var
	// Accepted in iLert by Jane Doe (https://acme.ilert.com/alert/view?id=4711)
	// acknowledged: true
}

// Keys that iLert forms itself (Checkmk's built-in method, the 1.x plug-in) cannot be
// mapped back: two-way sync needs the notifier's events mode.
func ExampleFromILertWebhook_notEventsMode() {
	w := &ilert.AlertWebhook{AlertID: "1", EventType: ilert.AlertEventAcknowledged, AlertKey: "web01.example.com"}
	_, err := checkmk.FromILertWebhook(w, checkmk.ILertWebhookOptions{})
	fmt.Println(errors.Is(err, checkmk.ErrSkip), errors.Is(err, checkmk.ErrNotEventsModeKey))
	// Output: true true
}

func ExampleParseILertAlertKey() {
	obj, err := checkmk.ParseILertAlertKey("prod/web01/Interface 1/0/2")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("site=%s host=%s service=%s\n", obj.Site, obj.Host, obj.Service)
	// Output: site=prod host=web01 service=Interface 1/0/2
}
