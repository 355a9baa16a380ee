package ilert

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AlertEventType is the eventType of iLert's outbound alert webhook (an alert action of type
// webhook): what happened to the alert. Values iLert may add later are kept as they are
// sent; [AlertEventType.Valid] tells them apart from the documented ones.
type AlertEventType string

// The event types an alert action can fire on, as iLert's docs (webhook page) and ilert-go
// (AlertActionTriggerTypes) name them. iLert's UI calls alert-acknowledged "accepted".
const (
	AlertEventCreated          AlertEventType = "alert-created"
	AlertEventAssigned         AlertEventType = "alert-assigned"
	AlertEventAutoEscalated    AlertEventType = "alert-auto-escalated"
	AlertEventAcknowledged     AlertEventType = "alert-acknowledged"
	AlertEventRejected         AlertEventType = "alert-rejected"
	AlertEventRaised           AlertEventType = "alert-raised"
	AlertEventCommentAdded     AlertEventType = "alert-comment-added"
	AlertEventEscalationEnded  AlertEventType = "alert-escalation-ended"
	AlertEventResolved         AlertEventType = "alert-resolved"
	AlertEventAutoResolved     AlertEventType = "alert-auto-resolved"
	AlertEventResponderAdded   AlertEventType = "alert-responder-added"
	AlertEventResponderRemoved AlertEventType = "alert-responder-removed"
	AlertEventChannelAttached  AlertEventType = "alert-channel-attached"
	AlertEventChannelDetached  AlertEventType = "alert-channel-detached"
)

var alertEventTypes = []AlertEventType{
	AlertEventCreated, AlertEventAssigned, AlertEventAutoEscalated, AlertEventAcknowledged,
	AlertEventRejected, AlertEventRaised, AlertEventCommentAdded, AlertEventEscalationEnded,
	AlertEventResolved, AlertEventAutoResolved, AlertEventResponderAdded,
	AlertEventResponderRemoved, AlertEventChannelAttached, AlertEventChannelDetached,
}

// AlertEventTypes returns every documented event type, in iLert's order.
func AlertEventTypes() []AlertEventType { return slices.Clone(alertEventTypes) }

// Valid reports whether t is one of the documented event types.
func (t AlertEventType) Valid() bool { return slices.Contains(alertEventTypes, t) }

// ParseAlertEventType turns an eventType as sent into an AlertEventType: surrounding space
// is dropped, letters are lower-cased, and the names from before iLert renamed incidents
// to alerts ("incident-acknowledged", which iLert's docs still show in their sample
// payload) become the current ones ("alert-acknowledged"). Anything else is kept, so an
// unknown type stays visible and reports Valid() == false.
func ParseAlertEventType(s string) AlertEventType {
	s = strings.ToLower(strings.TrimSpace(s))
	if rest, ok := strings.CutPrefix(s, "incident-"); ok {
		if t := AlertEventType("alert-" + rest); t.Valid() {
			return t
		}
	}
	return AlertEventType(s)
}

// WebhookUser is a user as iLert's webhook names one (assignedTo; actor when present).
type WebhookUser struct {
	ID        string `json:"id,omitempty"`
	Username  string `json:"username,omitempty"`
	Email     string `json:"email,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
}

// DisplayName returns "<first name> <last name>" when iLert sent either, else the user
// name, else the e-mail address, else "".
func (u *WebhookUser) DisplayName() string {
	if u == nil {
		return ""
	}
	if n := strings.TrimSpace(strings.TrimSpace(u.FirstName) + " " + strings.TrimSpace(u.LastName)); n != "" {
		return n
	}
	if n := strings.TrimSpace(u.Username); n != "" {
		return n
	}
	return strings.TrimSpace(u.Email)
}

// EscalationPolicyRef names the escalation policy of the alert's alert source.
type EscalationPolicyRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name,omitempty"`
}

