package ilert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/go-querystring/query"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// AlertStatus is the state of an iLert alert.
type AlertStatus string

// The alert states of the iLert REST API.
const (
	AlertStatusPending  AlertStatus = "PENDING"
	AlertStatusAccepted AlertStatus = "ACCEPTED"
	AlertStatusResolved AlertStatus = "RESOLVED"
)

// Valid reports whether s is PENDING, ACCEPTED or RESOLVED. Other values that iLert may
// add are kept when decoding.
func (s AlertStatus) Valid() bool {
	return s == AlertStatusPending || s == AlertStatusAccepted || s == AlertStatusResolved
}

// Alert is an alert as the REST API returns it, with the fields an embedder needs.
// Decoding is tolerant: unknown fields are ignored and timestamps that do not parse as
// RFC 3339 are left zero.
type Alert struct {
	ID            int64             `json:"id"`
	Summary       string            `json:"summary"`
	Details       string            `json:"details,omitempty"`
	Status        AlertStatus       `json:"status"`
	Priority      Priority          `json:"priority,omitempty"`
	AlertKey      string            `json:"alertKey,omitempty"`
	ReportTime    time.Time         `json:"reportTime"`
	ResolvedOn    time.Time         `json:"resolvedOn"`
	AlertSource   *AlertSourceRef   `json:"alertSource,omitempty"`
	Images        []Image           `json:"images,omitempty"`
	Links         []Link            `json:"links,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
	CustomDetails map[string]any    `json:"customDetails,omitempty"`
}

// AlertSourceRef names the alert source of an alert.
type AlertSourceRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name,omitempty"`
}

// UnmarshalJSON decodes an alert, leaving unparsable timestamps zero.
func (a *Alert) UnmarshalJSON(data []byte) error {
	type plain Alert
	var aux struct {
		plain
		ReportTime json.RawMessage `json:"reportTime"`
		ResolvedOn json.RawMessage `json:"resolvedOn"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	*a = Alert(aux.plain)
	a.ReportTime = parseTime(aux.ReportTime)
	a.ResolvedOn = parseTime(aux.ResolvedOn)
	return nil
}

func parseTime(raw json.RawMessage) time.Time {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// AlertSource is an alert source (inbound integration) as the REST API returns it.
// IntegrationKey and IntegrationURL are secrets: formatting an AlertSource with the fmt
// package redacts them.
type AlertSource struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	Status          string `json:"status,omitempty"`
	IntegrationType string `json:"integrationType,omitempty"`
	IntegrationKey  string `json:"integrationKey,omitempty"`
	IntegrationURL  string `json:"integrationUrl,omitempty"`
}

type plainAlertSource AlertSource

// String returns the alert source in %+v form with its key and URL redacted.
func (s AlertSource) String() string {
	c := plainAlertSource(s)
	if c.IntegrationKey != "" {
		c.IntegrationKey = "[redacted]"
	}
	if c.IntegrationURL != "" {
		c.IntegrationURL = "[redacted]"
	}
	return fmt.Sprintf("%+v", c)
}

// Format implements fmt.Formatter: every verb prints [AlertSource.String].
func (s AlertSource) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, s.String()) }

// ListAlertsOptions filters and pages [Client.ListAlerts]. Zero fields do not filter.
type ListAlertsOptions struct {
	// States keeps alerts in any of these states (query "state", repeated).
	States []AlertStatus `url:"state,omitempty"`
	// AlertSources keeps alerts of these alert source IDs ("alert-source", repeated).
	AlertSources []int64 `url:"alert-source,omitempty"`
	// Policies keeps alerts of these escalation policy IDs ("policy", repeated).
	Policies []int64 `url:"policy,omitempty"`
	// AssignedTo keeps alerts assigned to these user IDs or usernames ("assigned-to").
	AssignedTo []string `url:"assigned-to,omitempty"`
	// From and Until bound the report time.
	From  time.Time `url:"from,omitempty" layout:"2006-01-02T15:04:05Z07:00"`
	Until time.Time `url:"until,omitempty" layout:"2006-01-02T15:04:05Z07:00"`
	// StartIndex is the 0-based index of the first result; always sent.
	StartIndex int `url:"start-index"`
	// MaxResults is the page size (iLert's default 50 when 0).
	MaxResults int `url:"max-results,omitempty"`
}

// ListAlertSourcesOptions pages [Client.ListAlertSources].
type ListAlertSourcesOptions struct {
	// StartIndex is the 0-based index of the first result; always sent.
	StartIndex int `url:"start-index"`
	// MaxResults is the page size (iLert's default when 0).
	MaxResults int `url:"max-results,omitempty"`
}

// MaxListBodyBytes bounds the body of a REST answer the client reads.
const MaxListBodyBytes = 16 << 20

// ErrNoAPIToken is returned by the REST reads of a Client created without
// [WithAPIToken].
var ErrNoAPIToken = errors.New("ilert: REST API call needs WithAPIToken")

// ListAlerts lists alerts (GET /api/alerts) filtered and paged by opts.
func (c *Client) ListAlerts(ctx context.Context, opts ListAlertsOptions) ([]Alert, error) {
	var alerts []Alert
	if err := c.getJSON(ctx, "list alerts", "/api/alerts", opts, &alerts); err != nil {
		return nil, err
	}
	return alerts, nil
}

// GetAlert returns the alert with the given ID (GET /api/alerts/{id}). An unknown ID is an
// *[APIError] with StatusCode 404.
func (c *Client) GetAlert(ctx context.Context, id int64) (*Alert, error) {
	var a Alert
	if err := c.getJSON(ctx, "get alert", "/api/alerts/"+strconv.FormatInt(id, 10), nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// ListAlertSources lists alert sources (GET /api/alert-sources).
func (c *Client) ListAlertSources(ctx context.Context, opts ListAlertSourcesOptions) ([]AlertSource, error) {
	var sources []AlertSource
	if err := c.getJSON(ctx, "list alert sources", "/api/alert-sources", opts, &sources); err != nil {
		return nil, err
	}
	return sources, nil
}

// getJSON performs an authenticated GET and decodes the JSON answer into v.
func (c *Client) getJSON(ctx context.Context, op, path string, opts any, v any) error {
	if c.apiToken == "" {
		return httpx.Permanent(ErrNoAPIToken)
	}
	u := c.endpoint(path)
	if opts != nil {
		q, err := query.Values(opts)
		if err != nil {
			return fmt.Errorf("ilert: %s: %w", op, httpx.Permanent(err))
		}
		u += "?" + q.Encode()
	}
	res, err := c.do(ctx, call{op: op, red: c.redactor, method: http.MethodGet, url: u, header: acceptJSON, auth: true, maxBody: MaxListBodyBytes})
	if err != nil {
		return err
	}
	if err := json.Unmarshal(res.Body, v); err != nil {
		if res.BodyTruncated {
			err = fmt.Errorf("answer longer than %d bytes: %w", len(res.Body), err)
		}
		return fmt.Errorf("ilert: %s: decoding answer: %w", op, httpx.Permanent(c.redactor.Error(err)))
	}
	return nil
}
