package ilert

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// DefaultAlertWebhookMaxBodyBytes is the default limit on an alert webhook's body. iLert's
// body carries the alert's summary and details, which Checkmk's long output can make a
// few kilobytes; the limit only keeps a misbehaving sender from filling memory.
const DefaultAlertWebhookMaxBodyBytes = 1 << 20

// DefaultAlertWebhookEventTypes returns the event types an [AlertWebhookHandler] delivers
// unless [WithWebhookEventTypes] says otherwise, those a two-way sync acts on: accepted
// (alert-acknowledged), comment added, resolved and auto-resolved.
func DefaultAlertWebhookEventTypes() []AlertEventType {
	return []AlertEventType{AlertEventAcknowledged, AlertEventCommentAdded, AlertEventResolved, AlertEventAutoResolved}
}

// Errors an [AlertWebhookHandler] reports to its hooks. Test for them with errors.Is.
var (
	// ErrWebhookUnauthorized: Basic credentials are configured and the request has none,
	// or others. The answer never says which.
	ErrWebhookUnauthorized = errors.New("ilert: webhook credentials missing or wrong")
	// ErrWebhookBodyTooLarge: the body exceeds the handler's limit.
	ErrWebhookBodyTooLarge = errors.New("ilert: webhook body too large")
	// ErrWebhookMethod: a method other than POST.
	ErrWebhookMethod = errors.New("ilert: webhook method not allowed")
	// ErrIgnoredAlertEvent: a documented event type the handler does not deliver.
	ErrIgnoredAlertEvent = errors.New("ilert: alert event type not delivered by this receiver")
	// ErrUnknownAlertEvent: an event type iLert does not document (or not yet).
	ErrUnknownAlertEvent = errors.New("ilert: unknown alert event type")
)

// AlertWebhookHandler is an http.Handler that receives iLert's outbound alert webhooks (an
// alert action of type webhook) and hands each event it delivers to a function. It
// answers, in this order:
//
//   - 405 (with Allow: POST) for any method but POST;
//   - 401 (with WWW-Authenticate: Basic) when credentials are configured
//     ([WithWebhookBasicAuth]) and the request's Basic credentials are missing or differ;
//     both are compared in constant time, and the answer never says which part was wrong;
//   - 413 for a body over the limit ([WithWebhookMaxBodyBytes]);
//   - 400 for a body that is not an alert webhook ([DecodeAlertWebhook]);
//   - 200 "ignored" for an event type it does not deliver (see [WithWebhookEventTypes]) or
//     does not know, without calling the function; the hook of [WithWebhookIgnoreHook]
//     hears of it, with [ErrIgnoredAlertEvent] or [ErrUnknownAlertEvent];
//   - otherwise the function's result: 200 for nil; 422 for an error with a method
//     Permanent() bool that reports true (found with errors.As; a retry of the same
//     delivery cannot succeed); 503 for any other error, so that iLert retries.
//
// Answers are one line of plain text and never contain the function's error text (it may
// name internal systems); [WithWebhookErrorHook] sees it. The function runs in the
// request's goroutine with the request's context. iLert retries failed deliveries, so the
// function should return once the event is delivered or safely queued, and deduplicate
// ([AlertWebhook.IdempotencyKey]).
//
// Without [WithWebhookBasicAuth] the handler accepts unauthenticated requests; iLert's
// only authentication for webhooks is Basic credentials in the URL
// (https://user:password@host/path).
//
// A Handler is immutable once built and safe for concurrent use.
type AlertWebhookHandler struct {
	deliver func(ctx context.Context, w *AlertWebhook) error
	alertWebhookConfig
}

// alertWebhookConfig is what the options set.
type alertWebhookConfig struct {
	userHash, passHash [sha256.Size]byte
	auth               bool
	maxBody            int64
	types              []AlertEventType
	onError            func(r *http.Request, status int, err error)
	onIgnore           func(r *http.Request, w *AlertWebhook, reason error)
}

// AlertWebhookOption configures an [AlertWebhookHandler] in [NewAlertWebhookHandler].
type AlertWebhookOption func(*alertWebhookConfig) error