// AlertWebhook is one request of iLert's outbound alert webhook: an event (accepted,
// commented, resolved, ...) on one alert, with the alert's state at that moment. Decode it
// with [DecodeAlertWebhook]; receive it with [AlertWebhookHandler].
//
// Every field may be empty: iLert documents one sample body, and a custom body template
// may leave anything out. Fields the package does not know, and known fields that arrive
// with an unexpected JSON type, are kept in Extra, so nothing iLert sends is lost.
type AlertWebhook struct {
	// AlertID is the alert's id ("id"), a string in iLert's sample; a number is kept in
	// its decimal form.
	AlertID string
	// EventType is what happened ("eventType", see [ParseAlertEventType]); RawEventType is
	// the value as sent.
	EventType    AlertEventType
	RawEventType string
	// Status is the alert's state after the event: PENDING, ACCEPTED or RESOLVED.
	Status AlertStatus
	// AlertKey is the key of the event that opened the alert ("alertKey"). For alerts that
	// alertbridge's notifier opened it is "<site>/<host>[/<service>]".
	AlertKey string
	// Summary and Details are the alert's.
	Summary, Details string
	// Priority is HIGH or LOW.
	Priority Priority
	// AssignedTo is the user the alert is assigned to; nil if none.
	AssignedTo *WebhookUser
	// Actor is the user who caused the event, when the body names one ("actor", INFERRED
	// from ilert-go's alert action results; not in iLert's sample body).
	Actor *WebhookUser
	// AlertSource is the alert's alert source ("alertSource": id, name).
	AlertSource *AlertSourceRef
	// EscalationPolicy is the alert source's escalation policy, when sent (INFERRED).
	EscalationPolicy *EscalationPolicyRef
	// ReportTime is when the alert was reported ("reportTime"); zero if absent or not a
	// timestamp.
	ReportTime time.Time
	// EventTime is when the event happened ("timestamp", INFERRED); zero if absent.
	EventTime time.Time
	// EventID identifies the event ("eventId", INFERRED); empty if absent.
	EventID string
	// Comment is the text of the comment, for alert-comment-added ("comment" as a string
	// or as an object with "content"/"text", or the last of "comments"; INFERRED: iLert's
	// sample body has no comment). CommentAuthor is its creator, when sent.
	Comment, CommentAuthor string
	// AlertURL links to the alert in iLert ("alertUrl", the name of iLert's template
	// variable; INFERRED as a body field). Link is the first link of the alert's payload
	// ("link", likewise).
	AlertURL, Link string
	// Extra holds every other top-level field, and known fields of an unexpected type,
	// as sent.
	Extra map[string]json.RawMessage
}

// ErrInvalidAlertWebhook is wrapped by the error [DecodeAlertWebhook] returns for a body
// that is not an iLert alert webhook.
var ErrInvalidAlertWebhook = errors.New("ilert: not an iLert alert webhook")

// DecodeAlertWebhook decodes the body of an alert webhook. It fails (with an error wrapping
// [ErrInvalidAlertWebhook]) only for a body that is not a JSON object or has no eventType:
// unknown fields go to Extra, known fields of an unexpected type too, unknown event types
// are kept (Valid() == false), and timestamps that do not parse are left zero.
func DecodeAlertWebhook(body []byte) (*AlertWebhook, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrInvalidAlertWebhook)
	}
	if body[0] != '{' {
		return nil, fmt.Errorf("%w: body is not a JSON object", ErrInvalidAlertWebhook)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, fmt.Errorf("%w: body is not valid JSON: %s", ErrInvalidAlertWebhook, whJSONProblem(err))
	}
	w := &AlertWebhook{}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if !w.decodeField(name, fields[name]) {
			if w.Extra == nil {
				w.Extra = map[string]json.RawMessage{}
			}
			w.Extra[name] = fields[name]
		}
	}
	if w.RawEventType == "" {
		return nil, fmt.Errorf("%w: no eventType (a custom body template must keep iLert's eventType field)", ErrInvalidAlertWebhook)
	}
	return w, nil
}

// whJSONProblem describes a JSON syntax error without quoting the body.
func whJSONProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	return "malformed JSON"
}

