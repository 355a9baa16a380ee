package delivery_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/checkmk/checkmktest"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// TestSendCheckmk: a Checkmk request is carried out with the Sender's Checkmk client, and
// every answer leads to the state the queue acts on: an acknowledgement of an object
// without a problem (Checkmk's 422) is as good as sent.
func TestSendCheckmk(t *testing.T) {
	t.Parallel()
	ack := checkmk.Action{Kind: checkmk.ActionAcknowledge, Site: checkmktest.DefaultSite, Host: "web01",
		Service: "Filesystem /var", Comment: "Accepted in iLert by Jane Doe", Sticky: true}
	comment := checkmk.Action{Kind: checkmk.ActionComment, Site: checkmktest.DefaultSite, Host: "db02", Comment: "Comment in iLert: rebooting"}
	tests := []struct {
		name   string
		action checkmk.Action
		setup  func(*checkmktest.Server)
		want   delivery.State
	}{
		{"acknowledged", ack, func(s *checkmktest.Server) { s.AddService("web01", "Filesystem /var", checkmk.ServiceCritical) }, delivery.StateSent},
		{"no problem (422)", ack, func(s *checkmktest.Server) { s.AddService("web01", "Filesystem /var", checkmk.ServiceOK) }, delivery.StateNothingToDo},
		{"unknown host (400)", ack, func(*checkmktest.Server) {}, delivery.StateRejected},
		{"commented", comment, func(s *checkmktest.Server) { s.AddHost("db02", checkmk.HostDown) }, delivery.StateSent},
		{"Checkmk down (503)", comment, func(s *checkmktest.Server) {
			s.AddHost("db02", checkmk.HostDown)
			s.FailNext(1, checkmktest.Failure{Status: http.StatusServiceUnavailable})
		}, delivery.StateQueued},
		{"no permission (403)", ack, func(s *checkmktest.Server) { s.AddService("web01", "Filesystem /var", checkmk.ServiceCritical) }, delivery.StateRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []checkmktest.Option
			if tt.name == "no permission (403)" {
				opts = append(opts, checkmktest.DenyPermission(checkmktest.PermAcknowledge))
			}
			srv := checkmktest.NewServer(t, opts...)
			tt.setup(srv)
			c, err := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret(srv.Secret()), checkmk.WithRetry(checkmk.RetryPolicy{MaxAttempts: 1}))
			if err != nil {
				t.Fatal(err)
			}
			payload, err := delivery.Checkmk(tt.action).Encode()
			if err != nil {
				t.Fatal(err)
			}
			req, err := delivery.Decode(payload)
			if err != nil {
				t.Fatal(err)
			}
			_, err = (&delivery.Sender{Checkmk: c}).Send(context.Background(), req)
			if got := delivery.StateOf(err); got != tt.want {
				t.Errorf("state %q (err %v), want %q", got, err, tt.want)
			}
			if err != nil {
				testutil.AssertNoSecret(t, "error", err.Error(), srv.Secret())
			}
		})
	}
}

func TestSendCheckmkWithoutClient(t *testing.T) {
	t.Parallel()
	req := delivery.Checkmk(checkmk.Action{Kind: checkmk.ActionComment, Host: "web01", Comment: "c"})
	_, err := (&delivery.Sender{}).Send(context.Background(), req)
	if !errors.Is(err, delivery.ErrNoClient) || delivery.StateOf(err) != delivery.StateQueued {
		t.Errorf("Send without a Checkmk client = %v (%s), want ErrNoClient, queued", err, delivery.StateOf(err))
	}
	if _, err := (&delivery.Sender{}).NewRequest(context.Background(), req); err == nil {
		t.Error("NewRequest of a Checkmk request succeeded, want an error: there is no dry run")
	}
}