// NewAlertWebhookHandler returns a handler that passes every decoded webhook of a
// delivered event type to deliver. It fails if deliver is nil or an option is invalid.
func NewAlertWebhookHandler(deliver func(ctx context.Context, w *AlertWebhook) error, opts ...AlertWebhookOption) (*AlertWebhookHandler, error) {
	if deliver == nil {
		return nil, errors.New("ilert: NewAlertWebhookHandler: deliver function must not be nil")
	}
	h := &AlertWebhookHandler{deliver: deliver, alertWebhookConfig: alertWebhookConfig{
		maxBody: DefaultAlertWebhookMaxBodyBytes,
		types:   DefaultAlertWebhookEventTypes(),
	}}
	var errs []error
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&h.alertWebhookConfig); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("ilert: NewAlertWebhookHandler: %w", err)
	}
	return h, nil
}

// WithWebhookBasicAuth makes the handler require these Basic credentials, the ones in the
// URL of iLert's alert action. Both must be non-empty; they are kept only as SHA-256
// digests.
func WithWebhookBasicAuth(user, password string) AlertWebhookOption {
	return func(c *alertWebhookConfig) error {
		if user == "" || password == "" {
			return errors.New("WithWebhookBasicAuth: user and password must not be empty")
		}
		c.userHash, c.passHash, c.auth = sha256.Sum256([]byte(user)), sha256.Sum256([]byte(password)), true
		return nil
	}
}

// WithWebhookMaxBodyBytes sets the largest body accepted (default
// [DefaultAlertWebhookMaxBodyBytes]); larger bodies get 413. n must be positive.
func WithWebhookMaxBodyBytes(n int64) AlertWebhookOption {
	return func(c *alertWebhookConfig) error {
		if n <= 0 {
			return fmt.Errorf("WithWebhookMaxBodyBytes: %d is not positive", n)
		}
		c.maxBody = n
		return nil
	}
}

// WithWebhookEventTypes sets the event types delivered to the function (default
// [DefaultAlertWebhookEventTypes]); other documented types are answered 200 and ignored.
// Each must be a documented type ([AlertEventType.Valid]); at least one is required.
func WithWebhookEventTypes(types ...AlertEventType) AlertWebhookOption {
	return func(c *alertWebhookConfig) error {
		if len(types) == 0 {
			return errors.New("WithWebhookEventTypes: no event type")
		}
		for _, t := range types {
			if !t.Valid() {
				return fmt.Errorf("WithWebhookEventTypes: %q is not a documented iLert alert event type", t)
			}
		}
		c.types = slices.Clone(types)
		return nil
	}
}

// WithWebhookErrorHook sets a function called, before the answer is written, for every
// request not answered with 2xx: with the status and the reason (an error errors.Is can
// match against this package's errors, or the delivery function's error). It is the
// place to log or count rejected deliveries; it must not write to the response.
func WithWebhookErrorHook(fn func(r *http.Request, status int, err error)) AlertWebhookOption {
	return func(c *alertWebhookConfig) error {
		if fn == nil {
			return errors.New("WithWebhookErrorHook: function must not be nil")
		}
		c.onError = fn
		return nil
	}
}

// WithWebhookIgnoreHook sets a function called for every well-formed webhook the handler
// answers 200 without delivering it, with the reason: an error wrapping
// [ErrIgnoredAlertEvent] or [ErrUnknownAlertEvent]. Use it to log "ignored" lines.
func WithWebhookIgnoreHook(fn func(r *http.Request, w *AlertWebhook, reason error)) AlertWebhookOption {
	return func(c *alertWebhookConfig) error {
		if fn == nil {
			return errors.New("WithWebhookIgnoreHook: function must not be nil")
		}
		c.onIgnore = fn
		return nil
	}
}

