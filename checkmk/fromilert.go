package checkmk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/httpx"
)

// ActionKind is what an [Action] does in Checkmk.
type ActionKind string

// The actions two-way sync takes.
const (
	// ActionAcknowledge acknowledges the host's or service's problem.
	ActionAcknowledge ActionKind = "acknowledge"
	// ActionComment adds a comment to the host or service.
	ActionComment ActionKind = "comment"
	// ActionRemoveAcknowledgement removes the acknowledgement (Checkmk 2.4.0p6 and later).
	ActionRemoveAcknowledgement ActionKind = "remove_acknowledgement"
)

// Valid reports whether k is one of the three actions.
func (k ActionKind) Valid() bool {
	return k == ActionAcknowledge || k == ActionComment || k == ActionRemoveAcknowledgement
}

// Action is one call of Checkmk's REST API that an iLert event asks for, made by
// [FromILertWebhook] and carried out by [Action.Apply]. It is a plain value with JSON
// tags, so a relay can queue it.
type Action struct {
	Kind ActionKind `json:"kind"`
	// Site is the OMD site from the alert key; a relay ignores sites it does not serve
	// (in distributed monitoring the central site's API acts for all of them).
	Site string `json:"site"`
	// Host and Service name the object; Service is empty for a host.
	Host    string `json:"host"`
	Service string `json:"service,omitempty"`
	// Comment is the acknowledgement's or comment's text.
	Comment string `json:"comment,omitempty"`
	// Sticky, Persistent and Notify are the acknowledgement's flags; Persistent also
	// applies to comments.
	Sticky     bool `json:"sticky,omitempty"`
	Persistent bool `json:"persistent,omitempty"`
	Notify     bool `json:"notify,omitempty"`
	// AlertID, EventType and IdempotencyKey identify the iLert event the action comes
	// from (see ilert.AlertWebhook.IdempotencyKey), for logs and deduplication.
	AlertID        string               `json:"alert_id,omitempty"`
	EventType      ilert.AlertEventType `json:"event_type,omitempty"`
	IdempotencyKey string               `json:"idempotency_key,omitempty"`
}

// IsService reports whether the action is on a service.
func (a Action) IsService() bool { return a.Service != "" }

// Object returns "<site>/<host>[/<service>]", the object the action is on: a relay keeps
// the order of actions per object.
func (a Action) Object() string {
	return AlertKeyObject{Site: a.Site, Host: a.Host, Service: a.Service}.String()
}

