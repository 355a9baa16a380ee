package ilert_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

func TestListAlerts(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	reported := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	srv.AddAlerts(
		ilert.Alert{ID: 1, Summary: "a", Status: ilert.AlertStatusPending, AlertSource: &ilert.AlertSourceRef{ID: 7}, ReportTime: reported},
		ilert.Alert{ID: 2, Summary: "b", Status: ilert.AlertStatusResolved, AlertSource: &ilert.AlertSourceRef{ID: 7}},
		ilert.Alert{ID: 3, Summary: "c", Status: ilert.AlertStatusAccepted, AlertSource: &ilert.AlertSourceRef{ID: 8}},
	)
	c, _ := newClient(t, srv.URL(), ilert.WithAPIToken(testToken))
	got, err := c.ListAlerts(context.Background(), ilert.ListAlertsOptions{
		States:       []ilert.AlertStatus{ilert.AlertStatusPending, ilert.AlertStatusAccepted},
		AlertSources: []int64{7},
		MaxResults:   10,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []ilert.Alert{{ID: 1, Summary: "a", Status: ilert.AlertStatusPending, AlertSource: &ilert.AlertSourceRef{ID: 7}, ReportTime: reported}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	r := srv.Requests()[0]
	if r.Path != "/api/alerts" || r.Query != "alert-source=7&max-results=10&start-index=0&state=PENDING&state=ACCEPTED" {
		t.Errorf("request %s?%s", r.Path, r.Query)
	}
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		t.Error("REST read without the bearer token")
	}
}

func TestListAlertsQuery(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		opts ilert.ListAlertsOptions
		want string
	}{
		{ilert.ListAlertsOptions{}, "start-index=0"},
		{ilert.ListAlertsOptions{StartIndex: 50, MaxResults: 25}, "max-results=25&start-index=50"},
		{ilert.ListAlertsOptions{Policies: []int64{1, 2}, AssignedTo: []string{"ops"}, From: from},
			"assigned-to=ops&from=2026-01-02T03%3A04%3A05Z&policy=1&policy=2&start-index=0"},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			srv := ilerttest.NewServer(t)
			c, _ := newClient(t, srv.URL(), ilert.WithAPIToken(testToken))
			if _, err := c.ListAlerts(context.Background(), tt.opts); err != nil {
				t.Fatal(err)
			}
			if got := srv.Requests()[0].Query; got != tt.want {
				t.Errorf("query %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGetAlertAndSources(t *testing.T) {
	t.Parallel()
	srv := ilerttest.NewServer(t)
	srv.AddAlerts(ilert.Alert{ID: 42, Summary: "disk", Status: ilert.AlertStatusPending, AlertKey: "web01/disk"})
	srv.AddAlertSources(ilert.AlertSource{ID: 7, Name: "Checkmk prod", IntegrationType: "CHECKMK", IntegrationKey: testKey})
	c, _ := newClient(t, srv.URL(), ilert.WithAPIToken(testToken))
	ctx := context.Background()

	a, err := c.GetAlert(ctx, 42)
	if err != nil || a.AlertKey != "web01/disk" {
		t.Errorf("GetAlert = %+v, %v", a, err)
	}
	_, err = c.GetAlert(ctx, 43)
	var apiErr *ilert.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || !ilert.IsPermanent(err) {
		t.Errorf("GetAlert(unknown) = %v, want a permanent 404 *APIError", err)
	}
	sources, err := c.ListAlertSources(ctx, ilert.ListAlertSourcesOptions{})
	if err != nil || len(sources) != 1 || sources[0].IntegrationKey != testKey {
		t.Fatalf("ListAlertSources = %+v, %v", sources, err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		testutil.AssertNoSecret(t, "formatted alert source", fmt.Sprintf(verb, sources[0]), testKey)
	}

	noToken, _ := newClient(t, srv.URL())
	if _, err := noToken.ListAlerts(ctx, ilert.ListAlertsOptions{}); !errors.Is(err, ilert.ErrNoAPIToken) {
		t.Errorf("ListAlerts without a token = %v, want ErrNoAPIToken", err)
	}
}

func TestAlertTolerantDecoding(t *testing.T) {
	t.Parallel()
	var a ilert.Alert
	in := `{"id":5,"summary":"s","status":"SNOOZED","reportTime":"yesterday","resolvedOn":null,"unknown":{"x":1},
		"alertSource":{"id":9,"name":"n","extra":true}}`
	if err := json.Unmarshal([]byte(in), &a); err != nil {
		t.Fatal(err)
	}
	want := ilert.Alert{ID: 5, Summary: "s", Status: "SNOOZED", AlertSource: &ilert.AlertSourceRef{ID: 9, Name: "n"}}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("alert (-want +got):\n%s", diff)
	}
	if a.Status.Valid() {
		t.Error("unknown status reported valid")
	}
}