// ServeHTTP handles one webhook delivery as the [AlertWebhookHandler] documentation says.
func (h *AlertWebhookHandler) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		h.fail(rw, r, http.StatusMethodNotAllowed, fmt.Errorf("%w: %s", ErrWebhookMethod, webhookMethod(r.Method)),
			"ilert: method not allowed; iLert sends webhooks with POST")
		return
	}
	if h.auth {
		if err := h.authorize(r); err != nil {
			rw.Header().Set("WWW-Authenticate", `Basic realm="alertbridge", charset="UTF-8"`)
			h.fail(rw, r, http.StatusUnauthorized, err,
				"ilert: unauthorized; put the receiver's user and password in the alert action's URL (https://user:password@host/path)")
			return
		}
	}
	body, err := h.readBody(rw, r)
	if err != nil {
		if errors.Is(err, ErrWebhookBodyTooLarge) {
			h.fail(rw, r, http.StatusRequestEntityTooLarge, err, err.Error())
			return
		}
		h.fail(rw, r, http.StatusBadRequest, err, "ilert: reading the request body failed")
		return
	}
	w, err := DecodeAlertWebhook(body)
	if err != nil {
		h.fail(rw, r, http.StatusBadRequest, err, err.Error())
		return
	}
	switch {
	case !w.EventType.Valid():
		h.ignore(rw, r, w, fmt.Errorf("%w %q", ErrUnknownAlertEvent, w.EventType))
		return
	case !slices.Contains(h.types, w.EventType):
		h.ignore(rw, r, w, fmt.Errorf("%w: %s", ErrIgnoredAlertEvent, w.EventType))
		return
	}
	err = h.deliver(r.Context(), w)
	switch {
	case err == nil:
		webhookReply(rw, http.StatusOK, "ok")
	case webhookPermanent(err):
		h.fail(rw, r, http.StatusUnprocessableEntity, err, "ilert: event rejected; retrying will not help")
	default:
		h.fail(rw, r, http.StatusServiceUnavailable, err, "ilert: event not processed yet; retry later")
	}
}

// authorize checks the Basic credentials in constant time.
func (h *AlertWebhookHandler) authorize(r *http.Request) error {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return fmt.Errorf("%w: no Basic credentials", ErrWebhookUnauthorized)
	}
	u, p := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(pass))
	if subtle.ConstantTimeCompare(u[:], h.userHash[:])&subtle.ConstantTimeCompare(p[:], h.passHash[:]) != 1 {
		return fmt.Errorf("%w: credentials do not match", ErrWebhookUnauthorized)
	}
	return nil
}

// webhookPermanent reports whether err has a Permanent() bool method reporting true.
func webhookPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// readBody reads the whole body or returns an error wrapping ErrWebhookBodyTooLarge.
func (h *AlertWebhookHandler) readBody(rw http.ResponseWriter, r *http.Request) ([]byte, error) {
	tooLarge := fmt.Errorf("%w: the limit is %d bytes", ErrWebhookBodyTooLarge, h.maxBody)
	if r.ContentLength > h.maxBody {
		return nil, tooLarge
	}
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, h.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, tooLarge
		}
		return nil, fmt.Errorf("ilert: reading the webhook body: %w", err)
	}
	return body, nil
}

func (h *AlertWebhookHandler) ignore(rw http.ResponseWriter, r *http.Request, w *AlertWebhook, reason error) {
	if h.onIgnore != nil {
		h.onIgnore(r, w, reason)
	}
	webhookReply(rw, http.StatusOK, "ilert: ignored; this receiver does not act on this event type")
}

// fail reports err to the error hook and answers status with msg.
func (h *AlertWebhookHandler) fail(rw http.ResponseWriter, r *http.Request, status int, err error, msg string) {
	if h.onError != nil {
		h.onError(r, status, err)
	}
	webhookReply(rw, status, msg)
}

// webhookReply writes msg as a one-line plain-text answer.
func webhookReply(rw http.ResponseWriter, status int, msg string) {
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	rw.WriteHeader(status)
	_, _ = io.WriteString(rw, strings.ReplaceAll(msg, "\n", " ")+"\n")
}

// webhookMethod quotes a method for an error message, cut to a sane length.
func webhookMethod(m string) string {
	if len(m) > 32 {
		m = m[:32]
	}
	return fmt.Sprintf("%q", m)
}