// decodeField decodes one known top-level field; it reports false for an unknown field or
// a value of an unexpected type, which the caller keeps in Extra.
func (w *AlertWebhook) decodeField(name string, raw json.RawMessage) bool {
	switch name {
	case "id":
		return whScalar(raw, &w.AlertID)
	case "eventType":
		var s string
		if !whString(raw, &s) || strings.TrimSpace(s) == "" {
			return false
		}
		w.RawEventType, w.EventType = s, ParseAlertEventType(s)
		return true
	case "status":
		var s string
		ok := whString(raw, &s)
		w.Status = AlertStatus(strings.ToUpper(strings.TrimSpace(s)))
		return ok
	case "alertKey":
		return whString(raw, &w.AlertKey)
	case "summary":
		return whString(raw, &w.Summary)
	case "details":
		return whString(raw, &w.Details)
	case "priority":
		var s string
		ok := whString(raw, &s)
		w.Priority = Priority(strings.ToUpper(strings.TrimSpace(s)))
		return ok
	case "assignedTo":
		return whUser(raw, &w.AssignedTo)
	case "actor":
		return whUser(raw, &w.Actor)
	case "alertSource":
		id, name, present, ok := whRef(raw)
		if present {
			w.AlertSource = &AlertSourceRef{ID: id, Name: name}
		}
		return ok
	case "escalationPolicy":
		id, name, present, ok := whRef(raw)
		if present {
			w.EscalationPolicy = &EscalationPolicyRef{ID: id, Name: name}
		}
		return ok
	case "reportTime":
		return whTime(raw, &w.ReportTime)
	case "timestamp":
		return whTime(raw, &w.EventTime)
	case "eventId":
		return whScalar(raw, &w.EventID)
	case "comment":
		return w.decodeComment(raw)
	case "comments":
		return w.decodeComments(raw)
	case "alertUrl":
		return whString(raw, &w.AlertURL)
	case "link":
		return whString(raw, &w.Link)
	}
	return false
}

// decodeComment takes "comment" as a string or as an object {content|text|comment,
// creator|author}. A comment already taken from "comment" wins over "comments".
func (w *AlertWebhook) decodeComment(raw json.RawMessage) bool {
	if whNull(raw) {
		return true
	}
	var s string
	if whString(raw, &s) {
		w.Comment = s
		return true
	}
	text, author, ok := whCommentObject(raw)
	if ok {
		w.Comment, w.CommentAuthor = text, author
	}
	return ok
}

// decodeComments takes the last entry of a "comments" array, unless "comment" gave one.
func (w *AlertWebhook) decodeComments(raw json.RawMessage) bool {
	if whNull(raw) {
		return true
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return false
	}
	if len(list) == 0 || w.Comment != "" {
		return true
	}
	last := list[len(list)-1]
	var s string
	if whString(last, &s) {
		w.Comment = s
		return true
	}
	text, author, ok := whCommentObject(last)
	if !ok {
		return false
	}
	w.Comment, w.CommentAuthor = text, author
	return true
}

// whCommentObject reads {content|text|comment, creator|author} where the author may be a
// string or a user object.
func whCommentObject(raw json.RawMessage) (text, author string, ok bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return "", "", false
	}
	for _, k := range []string{"content", "text", "comment"} {
		if whString(obj[k], &text) && text != "" {
			break
		}
	}
	for _, k := range []string{"creator", "author"} {
		if whString(obj[k], &author) && author != "" {
			break
		}
		var u *WebhookUser
		if whUser(obj[k], &u) && u != nil {
			author = u.DisplayName()
			break
		}
	}
	return text, author, true
}

// Who returns the name of the person behind the event: the actor when the body names one,
// else the assignee (for alert-acknowledged, the user who accepted the alert), else "".
func (w *AlertWebhook) Who() string {
	if w == nil {
		return ""
	}
	if n := w.Actor.DisplayName(); n != "" {
		return n
	}
	return w.AssignedTo.DisplayName()
}

// IdempotencyKey returns a key that is the same for iLert's retries of one delivery and
// differs between events: "<alert id>/<event type>", followed by "/<event id>" when the
// body carries one, or, for alert-comment-added without an event id, by the first 16 hex
// digits of the comment's SHA-256 (two comments on one alert are two events). A receiver
// that deduplicates keeps the keys it has processed.
func (w *AlertWebhook) IdempotencyKey() string {
	k := w.AlertID + "/" + string(w.EventType)
	switch {
	case w.EventID != "":
		k += "/" + w.EventID
	case w.EventType == AlertEventCommentAdded:
		sum := sha256.Sum256([]byte(w.Comment))
		k += "/" + hex.EncodeToString(sum[:8])
	}
	return k
}

