package checkmk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/google/go-querystring/query"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// The defaults of an acknowledgement made by [NewAcknowledgement]. Checkmk's own defaults
// are sticky, not persistent and notify; alertbridge does not notify by default, because
// an ACKNOWLEDGEMENT notification would go back to iLert for an alert already accepted
// there (harmless, but noise in the alert's log).
const (
	DefaultAckSticky     = true
	DefaultAckPersistent = false
	DefaultAckNotify     = false
)

// Acknowledgement is what [Client.AcknowledgeHost] and [Client.AcknowledgeService] set.
// Start from [NewAcknowledgement], which sets the defaults.
type Acknowledgement struct {
	// Comment is required. Line breaks become spaces: Checkmk hands the comment to the
	// monitoring core as one line of a Livestatus command.
	Comment string
	// Sticky keeps the acknowledgement until the object is OK/UP again; without it any
	// state change removes it.
	Sticky bool
	// Persistent keeps the acknowledgement's comment across core restarts.
	Persistent bool
	// Notify makes Checkmk send an ACKNOWLEDGEMENT notification to the object's contacts.
	Notify bool
	// ExpireOn, when set, removes the acknowledgement at that time. Checkmk's REST API
	// takes it from 2.4.0p6 on; older versions answer 400.
	ExpireOn time.Time
}

// NewAcknowledgement returns an acknowledgement with the given comment and the defaults
// [DefaultAckSticky], [DefaultAckPersistent] and [DefaultAckNotify] (no notification).
func NewAcknowledgement(comment string) Acknowledgement {
	return Acknowledgement{Comment: comment, Sticky: DefaultAckSticky, Persistent: DefaultAckPersistent, Notify: DefaultAckNotify}
}

// Comment is what [Client.AddHostComment] and [Client.AddServiceComment] add.
type Comment struct {
	// Text is required; line breaks become spaces (see [Acknowledgement.Comment]).
	Text string
	// Persistent keeps the comment across core restarts.
	Persistent bool
}

// AcknowledgeHost acknowledges the problem of a host
// (POST /domain-types/acknowledge/collections/host, acknowledge_type "host"). Checkmk
// answers 204; a host without a problem gives 422, an *[APIError] that reports Benign;
// an unknown host gives 400 (Permanent). The automation user needs the permission
// action.acknowledge.
func (c *Client) AcknowledgeHost(ctx context.Context, host string, a Acknowledgement) (*Result, error) {
	const op = "acknowledge host problem"
	if err := checkObject(op, host, "", false); err != nil {
		return nil, err
	}
	body, err := ackBody(op, map[string]any{"acknowledge_type": "host", "host_name": host}, a)
	if err != nil {
		return nil, err
	}
	return c.result(ctx, restCall{op: op, method: http.MethodPost, path: "/domain-types/acknowledge/collections/host",
		body: body, classify: classifyAck})
}

// AcknowledgeService acknowledges the problem of a service
// (POST /domain-types/acknowledge/collections/service, acknowledge_type "service").
// Checkmk answers 204; a service without a problem gives 422 (Benign); an unknown host or
// service gives 400 (Permanent).
func (c *Client) AcknowledgeService(ctx context.Context, host, service string, a Acknowledgement) (*Result, error) {
	const op = "acknowledge service problem"
	if err := checkObject(op, host, service, true); err != nil {
		return nil, err
	}
	body, err := ackBody(op, map[string]any{"acknowledge_type": "service", "host_name": host, "service_description": service}, a)
	if err != nil {
		return nil, err
	}
	return c.result(ctx, restCall{op: op, method: http.MethodPost, path: "/domain-types/acknowledge/collections/service",
		body: body, classify: classifyAck})
}

