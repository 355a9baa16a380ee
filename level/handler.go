package level

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// DefaultMaxBodyBytes is the default limit on a webhook body. Level's alert bodies are
// well under 1 KiB; the limit only keeps a misbehaving sender from filling memory.
const DefaultMaxBodyBytes = 256 << 10

// Handler is an http.Handler that receives Level webhooks. It answers, in this order:
//
//   - 405 (with Allow: POST) for any method but POST;
//   - 413 for a body over the limit ([WithMaxBodyBytes]);
//   - 401 when secrets are configured ([WithSecrets]) and X-Level-Signature is missing,
//     malformed or matches none of them, checked on the raw body before parsing; the
//     message never reveals the expected value;
//   - 400 for a body that is not a Level webhook (see [Decode]);
//   - 200 for an event type Level does not document, without calling the function (but
//     the hook of [WithUnknownEvents], if set, whose result counts like the function's);
//   - otherwise the result of the function: 200 when it returns nil or an error wrapping
//     [ErrSkip], such as [ErrNotAlert] (the event was deliberately ignored), 422 for an
//     error whose Permanent() bool method reports true (marked with [Permanent], or a
//     sink's rejection), and 503 for any other error, so that Level retries the delivery.
//
// Answers are one line of plain text. Error answers never contain the function's error
// text (it may name internal systems); use [WithErrorHook] to see it. The function runs
// in the request's goroutine with the request's context; Level retries a delivery a few
// times only, so it should return promptly and report failures rather than lose them.
//
// A Handler is safe for concurrent use.
type Handler struct {
	fn func(ctx context.Context, e *Event) error
	handlerConfig
}

// handlerConfig is what the options set; it is fixed once NewHandler returns.
type handlerConfig struct {
	unknown func(ctx context.Context, e *Event) error
	onError func(r *http.Request, status int, err error)
	secrets []Secret
	maxBody int64
}

// HandlerOption configures a [Handler] in [NewHandler].
type HandlerOption func(*handlerConfig) error

// NewHandler returns a Handler that hands every decoded event of a known type, alert or
// not, to fn. It returns an error if fn is nil or an option is invalid.
//
// Without [WithSecrets] the Handler accepts unsigned requests: configure the secret
// entered in Level's webhook settings whenever there is one.
func NewHandler(fn func(ctx context.Context, e *Event) error, opts ...HandlerOption) (*Handler, error) {
	if fn == nil {
		return nil, errors.New("level: NewHandler: function must not be nil")
	}
	h := &Handler{fn: fn, handlerConfig: handlerConfig{maxBody: DefaultMaxBodyBytes}}
	for _, opt := range opts {
		if err := opt(&h.handlerConfig); err != nil {
			return nil, fmt.Errorf("level: NewHandler: %w", err)
		}
	}
	return h, nil
}

// WithSecrets makes the Handler require a valid X-Level-Signature made with one of the
// secrets. Pass the current secret first and, during a rotation, the previous one after
// it. Empty secrets are skipped (so an unset "previous" value is harmless), but at least
// one must be non-empty: an empty configuration is an error, never a silent opt-out of
// verification. The secrets are copied.
func WithSecrets(secrets ...Secret) HandlerOption {
	return func(c *handlerConfig) error {
		if !hasSecret(secrets) {
			return errors.New("WithSecrets: no non-empty secret")
		}
		c.secrets = c.secrets[:0]
		for _, s := range secrets {
			if len(s) > 0 {
				c.secrets = append(c.secrets, append(Secret(nil), s...))
			}
		}
		return nil
	}
}

// WithMaxBodyBytes sets the largest body accepted (default [DefaultMaxBodyBytes]); larger
// bodies get 413. n must be positive.
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(c *handlerConfig) error {
		if n <= 0 {
			return fmt.Errorf("WithMaxBodyBytes: %d is not positive", n)
		}
		c.maxBody = n
		return nil
	}
}