// MarshalJSON writes the webhook back in iLert's field names: the known fields that are
// set, then Extra. [DecodeAlertWebhook] of the result gives an equal value, which makes an
// AlertWebhook safe to queue as JSON.
func (w AlertWebhook) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, 20+len(w.Extra))
	for k, v := range w.Extra {
		m[k] = v
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("id", w.AlertID)
	set("eventType", w.RawEventType)
	set("status", string(w.Status))
	set("alertKey", w.AlertKey)
	set("summary", w.Summary)
	set("details", w.Details)
	set("priority", string(w.Priority))
	set("eventId", w.EventID)
	set("alertUrl", w.AlertURL)
	set("link", w.Link)
	if w.Comment != "" || w.CommentAuthor != "" {
		m["comment"] = map[string]string{"content": w.Comment, "creator": w.CommentAuthor}
	}
	if w.AssignedTo != nil {
		m["assignedTo"] = w.AssignedTo
	}
	if w.Actor != nil {
		m["actor"] = w.Actor
	}
	if w.AlertSource != nil {
		m["alertSource"] = w.AlertSource
	}
	if w.EscalationPolicy != nil {
		m["escalationPolicy"] = w.EscalationPolicy
	}
	if !w.ReportTime.IsZero() {
		m["reportTime"] = w.ReportTime.Format(time.RFC3339Nano)
	}
	if !w.EventTime.IsZero() {
		m["timestamp"] = w.EventTime.Format(time.RFC3339Nano)
	}
	return json.Marshal(m)
}

// whNull reports a JSON null (or an absent value).
func whNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// whString decodes a JSON string into *dst; null leaves it alone and counts as decoded.
func whString(raw json.RawMessage, dst *string) bool {
	if whNull(raw) {
		return len(raw) > 0
	}
	return json.Unmarshal(raw, dst) == nil
}

// whScalar decodes a JSON string or number (kept in its decimal text) into *dst.
func whScalar(raw json.RawMessage, dst *string) bool {
	if whNull(raw) {
		return true
	}
	if whString(raw, dst) {
		return true
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&n) != nil {
		return false
	}
	*dst = n.String()
	return true
}

// whInt decodes a JSON integer, or a string holding one.
// whRef decodes a reference {"id": number or numeric string, "name": string}. present is
// false for null; ok is false when the value is not such an object.
func whRef(raw json.RawMessage) (id int64, name string, present, ok bool) {
	if whNull(raw) {
		return 0, "", false, true
	}
	var ref struct {
		ID   json.RawMessage `json:"id"`
		Name string          `json:"name"`
	}
	if json.Unmarshal(raw, &ref) != nil {
		return 0, "", false, false
	}
	id, ok = whInt(ref.ID)
	if !ok && len(ref.ID) > 0 && !whNull(ref.ID) {
		return 0, "", false, false
	}
	return id, ref.Name, true, true
}

func whInt(raw json.RawMessage) (int64, bool) {
	if whNull(raw) {
		return 0, false
	}
	var n int64
	if json.Unmarshal(raw, &n) == nil {
		return n, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			return v, true
		}
	}
	return 0, false
}

// whUser decodes a user object (its id a string or a number); null gives nil.
func whUser(raw json.RawMessage, dst **WebhookUser) bool {
	if whNull(raw) {
		return true
	}
	var u struct {
		WebhookUser
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(raw, &u) != nil {
		return false
	}
	user := u.WebhookUser
	if !whScalar(u.ID, &user.ID) {
		return false
	}
	user.Email = strings.TrimSpace(user.Email)
	*dst = &user
	return true
}

// whTime decodes an RFC 3339 timestamp; iLert's older docs sample had spaces after the
// colons, which are tolerated. null and "" leave *dst zero; anything else that is no
// timestamp reports false, so that the caller keeps it in Extra.
func whTime(raw json.RawMessage, dst *time.Time) bool {
	var s string
	if !whString(raw, &s) {
		return false
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return true
	}
	for _, v := range []string{s, strings.ReplaceAll(s, " ", "")} {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			*dst = t
			return true
		}
	}
	return false
}
