//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package delivery_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// TestPreparedRoundTrip: every request of a prepared sink encodes as format version 3
// (golden files: what an administrator sees in a queued file), decodes to the same
// request, and needs no JSON to read; the relay's checkmk requests keep their JSON form.
func TestPreparedRoundTrip(t *testing.T) {
	t.Parallel()
	s := newSender(t, ilerttest.NewServer(t), alertopstest.NewServer(t))
	for name, req := range sampleRequests() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := s.Prepare(req)
			if err != nil {
				t.Fatalf("Prepare: %v", err)
			}
			payload, err := p.Encode()
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if name == "checkmk" {
				if p.Wire != nil || !bytes.HasPrefix(payload, []byte(`{"v":2`)) {
					t.Errorf("a checkmk request was prepared: %s", payload)
				}
				return
			}
			if !bytes.HasPrefix(payload, []byte("alertbridge-request 3\n")) || p.Wire == nil || p.Ref != req.Ref || p.Sink != req.Sink {
				t.Errorf("prepared %+v encodes as %q", p, payload[:min(len(payload), 40)])
			}
			testutil.GoldenText(t, "testdata/"+name+".golden.v3", payload)
			got, err := delivery.Decode(payload)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(p, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(req.Secrets(), got.Secrets()); diff != "" {
				t.Errorf("secrets of the prepared request (-original +prepared):\n%s", diff)
			}
			testutil.AssertNoSecret(t, "formatted", fmt.Sprintf("%v %+v %#v", got, got, got), req.Secrets()...)
		})
	}
}

// TestPreparedSendsWhatTheRequestSends: a prepared request, read back from its payload,
// reaches the sink byte for byte as the request itself does.
func TestPreparedSendsWhatTheRequestSends(t *testing.T) {
	t.Parallel()
	il, ao := ilerttest.NewServer(t), alertopstest.NewServer(t)
	s := newSender(t, il, ao)
	reqs := sampleRequests()
	aoReq := reqs["alertops"]
	aoReq.AlertOpsURL = ao.URL("aokey-0123456789", "Relay")
	reqs["alertops"] = aoReq
	for _, name := range []string{"ilert", "ilert-checkmk", "ilert-nagios", "alertops"} {
		req := reqs[name]
		req.Transport = nil // the test's sender has one client per sink
		if _, err := s.Send(context.Background(), req); err != nil {
			t.Fatalf("%s: Send: %v", name, err)
		}
		p, err := s.Prepare(req)
		if err != nil {
			t.Fatal(err)
		}
		payload, err := p.Encode()
		if err != nil {
			t.Fatal(err)
		}
		back, err := delivery.Decode(payload)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Send(context.Background(), back); err != nil {
			t.Fatalf("%s: Send of the prepared request: %v", name, err)
		}
		hr, err := s.NewRequest(context.Background(), back)
		if err != nil || hr.Method != "POST" {
			t.Errorf("%s: NewRequest = %v, %v", name, hr, err)
		}
	}
	for _, got := range [][]ilerttest.Request{il.Requests()} {
		if len(got) != 6 {
			t.Fatalf("iLert received %d requests, want 6", len(got))
		}
		for i := 0; i < len(got); i += 2 {
			if got[i].Path != got[i+1].Path || !bytes.Equal(got[i].Body, got[i+1].Body) || got[i].Header.Get("Agent") != got[i+1].Header.Get("Agent") ||
				got[i].Header.Get("Content-Type") != got[i+1].Header.Get("Content-Type") {
				t.Errorf("prepared %s %q differs from direct %s %q", got[i+1].Path, got[i+1].Body, got[i].Path, got[i].Body)
			}
		}
	}
	got := ao.Requests()
	if len(got) != 2 || got[0].Path != got[1].Path || !bytes.Equal(got[0].Body, got[1].Body) {
		t.Errorf("AlertOps received %d requests; prepared differs from direct", len(got))
	}
}

// TestDecodeVersion3Rejects: a damaged version 3 payload is an invalid request (a queue
// moves it to failed/ with the reason), and the reason shows nothing of the payload.
func TestDecodeVersion3Rejects(t *testing.T) {
	t.Parallel()
	s := newSender(t, ilerttest.NewServer(t), alertopstest.NewServer(t))
	p, err := s.Prepare(sampleRequests()["ilert-nagios"])
	if err != nil {
		t.Fatal(err)
	}
	good, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := bytes.Cut(good, []byte("\nbody "))
	_, body, _ = bytes.Cut(body, []byte("\n"))
	withBody := func(h string) string { return h + "\nbody " + strconv.Itoa(len(body)) + "\n" + string(body) }
	tests := []struct{ name, payload, want string }{
		{"no body line", string(head), "no body"},
		{"body too short", string(good[:len(good)-1]), "the body is"},
		{"body too long", string(good) + "x", "the body is"},
		{"length not a number", string(head) + "\nbody 1e3\n", "not a number"},
		{"negative length", string(head) + "\nbody -1\n", "not a number"},
		{"unknown field", withBody(string(head) + "\nflavour \"" + testKey + "\""), `unknown field "flavour"`},
		{"odd field name", withBody(string(head) + "\n" + testKey + " x"), "unknown field (a name that is none)"},
		{"field twice", withBody(string(head) + "\nmethod POST"), `"method" given twice`},
		{"unquoted string", withBody(strings.Replace(string(head), `key "`+testKey+`"`, "key "+testKey, 1)), `"key" does not parse`},
		{"no sink", withBody(strings.Replace(string(head), "sink ilert-nagios\n", "", 1)), "no sink"},
		{"unknown sink", withBody(strings.Replace(string(head), "sink ilert-nagios", "sink pagerduty", 1)), `"sink" does not parse`},
		{"GET", withBody(strings.Replace(string(head), "method POST", "method GET", 1)), "method is not POST"},
		{"path elsewhere", withBody(strings.Replace(string(head), `path "/api/v1/events/nagios"`, `path "http://attacker.example/`+testKey+`"`, 1)), "path is not one below /api/"},
		{"both calls", withBody(string(head) + "\nurl \"https://notify.alertops.com/POSTAlert/" + testKey + "/x\""), "both iLert and AlertOps"},
		{"header without value", withBody(string(head) + "\nheader \"X-Key\""), `"header" does not parse`},
		{"proxy not a URL", withBody(strings.Replace(string(head), strconv.Quote(testProxy), strconv.Quote("alice:"+testProxyPassword), 1)), "the proxy is not NO_PROXY or an absolute URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := delivery.Decode([]byte(tt.payload))
			if !errors.Is(err, delivery.ErrInvalidRequest) {
				t.Fatalf("Decode = %v, want an error wrapping ErrInvalidRequest", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			testutil.AssertNoSecret(t, "error", err.Error(), testKey, testProxyPassword, "attacker")
		})
	}
}