// Validate reports an action that [Action.Apply] would refuse: an unknown kind, no host,
// or an acknowledgement or comment without text.
func (a Action) Validate() error {
	var errs []error
	if !a.Kind.Valid() {
		errs = append(errs, fmt.Errorf("unknown action %q", a.Kind))
	}
	if strings.TrimSpace(a.Host) == "" {
		errs = append(errs, errors.New("no host"))
	}
	if (a.Kind == ActionAcknowledge || a.Kind == ActionComment) && strings.TrimSpace(a.Comment) == "" {
		errs = append(errs, errors.New("no comment"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: action: %w", ErrInvalidRequest, err)
	}
	return nil
}

// Apply carries out the action with c. Errors are *[APIError]s: an acknowledgement of an
// object without a problem (422) reports Benign, which a sync treats as done.
func (a Action) Apply(ctx context.Context, c *Client) (*Result, error) {
	if err := a.Validate(); err != nil {
		return nil, &APIError{Op: "apply action", Err: err, class: httpx.ClassPermanent}
	}
	switch a.Kind {
	case ActionAcknowledge:
		ack := Acknowledgement{Comment: a.Comment, Sticky: a.Sticky, Persistent: a.Persistent, Notify: a.Notify}
		if a.IsService() {
			return c.AcknowledgeService(ctx, a.Host, a.Service, ack)
		}
		return c.AcknowledgeHost(ctx, a.Host, ack)
	case ActionComment:
		cm := Comment{Text: a.Comment, Persistent: a.Persistent}
		if a.IsService() {
			return c.AddServiceComment(ctx, a.Host, a.Service, cm)
		}
		return c.AddHostComment(ctx, a.Host, cm)
	default: // ActionRemoveAcknowledgement
		if a.IsService() {
			return c.RemoveServiceAcknowledgement(ctx, a.Host, a.Service)
		}
		return c.RemoveHostAcknowledgement(ctx, a.Host)
	}
}

// MaxCommentRunes bounds the comment text [FromILertWebhook] copies from iLert; longer
// texts are cut, ending in "…". iLert documents no limit; this one is alertbridge's
// choice, to keep the monitoring core's command line short.
const MaxCommentRunes = 2000

// ILertWebhookOptions adjust [FromILertWebhook]. The zero value acknowledges sticky,
// not persistent and without notification, and does nothing on resolve.
type ILertWebhookOptions struct {
	// RemoveAckOnResolve makes alert-resolved and alert-auto-resolved remove the
	// acknowledgement (Checkmk 2.4.0p6 and later). By default they do nothing: Checkmk
	// resolves a problem by checking, and the next OK/UP clears a sticky acknowledgement.
	RemoveAckOnResolve bool
	// Notify acknowledges with notification ([DefaultAckNotify] is false: Checkmk would
	// send an ACKNOWLEDGEMENT back to iLert for an alert already accepted there).
	Notify bool
	// NotSticky acknowledges without sticky: the next state change (WARN to CRIT) then
	// removes the acknowledgement while the iLert alert stays accepted.
	NotSticky bool
	// Persistent makes acknowledgements and comments survive core restarts.
	Persistent bool
	// AlertURLTemplate builds the link to the alert when the webhook carries none
	// (alertUrl): "{id}" is replaced by the alert id, e.g.
	// "https://acme.ilert.com/alert/view?id={id}" (iLert's URLs hold the account's
	// sub-domain, which the webhook does not name).
	AlertURLTemplate string
	// AlertSourceIDs, when set, restricts the sync to these alert sources (those the
	// notifier feeds in events mode); events of other sources are skipped. It guards
	// against keys of other sources that happen to look like "<site>/<host>".
	AlertSourceIDs []int64
}

// FromILertWebhook maps an event of iLert's alert webhook to the Checkmk action it asks
// for. An event that asks for none gives an error wrapping [ErrSkip] with the reason; test
// with errors.Is(err, checkmk.ErrSkip). The object comes from the alert key (see
// [ParseILertAlertKey]); keys in another form are skipped with [ErrNotEventsModeKey] as well.
//
//	event                                  action
//	alert-acknowledged (accepted)          acknowledge: "Accepted in iLert by <name>"
//	alert-comment-added                    comment: "Comment in iLert by <name>: <text>"
//	alert-resolved, alert-auto-resolved    nothing (ErrSkip), or with RemoveAckOnResolve
//	                                       remove the acknowledgement
//	every other type, unknown types        nothing (ErrSkip)
//
// The name is the event's actor or else the alert's assignee (ilert.AlertWebhook.Who); the
// link to the alert (alertUrl, or opts.AlertURLTemplate) is appended in parentheses when
// known. A comment without text in the webhook is skipped: there is nothing to copy. The
// mapping is pure: it reads nothing but its arguments.
func FromILertWebhook(w *ilert.AlertWebhook, opts ILertWebhookOptions) (Action, error) {
	if w == nil {
		return Action{}, fmt.Errorf("%w: no webhook", ErrSkip)
	}
	switch w.EventType {
	case ilert.AlertEventAcknowledged, ilert.AlertEventCommentAdded:
	case ilert.AlertEventResolved, ilert.AlertEventAutoResolved:
		if !opts.RemoveAckOnResolve {
			return Action{}, fmt.Errorf("%w: %s: Checkmk resolves problems by checking (RemoveAckOnResolve is off)", ErrSkip, w.EventType)
		}
	default:
		if !w.EventType.Valid() {
			return Action{}, fmt.Errorf("%w: unknown iLert event type %q", ErrSkip, cutRunes(string(w.EventType), 64))
		}
		return Action{}, fmt.Errorf("%w: %s has no counterpart in Checkmk", ErrSkip, w.EventType)
	}
	if len(opts.AlertSourceIDs) > 0 && (w.AlertSource == nil || !slices.Contains(opts.AlertSourceIDs, w.AlertSource.ID)) {
		id := "none"
		if w.AlertSource != nil {
			id = strconv.FormatInt(w.AlertSource.ID, 10)
		}
		return Action{}, fmt.Errorf("%w: alert source %s is not one of the synced alert sources", ErrSkip, id)
	}
	obj, err := ParseILertAlertKey(w.AlertKey)
	if err != nil {
		return Action{}, fmt.Errorf("%w: %w", ErrSkip, err)
	}
	a := Action{Site: obj.Site, Host: obj.Host, Service: obj.Service, Persistent: opts.Persistent,
		AlertID: w.AlertID, EventType: w.EventType, IdempotencyKey: w.IdempotencyKey()}
	link := alertLink(w, opts.AlertURLTemplate)
	switch w.EventType {
	case ilert.AlertEventAcknowledged:
		a.Kind, a.Sticky, a.Notify = ActionAcknowledge, !opts.NotSticky, opts.Notify
		a.Comment = withAlertLink(ackByName("Accepted in iLert", w.Who()), link)
	case ilert.AlertEventCommentAdded:
		text := strings.TrimSpace(w.Comment)
		if text == "" {
			return Action{}, fmt.Errorf("%w: %s without comment text in the webhook body", ErrSkip, w.EventType)
		}
		author := strings.TrimSpace(w.CommentAuthor)
		if author == "" {
			author = w.Who()
		}
		a.Kind = ActionComment
		a.Comment = withAlertLink(ackByName("Comment in iLert", author)+": "+cutRunes(text, MaxCommentRunes), link)
	default:
		a.Kind, a.Persistent = ActionRemoveAcknowledgement, false
	}
	return a, nil
}

// ackByName appends " by <name>" when the name is known.
func ackByName(s, name string) string {
	if name = strings.TrimSpace(name); name != "" {
		return s + " by " + name
	}
	return s
}

// withAlertLink appends " (<link>)" when there is one.
func withAlertLink(s, link string) string {
	if link == "" {
		return s
	}
	return s + " (" + link + ")"
}

// alertLink returns the alert's URL: the webhook's, else the template's with the id.
func alertLink(w *ilert.AlertWebhook, tmpl string) string {
	if u := strings.TrimSpace(w.AlertURL); isAlertURL(u) {
		return u
	}
	if tmpl == "" || w.AlertID == "" || !strings.Contains(tmpl, "{id}") {
		return ""
	}
	u := strings.ReplaceAll(tmpl, "{id}", url.QueryEscape(w.AlertID))
	if !isAlertURL(u) {
		return ""
	}
	return u
}

// isAlertURL reports an absolute http(s) URL without white space.
func isAlertURL(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