// WithUnknownEvents sets a function for events whose type Level does not document (see
// [Event.Known]); by default they are acknowledged and dropped. Its result is answered
// like the main function's.
func WithUnknownEvents(fn func(ctx context.Context, e *Event) error) HandlerOption {
	return func(c *handlerConfig) error {
		if fn == nil {
			return errors.New("WithUnknownEvents: function must not be nil")
		}
		c.unknown = fn
		return nil
	}
}

// WithErrorHook sets a function called, before the answer is written, for every request
// the Handler does not answer with 2xx: with the status and the reason (an error that
// [errors.Is] can match against this package's errors, or the function's error). It is
// the place to log or count rejected deliveries: a library does not log. It must not
// write to the response.
func WithErrorHook(fn func(r *http.Request, status int, err error)) HandlerOption {
	return func(c *handlerConfig) error {
		if fn == nil {
			return errors.New("WithErrorHook: function must not be nil")
		}
		c.onError = fn
		return nil
	}
}

// ServeHTTP handles one webhook delivery as the [Handler] documentation describes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.fail(w, r, http.StatusMethodNotAllowed, fmt.Errorf("level: method %s not allowed", r.Method),
			"level: method not allowed; Level sends webhooks with POST")
		return
	}
	body, err := h.readBody(w, r)
	if err != nil {
		if errors.Is(err, ErrBodyTooLarge) {
			h.fail(w, r, http.StatusRequestEntityTooLarge, err, err.Error())
			return
		}
		h.fail(w, r, http.StatusBadRequest, err, "level: reading the request body failed")
		return
	}
	if len(h.secrets) > 0 {
		if err := Verify(body, r.Header.Get(SignatureHeader), h.secrets...); err != nil {
			h.fail(w, r, http.StatusUnauthorized, err, err.Error())
			return
		}
	}
	e, err := Decode(body)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err, err.Error())
		return
	}
	fn := h.fn
	if !e.Known() {
		if h.unknown == nil {
			reply(w, http.StatusOK, "level: ignored event type unknown to this receiver")
			return
		}
		fn = h.unknown
	}
	switch err := fn(r.Context(), e); {
	case err == nil:
		reply(w, http.StatusOK, "ok")
	case errors.Is(err, ErrNotAlert):
		reply(w, http.StatusOK, "level: ignored, not an alert")
	case errors.Is(err, ErrSkip):
		reply(w, http.StatusOK, "level: ignored, nothing to send")
	case httpx.IsPermanent(err):
		h.fail(w, r, http.StatusUnprocessableEntity, err, "level: event rejected; retrying will not help")
	default:
		h.fail(w, r, http.StatusServiceUnavailable, err, "level: event not processed; retry later")
	}
}

// readBody reads the whole body, or returns an error wrapping ErrBodyTooLarge once it
// exceeds the limit.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > h.maxBody {
		return nil, h.tooLarge()
	}
	if r.Body == nil {
		return nil, nil
	}
	size := int64(512)
	if r.ContentLength > 0 {
		size = r.ContentLength + 1 // +1 reaches EOF without growing the buffer
	}
	body, err := readAll(http.MaxBytesReader(w, r.Body, h.maxBody), size)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, h.tooLarge()
		}
		return nil, fmt.Errorf("level: reading the request body: %w", err)
	}
	return body, nil
}

// tooLarge returns the error for a body over the limit.
func (h *Handler) tooLarge() error {
	return fmt.Errorf("%w: the limit is %d bytes", ErrBodyTooLarge, h.maxBody)
}

// readAll is io.ReadAll with a chosen initial buffer size.
func readAll(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				return b, nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// fail reports err to the error hook and answers status with msg.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, status int, err error, msg string) {
	if h.onError != nil {
		h.onError(r, status, err)
	}
	reply(w, status, msg)
}

// reply writes msg as a one-line plain-text answer.
func reply(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg+"\n")
}
