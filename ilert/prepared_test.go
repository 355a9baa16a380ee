package ilert_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// TestPreparedIsWhatSendSends: a call prepared by one client and sent later by another
// (another process, reading it from a queue) reaches iLert exactly as the direct call does:
// the same method, path, headers and body bytes, and its answer is classified the same way.
func TestPreparedIsWhatSendSends(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"HOSTNAME": "web01", "WHAT": "HOST", "NOTIFICATIONTYPE": "PROBLEM", "PARAMETER_ILERT_API_KEY": testKey}
	nagiosVars := map[string]string{"NOTIFY_HOSTNAME": "web01", "NOTIFY_WHAT": "HOST"}
	alert := ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeAlert, Summary: "disk full", AlertKey: "web01/disk"}
	tests := []struct {
		name    string
		direct  func(c *ilert.Client) error
		prepare func(c *ilert.Client) (ilert.Prepared, error)
	}{
		{"event", func(c *ilert.Client) error { _, err := c.Send(context.Background(), alert); return err },
			func(c *ilert.Client) (ilert.Prepared, error) { return c.PrepareEvent(alert) }},
		{"checkmk", func(c *ilert.Client) error { _, err := c.SendCheckmk(context.Background(), testKey, vars); return err },
			func(c *ilert.Client) (ilert.Prepared, error) { return c.PrepareCheckmk(testKey, vars) }},
		{"nagios", func(c *ilert.Client) error {
			_, err := c.SendNagios(context.Background(), testKey, nagiosVars)
			return err
		},
			func(c *ilert.Client) (ilert.Prepared, error) { return c.PrepareNagios(testKey, nagiosVars) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			c, _ := newClient(t, srv.URL())
			if err := tt.direct(c); err != nil {
				t.Fatal(err)
			}
			other, _ := newClient(t, "http://127.0.0.1:1") // the preparing client's base URL does not matter
			p, err := tt.prepare(other)
			if err != nil {
				t.Fatal(err)
			}
			testutil.AssertNoSecret(t, "Prepared formatted", fmt.Sprintf("%v %+v %#v %s", p, p, p, p), testKey)
			res, err := c.SendPrepared(context.Background(), p)
			if err != nil || res.StatusCode/100 != 2 {
				t.Fatalf("SendPrepared = %+v, %v", res, err)
			}
			reqs := srv.Requests()
			if len(reqs) != 2 {
				t.Fatalf("%d requests, want 2", len(reqs))
			}
			direct, prepared := reqs[0], reqs[1]
			if direct.Method != prepared.Method || direct.Path != prepared.Path || string(direct.Body) != string(prepared.Body) {
				t.Errorf("prepared request %s %s %q, direct %s %s %q", prepared.Method, prepared.Path, prepared.Body, direct.Method, direct.Path, direct.Body)
			}
			for _, h := range []string{"Content-Type", "Accept", "Agent", "User-Agent"} {
				if direct.Header.Get(h) != prepared.Header.Get(h) {
					t.Errorf("header %s: prepared %q, direct %q", h, prepared.Header.Get(h), direct.Header.Get(h))
				}
			}
			hr, err := c.NewPreparedRequest(context.Background(), p)
			if err != nil || hr.URL.Path != direct.Path || hr.Method != direct.Method {
				t.Errorf("NewPreparedRequest = %v %v, %v", hr.Method, hr.URL, err)
			}
		})
	}
}

// TestPreparedAnswersClassifyAsDirectOnes: a RESOLVE of nothing open is benign, a 429 rate
// limited, a 400 permanent, and none of the errors shows the key.
func TestPreparedAnswersClassifyAsDirectOnes(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t, ilerttest.TrackOpenAlerts())
	c, _ := newClient(t, srv.URL(), ilert.WithRetry(ilert.RetryPolicy{MaxAttempts: 1, NoRetryOnRateLimit: true}))
	resolve, err := c.PrepareEvent(ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeResolve, AlertKey: "never-opened"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendPrepared(context.Background(), resolve); !ilert.IsBenign(err) {
		t.Errorf("RESOLVE of nothing open: %v, want benign", err)
	}
	alert, err := c.PrepareEvent(ilert.Event{IntegrationKey: testKey, EventType: ilert.EventTypeAlert, Summary: "s", AlertKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext(1, ilerttest.Failure{Status: http.StatusTooManyRequests})
	if _, err := c.SendPrepared(context.Background(), alert); !ilert.IsRateLimited(err) {
		t.Errorf("429: %v, want rate limited", err)
	} else {
		testutil.AssertNoSecret(t, "error", err.Error(), testKey)
	}
	checkmk, err := c.PrepareCheckmk(testKey, map[string]string{"HOSTNAME": "h", "WHAT": "HOST"})
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext(1, ilerttest.Failure{Status: http.StatusBadRequest, Code: "BAD"})
	_, err = c.SendPrepared(context.Background(), checkmk)
	if !ilert.IsPermanent(err) {
		t.Errorf("400: %v, want permanent", err)
	}
	testutil.AssertNoSecret(t, "error", fmt.Sprint(err), testKey)
	var apiErr *ilert.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Errorf("error %v is not the APIError of the 400", err)
	}
}

// TestPreparedValidate: a Prepared read back from storage is checked before anything is
// sent, and the error never shows the key.
func TestPreparedValidate(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	c, _ := newClient(t, srv.URL())
	good, err := c.PrepareCheckmk(testKey, map[string]string{"HOSTNAME": "h"})
	if err != nil {
		t.Fatal(err)
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate of a prepared call: %v", err)
	}
	for name, mutate := range map[string]func(p *ilert.Prepared){
		"no op":            func(p *ilert.Prepared) { p.Op = "" },
		"GET":              func(p *ilert.Prepared) { p.Method = http.MethodGet },
		"other path":       func(p *ilert.Prepared) { p.Path = "/elsewhere/" + testKey },
		"path with query":  func(p *ilert.Prepared) { p.Path += "?x=" + testKey },
		"path going up":    func(p *ilert.Prepared) { p.Path = "/api/../admin" },
		"no key":           func(p *ilert.Prepared) { p.Key = " " },
		"newline in path":  func(p *ilert.Prepared) { p.Path += "\r\nX: y" },
		"absolute address": func(p *ilert.Prepared) { p.Path = "http://attacker.example/api/" },
	} {
		p := good
		mutate(&p)
		_, err := c.SendPrepared(context.Background(), p)
		if !errors.Is(err, ilert.ErrInvalidEvent) || !ilert.IsPermanent(err) {
			t.Errorf("%s: %v, want a permanent ErrInvalidEvent", name, err)
		}
		testutil.AssertNoSecret(t, name, fmt.Sprint(err), testKey)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d invalid calls were sent", n)
	}
	if diff := cmp.Diff(good.Header, http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}, "Agent": {"checkmk/extension/1.0"}}); diff != "" {
		t.Errorf("checkmk headers (-got +want):\n%s", diff)
	}
}
