package ilert_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/google/go-cmp/cmp"
)

// TestNewRequestsAreWhatSendSends: the New*Request methods build the very request the
// matching Send method puts on the wire (method, path, content type, body), so a dry run
// shows what would be sent; invalid input fails the same way.
func TestNewRequestsAreWhatSendSends(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"HOSTNAME": "web01", "NOTIFICATIONTYPE": "PROBLEM", "PARAMETER_ILERT_API_KEY": testKey}
	nagiosVars := map[string]string{"NOTIFY_HOSTNAME": "web01", "NOTIFY_NOTIFICATIONTYPE": "PROBLEM"}
	tests := []struct {
		name  string
		build func(context.Context, *ilert.Client) (*http.Request, error)
		send  func(context.Context, *ilert.Client) error
	}{
		{"event",
			func(ctx context.Context, c *ilert.Client) (*http.Request, error) {
				return c.NewEventRequest(ctx, alertEvent())
			},
			func(ctx context.Context, c *ilert.Client) error { _, err := c.Send(ctx, alertEvent()); return err }},
		{"checkmk",
			func(ctx context.Context, c *ilert.Client) (*http.Request, error) {
				return c.NewCheckmkRequest(ctx, testKey, vars)
			},
			func(ctx context.Context, c *ilert.Client) error {
				_, err := c.SendCheckmk(ctx, testKey, vars)
				return err
			}},
		{"nagios",
			func(ctx context.Context, c *ilert.Client) (*http.Request, error) {
				return c.NewNagiosRequest(ctx, testKey, nagiosVars)
			},
			func(ctx context.Context, c *ilert.Client) error {
				_, err := c.SendNagios(ctx, testKey, nagiosVars)
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			c, _ := newClient(t, srv.URL())
			ctx := context.Background()
			req, err := tt.build(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(req.Body)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.send(ctx, c); err != nil {
				t.Fatal(err)
			}
			got := srv.Requests()
			if len(got) != 1 {
				t.Fatalf("%d requests sent, want 1", len(got))
			}
			type wire struct{ Method, Path, ContentType, UserAgent, Body string }
			want := wire{got[0].Method, got[0].Path, got[0].Header.Get("Content-Type"), got[0].Header.Get("User-Agent"), string(got[0].Body)}
			built := wire{req.Method, req.URL.Path, req.Header.Get("Content-Type"), req.Header.Get("User-Agent"), string(body)}
			if diff := cmp.Diff(want, built); diff != "" {
				t.Errorf("built request differs from the sent one (-sent +built):\n%s", diff)
			}
		})
	}
	c, _ := newClient(t, "https://api.ilert.example")
	if _, err := c.NewEventRequest(context.Background(), ilert.Event{EventType: ilert.EventTypeAlert}); !errors.Is(err, ilert.ErrInvalidEvent) || !ilert.IsPermanent(err) {
		t.Errorf("NewEventRequest of an invalid event: %v, want a permanent ErrInvalidEvent", err)
	}
	if _, err := c.NewCheckmkRequest(context.Background(), "", vars); !errors.Is(err, ilert.ErrInvalidEvent) {
		t.Errorf("NewCheckmkRequest without a key: %v, want ErrInvalidEvent", err)
	}
}
