package healthchecks

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/ilert"
)

// ToILert maps a notification to an iLert event. It is a pure function.
//
//   - eventType: down → ALERT, up → RESOLVE.
//   - alertKey: n.Check.Key(), "healthchecks/<uuid>" for current releases, so the up
//     notification resolves the alert its down notification opened.
//   - summary: "Healthchecks: <name> is DOWN" (or UP); the name falls back to the slug and
//     the id.
//   - details: status, slug, schedule and time zone or period, grace time, last ping, last
//     duration and tags as a Markdown list, then the check's description.
//   - labels: one per tag; a tag "key:value" or "key=value" becomes that label, any other
//     tag becomes tag → "true".
//   - links: the check's page in the Healthchecks web app, derived from update_url
//     ("<site>/checks/<uuid>/details/"), when update_url has the documented shape.
//   - customDetails: the check's fields for iLert alert templates (see the package
//     documentation for the keys).
//
// The ping URL is never emitted: opening it marks the check as up, and it works without a
// login. The integration key is left empty for the caller to set; limits and truncation
// are left to the ilert package's client.
//
// A notification whose status is neither down nor up (one built by hand; Parse returns
// only these two) gives an error wrapping [ErrSkip]; a nil notification an error.
func ToILert(n *Notification) (ilert.Event, error) {
	if err := mappable(n); err != nil {
		return ilert.Event{}, err
	}
	e := ilert.Event{
		EventType:     ilert.EventTypeAlert,
		Summary:       summary(n),
		Details:       details(n),
		AlertKey:      n.Check.Key(),
		Labels:        labels(n.Check.Tags),
		CustomDetails: customDetails(n),
	}
	if n.Status == StatusUp {
		e.EventType = ilert.EventTypeResolve
	}
	if u := n.Check.detailsURL(); u != "" {
		e.Links = []ilert.Link{{Href: u, Text: "Check in Healthchecks"}}
	}
	return e, nil
}

// mappable reports why a notification cannot be mapped, if so.
func mappable(n *Notification) error {
	switch {
	case n == nil:
		return errors.New("healthchecks: no notification to map")
	case n.Status != StatusDown && n.Status != StatusUp:
		return fmt.Errorf("healthchecks: a notification with status %s is neither down nor up: %w",
			quoteShort(string(n.Status)), ErrSkip)
	}
	return nil
}

// labels turns tags into iLert labels; it returns nil for no tags.
func labels(tags []string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, tag := range tags {
		if i := strings.IndexAny(tag, ":="); i > 0 && i < len(tag)-1 {
			m[tag[:i]] = tag[i+1:]
			continue
		}
		m[tag] = "true"
	}
	return m
}

// customDetails collects the check's fields under snake_case keys for iLert templates.
// Keys whose value is empty are left out.
func customDetails(n *Notification) map[string]any {
	c := &n.Check
	d := make(map[string]any, 16)
	d["source"] = "healthchecks"
	d["status"] = string(n.Status)
	d["check"] = c.Name
	d["pings"] = c.Pings
	d["grace_seconds"] = int64(c.Grace / time.Second)
	put := func(k, v string) {
		if v != "" {
			d[k] = v
		}
	}
	put("check_id", c.ID())
	put("slug", c.Slug)
	put("body_status", string(c.Status))
	put("schedule", c.Schedule)
	put("tz", c.TimeZone)
	if c.Timeout > 0 {
		d["timeout_seconds"] = int64(c.Timeout / time.Second)
	}
	if !c.LastPing.IsZero() {
		d["last_ping"] = c.LastPing.Format(time.RFC3339)
	}
	if !c.NextPing.IsZero() {
		d["next_ping"] = c.NextPing.Format(time.RFC3339)
	}
	if c.LastDuration > 0 {
		d["last_duration_seconds"] = int64(c.LastDuration / time.Second)
	}
	if len(c.Tags) > 0 {
		d["tags"] = c.Tags
	}
	if n.StatusFromBody {
		d["status_from_body"] = true
	}
	return d
}
