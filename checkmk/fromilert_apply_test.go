package checkmk_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/checkmk/checkmktest"
	"github.com/alertbridge/alertbridge/ilert"
)

// TestWebhookToCheckmk wires the pieces the relay will use: ilert's handler, the mapping
// and the client, against the fake Checkmk. It checks the contract between them: a skip
// and a benign answer are delivered (2xx), a permanent error is 422 and a retryable one
// 503, so that iLert retries.
func TestWebhookToCheckmk(t *testing.T) {
	t.Parallel()
	srv := checkmktest.NewServer(t)
	srv.AddHost("db02", checkmk.HostDown)
	srv.AddHost("web01", checkmk.HostUp)
	srv.AddService("web01", "Filesystem /var", checkmk.ServiceCritical)
	client := newRESTClient(t, srv)
	h, err := ilert.NewAlertWebhookHandler(func(ctx context.Context, w *ilert.AlertWebhook) error {
		a, err := checkmk.FromILertWebhook(w, checkmk.ILertWebhookOptions{})
		if errors.Is(err, checkmk.ErrSkip) {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = a.Apply(ctx, client)
		var apiErr *checkmk.APIError
		if errors.As(err, &apiErr) && apiErr.Benign() {
			return nil
		}
		return err
	}, ilert.WithWebhookBasicAuth("ilert", "pw"))
	if err != nil {
		t.Fatal(err)
	}
	send := func(body string) int {
		req := httptest.NewRequest(http.MethodPost, "/ilert", strings.NewReader(body))
		req.SetBasicAuth("ilert", "pw")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	accepted := `{"id":"1","eventType":"alert-acknowledged","alertKey":"cmk/web01/Filesystem /var","assignedTo":{"username":"jdoe"}}`
	steps := []struct {
		name   string
		fail   *checkmktest.Failure
		body   string
		status int
	}{
		{"accept a service", nil, accepted, 200},
		{"comment on a host", nil, `{"id":"2","eventType":"alert-comment-added","alertKey":"cmk/db02","comment":"rebooting"}`, 200},
		{"accept an UP host: 422 is benign", nil, `{"id":"3","eventType":"alert-acknowledged","alertKey":"cmk/web01"}`, 200},
		{"resolve: skipped", nil, `{"id":"1","eventType":"alert-resolved","alertKey":"cmk/web01/Filesystem /var"}`, 200},
		{"checkmk-ext key: skipped", nil, `{"id":"4","eventType":"alert-acknowledged","alertKey":"web01"}`, 200},
		{"unknown host: permanent", nil, `{"id":"5","eventType":"alert-acknowledged","alertKey":"cmk/nope"}`, 422},
		{"Checkmk down: retry", &checkmktest.Failure{Status: 503}, accepted, 503},
	}
	for _, st := range steps {
		if st.fail != nil {
			srv.FailNext(3, *st.fail)
		}
		if got := send(st.body); got != st.status {
			t.Errorf("%s: %d, want %d", st.name, got, st.status)
		}
	}
	if acks := srv.Acknowledgements(); len(acks) != 1 || acks[0].Comment != "Accepted in iLert by jdoe" || acks[0].Notify {
		t.Errorf("acknowledgements %+v", acks)
	}
	if c := srv.Comments(); len(c) != 1 || c[0].Host != "db02" || c[0].Text != "Comment in iLert: rebooting" {
		t.Errorf("comments %+v", c)
	}
}