// RemoveHostAcknowledgement removes the acknowledgement of a host's problem
// (POST /domain-types/acknowledge/actions/delete/invoke, acknowledge_type "host"); 204
// also when there was none. The endpoint exists from Checkmk 2.4.0p6 on; older versions
// answer 404 (Permanent, and the error says so).
func (c *Client) RemoveHostAcknowledgement(ctx context.Context, host string) (*Result, error) {
	const op = "remove host acknowledgement"
	if err := checkObject(op, host, "", false); err != nil {
		return nil, err
	}
	body, _ := json.Marshal(map[string]string{"acknowledge_type": "host", "host_name": host})
	return c.result(ctx, restCall{op: op, method: http.MethodPost, path: "/domain-types/acknowledge/actions/delete/invoke", body: body})
}

// RemoveServiceAcknowledgement removes the acknowledgement of a service's problem, as
// [Client.RemoveHostAcknowledgement] does for hosts.
func (c *Client) RemoveServiceAcknowledgement(ctx context.Context, host, service string) (*Result, error) {
	const op = "remove service acknowledgement"
	if err := checkObject(op, host, service, true); err != nil {
		return nil, err
	}
	body, _ := json.Marshal(map[string]string{"acknowledge_type": "service", "host_name": host, "service_description": service})
	return c.result(ctx, restCall{op: op, method: http.MethodPost, path: "/domain-types/acknowledge/actions/delete/invoke", body: body})
}

// AddHostComment adds a comment to a host (POST /domain-types/comment/collections/host,
// comment_type "host"); 204, or 400 for an unknown host. The automation user needs the
// permission action.addcomment.
func (c *Client) AddHostComment(ctx context.Context, host string, cm Comment) (*Result, error) {
	const op = "add host comment"
	if err := checkObject(op, host, "", false); err != nil {
		return nil, err
	}
	text, err := commentText(op, cm.Text)
	if err != nil {
		return nil, err
	}
	body, _ := json.Marshal(map[string]any{"comment_type": "host", "host_name": host, "comment": text, "persistent": cm.Persistent})
	return c.result(ctx, restCall{op: op, method: http.MethodPost, path: "/domain-types/comment/collections/host", body: body})
}

// AddServiceComment adds a comment to a service
// (POST /domain-types/comment/collections/service, comment_type "service"); 204, or 400
// for an unknown host. Checkmk documents that no error is raised for a service that does
// not exist.
func (c *Client) AddServiceComment(ctx context.Context, host, service string, cm Comment) (*Result, error) {
	const op = "add service comment"
	if err := checkObject(op, host, service, true); err != nil {
		return nil, err
	}
	text, err := commentText(op, cm.Text)
	if err != nil {
		return nil, err
	}
	body, _ := json.Marshal(map[string]any{"comment_type": "service", "host_name": host, "service_description": service,
		"comment": text, "persistent": cm.Persistent})
	return c.result(ctx, restCall{op: op, method: http.MethodPost, path: "/domain-types/comment/collections/service", body: body})
}

// CommentCollection selects the comments [Client.ListComments] returns.
type CommentCollection string

// The comment collections of Checkmk's REST API.
const (
	CommentsAll     CommentCollection = "all"
	CommentsHost    CommentCollection = "host"
	CommentsService CommentCollection = "service"
)

// Valid reports whether c is all, host or service.
func (c CommentCollection) Valid() bool {
	return c == CommentsAll || c == CommentsHost || c == CommentsService
}

// CommentFilter selects comments for [Client.ListComments]; zero fields do not filter.
type CommentFilter struct {
	// Collection is host, service or all (the default).
	Collection CommentCollection `url:"-"`
	// HostName and ServiceDescription keep the comments of that host or service.
	HostName           string `url:"host_name,omitempty"`
	ServiceDescription string `url:"service_description,omitempty"`
	// SiteID asks only that site (distributed monitoring).
	SiteID string `url:"site_id,omitempty"`
}

// CommentEntry is a comment as Checkmk lists it.
type CommentEntry struct {
	ID        int64
	SiteID    string
	Host      string
	Service   string // empty for host comments
	IsService bool
	Author    string
	Text      string
	// Persistent reports a comment that survives core restarts.
	Persistent bool
	// EntryTime is when the comment was made; zero if Checkmk sent no parsable time.
	EntryTime time.Time
}

// MaxCommentListBytes bounds the answer [Client.ListComments] reads.
const MaxCommentListBytes = 16 << 20

