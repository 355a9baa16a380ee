package healthchecks

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// Check is a Healthchecks.io check as the webhook placeholder $JSON renders it (the
// read-write form of the Management API, v3), from Healthchecks v2.3 on. The read-only API
// form, which has UniqueKey instead of UUID, the URLs and the channels, decodes too.
//
// Every key except "name" is optional: releases differ in which keys they send (see the
// package documentation). A key that is absent or null leaves its field at the zero value; in
// particular LastPing and NextPing are the zero [time.Time] when Healthchecks sends null.
// Keys this package does not know, and known keys whose value has a type that cannot be
// converted, are kept in Extra.
type Check struct {
	Name        string   // "name": the display name, may be empty
	Slug        string   // "slug": the URL-safe name, may be empty
	Tags        []string // "tags": space-separated in the payload
	Description string   // "desc": free text, may span lines

	Grace        time.Duration // "grace": the grace time
	Timeout      time.Duration // "timeout": the period of a simple check; 0 for scheduled checks
	Schedule     string        // "schedule": cron or OnCalendar expression of a scheduled check
	TimeZone     string        // "tz": the time zone of Schedule, e.g. "Europe/Riga"
	Pings        int64         // "n_pings": how many pings the check has received
	Status       Status        // "status": evaluated when Healthchecks sends; see Notification.Status
	Started      bool          // "started": a start signal is pending (v2.6+)
	LastPing     time.Time     // "last_ping": in UTC; zero if the check was never pinged
	NextPing     time.Time     // "next_ping": in UTC; zero for new, paused and down checks
	LastDuration time.Duration // "last_duration": the last run's duration; 0 when not measured
	Methods      string        // "methods": "" (HEAD, GET and POST accepted) or "POST"
	Channels     []string      // "channels": UUIDs of the integrations the check notifies
	BadgeURL     string        // "badge_url": the check's status badge (v3.10+)
	UniqueKey    string        // "unique_key": stable id of the read-only API form

	ManualResume bool // "manual_resume": a down check stays down until resumed by hand

	// Keyword filters for pings (comma-separated in the payload).
	StartKeywords     []string // "start_kw" (v2.6+)
	SuccessKeywords   []string // "success_kw"
	FailureKeywords   []string // "failure_kw"
	Subject           []string // "subject": legacy form of SuccessKeywords
	SubjectFail       []string // "subject_fail": legacy form of FailureKeywords
	FilterSubject     bool     // "filter_subject": keywords apply to email subjects
	FilterBody        bool     // "filter_body": keywords apply to email bodies
	FilterHTTPBody    bool     // "filter_http_body": keywords apply to HTTP bodies (v3.13+)
	FilterDefaultFail bool     // "filter_default_fail": unmatched pings count as failures (v3.13+)

	// The check's identity and API endpoints. Healthchecks v3.5 added UUID; earlier
	// releases carry it only as the last path segment of the URLs.
	//
	// The UUID is also the check's ping credential: whoever knows PingURL can mark the
	// check as up. The mappings of this package never emit PingURL.
	UUID      string // "uuid"
	PingURL   string // "ping_url"
	UpdateURL string // "update_url"
	PauseURL  string // "pause_url"
	ResumeURL string // "resume_url"

	// Extra holds the keys the decoder did not use, as sent: keys of newer releases and
	// known keys whose value could not be converted to the field's type. It is nil when
	// there are none.
	Extra map[string]json.RawMessage
}

// ID returns the check's identity: its UUID; for releases before v3.5, which send no
// uuid key, the last path segment of UpdateURL or else PingURL (both end in the UUID);
// for the read-only API form its UniqueKey; and finally its Slug. It returns "" when the
// check carries none of them.
func (c *Check) ID() string {
	if c.UUID != "" {
		return c.UUID
	}
	for _, u := range [...]string{c.UpdateURL, c.PingURL} {
		if id := lastPathSegment(u); id != "" {
			return id
		}
	}
	if c.UniqueKey != "" {
		return c.UniqueKey
	}
	return c.Slug
}

// DisplayName returns the name people know the check by: Name, else Slug, else ID.
func (c *Check) DisplayName() string {
	switch {
	case c.Name != "":
		return c.Name
	case c.Slug != "":
		return c.Slug
	}
	return c.ID()
}

// lastPathSegment returns the last non-empty segment of the path of the URL raw, or "" if
// raw is not a URL with a path.
func lastPathSegment(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	p := strings.TrimRight(u.EscapedPath(), "/") // escaped, so the id stays valid UTF-8
	return p[strings.LastIndexByte(p, '/')+1:]
}

// detailsURL returns the web page of the check, derived from UpdateURL
// (<site root>/api/v<N>/checks/<id>  →  <site root>/checks/<id>/details/), or "" when
// UpdateURL does not have that shape. User information and query are dropped.
func (c *Check) detailsURL() string {
	if c.UpdateURL == "" {
		return ""
	}
	u, err := httpx.ParseHTTPURL(c.UpdateURL)
	if err != nil {
		return ""
	}
	i := strings.LastIndex(u.Path, "/api/v")
	if i < 0 {
		return ""
	}
	version, rest, ok := strings.Cut(u.Path[i+len("/api/v"):], "/checks/")
	if !ok || version == "" || strings.Trim(version, "0123456789") != "" {
		return ""
	}
	id := strings.TrimRight(rest, "/")
	if id == "" || strings.ContainsRune(id, '/') {
		return ""
	}
	site := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path[:i] + "/checks/" + id + "/details/"}
	return site.String()
}
