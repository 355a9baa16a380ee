package ilert_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

// The key shapes: a legacy heartbeat alert source's (il1hbt…) and a heartbeat monitor's
// (seen as ih2:<interval>:<…> in public code that pings beat.ilert.com).
const (
	legacyBeatKey  = "il1hbt0460d849fcdc753"
	monitorBeatKey = "ih2:900:acme:oekgawjswxei:7d5e5feed7569f7d22b2"
)

// urlRecorder is a Doer that records request URLs and answers 202.
type urlRecorder struct {
	mu   sync.Mutex
	urls []string
}

func (u *urlRecorder) Do(r *http.Request) (*http.Response, error) {
	u.mu.Lock()
	u.urls = append(u.urls, r.Method+" "+r.URL.String())
	u.mu.Unlock()
	return &http.Response{StatusCode: 202, Header: http.Header{}, Body: http.NoBody}, nil
}

func TestPingHeartbeatChoosesEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []ilert.Option
		key  string
		want string
	}{
		{"legacy key", nil, legacyBeatKey, "GET https://api.ilert.com/api/heartbeats/" + legacyBeatKey},
		{"monitor key", nil, monitorBeatKey, "GET https://beat.ilert.com/api/pings/" + monitorBeatKey},
		{"uuid key is a monitor key", nil, "43c7afdc-0b3e-4344-b48a-5379a963241f",
			"GET https://beat.ilert.com/api/pings/43c7afdc-0b3e-4344-b48a-5379a963241f"},
		{"forced legacy", []ilert.Option{ilert.WithHeartbeatEndpoint(ilert.HeartbeatEndpointLegacy)}, monitorBeatKey,
			"GET https://api.ilert.com/api/heartbeats/" + monitorBeatKey},
		{"forced monitor", []ilert.Option{ilert.WithHeartbeatEndpoint(ilert.HeartbeatEndpointMonitor)}, legacyBeatKey,
			"GET https://beat.ilert.com/api/pings/" + legacyBeatKey},
		{"own heartbeat host", []ilert.Option{ilert.WithHeartbeatBaseURL("https://beat.example/prefix/")}, monitorBeatKey,
			"GET https://beat.example/prefix/api/pings/" + monitorBeatKey},
		{"base URL moves monitor pings too", []ilert.Option{ilert.WithBaseURL("https://relay.example")}, monitorBeatKey,
			"GET https://relay.example/api/pings/" + monitorBeatKey},
		{"both hosts", []ilert.Option{ilert.WithBaseURL("https://relay.example"), ilert.WithHeartbeatBaseURL("https://beat.example")},
			monitorBeatKey, "GET https://beat.example/api/pings/" + monitorBeatKey},
		{"escaped key", nil, "a/b c", "GET https://beat.ilert.com/api/pings/a%2Fb%20c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &urlRecorder{}
			c, err := ilert.NewClient(append(tt.opts, ilert.WithHTTPClient(rec))...)
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.PingHeartbeat(context.Background(), tt.key)
			if err != nil || res.StatusCode != 202 {
				t.Fatalf("PingHeartbeat = %+v, %v", res, err)
			}
			if diff := cmp.Diff([]string{tt.want}, rec.urls); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHeartbeatEndpointForKey(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]ilert.HeartbeatEndpoint{
		legacyBeatKey:        ilert.HeartbeatEndpointLegacy,
		" " + legacyBeatKey:  ilert.HeartbeatEndpointLegacy,
		monitorBeatKey:       ilert.HeartbeatEndpointMonitor,
		"il1api0460d849fcdc": ilert.HeartbeatEndpointMonitor,
		"":                   ilert.HeartbeatEndpointMonitor,
	} {
		if got := ilert.HeartbeatEndpointForKey(key); got != want {
			t.Errorf("HeartbeatEndpointForKey(%q) = %q, want %q", key, got, want)
		}
	}
	for _, e := range []ilert.HeartbeatEndpoint{ilert.HeartbeatEndpointAuto, ilert.HeartbeatEndpointLegacy, ilert.HeartbeatEndpointMonitor} {
		if !e.Valid() {
			t.Errorf("%q not valid", e)
		}
	}
	if ilert.HeartbeatEndpoint("v2").Valid() {
		t.Error(`"v2" valid`)
	}
}

func TestHeartbeatOptionsRejectBadValues(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]ilert.Option{
		"endpoint":     ilert.WithHeartbeatEndpoint("v2"),
		"no scheme":    ilert.WithHeartbeatBaseURL("beat.ilert.com"),
		"userinfo":     ilert.WithHeartbeatBaseURL("https://u:p@beat.ilert.com"),
		"query":        ilert.WithHeartbeatBaseURL("https://beat.ilert.com/?x=1"),
		"not a URL":    ilert.WithHeartbeatBaseURL("http://[::1%zz"),
		"ftp":          ilert.WithHeartbeatBaseURL("ftp://beat.ilert.com"),
		"missing host": ilert.WithHeartbeatBaseURL("https:///x"),
	} {
		if _, err := ilert.NewClient(opt); err == nil {
			t.Errorf("%s: NewClient succeeded", name)
		}
	}
}

func TestPingHeartbeatBothEndpointsOnTheFake(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	c, _ := newClient(t, srv.URL())
	for _, key := range []string{legacyBeatKey, monitorBeatKey} {
		if _, err := c.PingHeartbeat(context.Background(), key); err != nil {
			t.Fatalf("PingHeartbeat(%s): %v", key, err)
		}
	}
	want := []ilerttest.HeartbeatPing{
		{Key: legacyBeatKey, Endpoint: ilert.HeartbeatEndpointLegacy, Method: "GET"},
		{Key: monitorBeatKey, Endpoint: ilert.HeartbeatEndpointMonitor, Method: "GET"},
	}
	if diff := cmp.Diff(want, srv.HeartbeatPings()); diff != "" {
		t.Errorf("pings (-want +got):\n%s", diff)
	}
	if got := srv.Heartbeats(); !slices.Equal(got, []string{legacyBeatKey, monitorBeatKey}) {
		t.Errorf("Heartbeats() = %v", got)
	}
}

func TestPingHeartbeatMonitorKeyNeverInErrors(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	srv.FailNext(1, ilerttest.Failure{Status: 400, Code: "BAD", Message: "unknown key " + monitorBeatKey})
	c, _ := newClient(t, srv.URL())
	_, err := c.PingHeartbeat(context.Background(), monitorBeatKey)
	if !ilert.IsPermanent(err) {
		t.Fatalf("err = %v, want a permanent error", err)
	}
	testutil.AssertNoSecret(t, "error", err.Error(), monitorBeatKey)
}

func TestFakeHeartbeatMethods(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	for method, want := range map[string]int{"HEAD": 202, "POST": 202, "GET": 202, "PUT": 405, "DELETE": 405} {
		req, _ := http.NewRequest(method, srv.URL()+"/api/pings/k", nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", method, resp.StatusCode, want)
		}
	}
}
