package alertops_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// TestPreparedIsWhatSendSends: an alert prepared by one client and sent later by another
// (read back from a queue) reaches AlertOps exactly as Send sends it, and its answers are
// classified the same way; no form of it shows the key.
func TestPreparedIsWhatSendSends(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	c, _ := newClient(t, alertops.WithUserAgent("checkmk-notify/1.0"), alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: 1}))
	hook := srv.URL(testKey, "CheckMK")
	if _, err := c.Send(context.Background(), hook, seedAlert()); err != nil {
		t.Fatal(err)
	}
	other, _ := newClient(t)
	p, err := other.PrepareAlert(hook, seedAlert())
	if err != nil {
		t.Fatal(err)
	}
	testutil.AssertNoSecret(t, "Prepared formatted", fmt.Sprintf("%v %+v %#v %s", p, p, p, p), testKey)
	res, err := c.SendPrepared(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if want := (&alertops.Response{StatusCode: 200, Attempts: 1, Timestamp: seedAlert().Timestamp}); !cmp.Equal(want, res) {
		t.Errorf("response %+v, want %+v", res, want)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if reqs[0].Path != reqs[1].Path || string(reqs[0].Body) != string(reqs[1].Body) ||
		reqs[0].Header.Get("Content-Type") != reqs[1].Header.Get("Content-Type") || reqs[1].Header.Get("User-Agent") != "checkmk-notify/1.0" {
		t.Errorf("prepared request %s %q %v differs from the direct one %s %q %v", reqs[1].Path, reqs[1].Body, reqs[1].Header, reqs[0].Path, reqs[0].Body, reqs[0].Header)
	}
	hr, err := c.NewPreparedRequest(context.Background(), p)
	if err != nil || hr.URL.Path != reqs[0].Path || hr.Method != http.MethodPost {
		t.Errorf("NewPreparedRequest = %v %v, %v", hr.Method, hr.URL.Path, err)
	}

	srv.FailNext(1, alertopstest.Failure{Status: http.StatusNotFound})
	_, err = c.SendPrepared(context.Background(), p)
	if !alertops.IsPermanent(err) {
		t.Errorf("404: %v, want permanent", err)
	}
	testutil.AssertNoSecret(t, "error", fmt.Sprint(err), testKey)
	srv.FailNext(1, alertopstest.Failure{Status: http.StatusServiceUnavailable})
	if _, err := c.SendPrepared(context.Background(), p); !alertops.IsRetryable(err) {
		t.Errorf("503: %v, want retryable", err)
	}
}

// TestPreparedValidate: a Prepared read back from storage is checked before anything is
// sent.
func TestPreparedValidate(t *testing.T) {
	t.Parallel()
	srv := alertopstest.NewServer(t)
	c, _ := newClient(t)
	good, err := c.PrepareAlert(srv.URL(testKey, "CheckMK"), seedAlert())
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]alertops.Prepared{
		"no URL":       {Body: good.Body},
		"not a URL":    {WebhookURL: "notify.alertops.com/POSTAlert/" + testKey, Body: good.Body},
		"user info":    {WebhookURL: "https://u:" + testKey + "@notify.alertops.com/POSTAlert/x/y", Body: good.Body},
		"empty body":   {WebhookURL: good.WebhookURL},
		"no path":      {WebhookURL: "https://notify.alertops.com/", Body: good.Body},
		"ftp":          {WebhookURL: "ftp://notify.alertops.com/POSTAlert/" + testKey + "/x", Body: good.Body},
		"with a frag":  {WebhookURL: good.WebhookURL + "#" + testKey, Body: good.Body},
		"only spaces":  {WebhookURL: "   ", Body: good.Body},
		"unparseable":  {WebhookURL: "http://[::1/POSTAlert/" + testKey, Body: good.Body},
		"control char": {WebhookURL: "https://notify.alertops.com/POSTAlert/" + testKey + "\n", Body: good.Body},
	} {
		_, err := c.SendPrepared(context.Background(), p)
		if err == nil || !alertops.IsPermanent(err) ||
			!(errors.Is(err, alertops.ErrInvalidWebhookURL) || errors.Is(err, alertops.ErrInvalidAlert)) {
			t.Errorf("%s: %v, want a permanent invalid URL or alert", name, err)
		}
		testutil.AssertNoSecret(t, name, fmt.Sprint(err), testKey)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d invalid alerts were sent", n)
	}
}