// ListComments lists comments (GET /domain-types/comment/collections/{collection} with
// the query parameters host_name, service_description and site_id).
func (c *Client) ListComments(ctx context.Context, f CommentFilter) ([]CommentEntry, error) {
	const op = "list comments"
	coll := f.Collection
	if coll == "" {
		coll = CommentsAll
	}
	if !coll.Valid() {
		return nil, invalidRequest(op, "comment collection %q is not all, host or service", coll)
	}
	q, err := query.Values(f)
	if err != nil {
		return nil, invalidRequest(op, "encoding the filter: %v", err)
	}
	k := restCall{op: op, method: http.MethodGet, path: "/domain-types/comment/collections/" + url.PathEscape(string(coll)),
		query: q.Encode(), maxBody: MaxCommentListBytes}
	res, err := c.do(ctx, k)
	if err != nil {
		return nil, err
	}
	var answer struct {
		Value []struct {
			Extensions struct {
				ID                 json.Number `json:"id"`
				SiteID             string      `json:"site_id"`
				HostName           string      `json:"host_name"`
				ServiceDescription string      `json:"service_description"`
				IsService          bool        `json:"is_service"`
				Author             string      `json:"author"`
				Comment            string      `json:"comment"`
				Persistent         bool        `json:"persistent"`
				EntryTime          string      `json:"entry_time"`
			} `json:"extensions"`
		} `json:"value"`
	}
	if err := json.Unmarshal(res.Body, &answer); err != nil {
		if res.BodyTruncated {
			err = fmt.Errorf("answer longer than %d bytes: %w", len(res.Body), err)
		}
		return nil, &APIError{Op: op, Method: k.method, URL: c.redactor.RawURL(c.api.String() + k.path),
			Err: fmt.Errorf("decoding the answer: %w", c.redactor.Error(err)), class: httpx.ClassPermanent, Attempts: res.Attempts}
	}
	out := make([]CommentEntry, 0, len(answer.Value))
	for _, v := range answer.Value {
		x := v.Extensions
		id, _ := x.ID.Int64()
		t, _ := time.Parse(time.RFC3339, x.EntryTime)
		out = append(out, CommentEntry{ID: id, SiteID: x.SiteID, Host: x.HostName, Service: x.ServiceDescription,
			IsService: x.IsService, Author: x.Author, Text: x.Comment, Persistent: x.Persistent, EntryTime: t})
	}
	return out, nil
}

// result runs a call whose success answer has no body.
func (c *Client) result(ctx context.Context, k restCall) (*Result, error) {
	res, err := c.do(ctx, k)
	if err != nil {
		return nil, err
	}
	return &Result{StatusCode: res.StatusCode, Attempts: res.Attempts}, nil
}

// ackBody adds the acknowledgement's fields to the object selector.
func ackBody(op string, m map[string]any, a Acknowledgement) ([]byte, error) {
	text, err := commentText(op, a.Comment)
	if err != nil {
		return nil, err
	}
	m["comment"], m["sticky"], m["persistent"], m["notify"] = text, a.Sticky, a.Persistent, a.Notify
	if !a.ExpireOn.IsZero() {
		m["expire_on"] = a.ExpireOn.UTC().Format(time.RFC3339)
	}
	return json.Marshal(m)
}

// checkObject rejects host names and services Checkmk cannot have.
func checkObject(op, host, service string, isService bool) error {
	switch {
	case strings.TrimSpace(host) == "":
		return invalidRequest(op, "host name is empty")
	case strings.ContainsFunc(host, unicode.IsControl):
		return invalidRequest(op, "host name contains a control character")
	case isService && strings.TrimSpace(service) == "":
		return invalidRequest(op, "service description is empty")
	case strings.ContainsFunc(service, unicode.IsControl):
		return invalidRequest(op, "service description contains a control character")
	}
	return nil
}

// commentText puts a comment on one line; it must not be empty.
func commentText(op, s string) (string, error) {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalidRequest(op, "comment is empty")
	}
	return s, nil
}
