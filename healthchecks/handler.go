package healthchecks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// DefaultMaxBodyBytes is the Handler's default limit on the request body. A $JSON body is
// about 1 KiB plus the check's description, which Healthchecks does not limit and $JSON
// escapes as \uXXXX for every non-ASCII character (6 bytes for one Cyrillic or CJK
// letter): a few pages of description already exceed 64 KiB, and a 413 is retried three
// times at once and then lost.
const DefaultMaxBodyBytes = 1 << 20

// DeliverFunc receives each notification the Handler accepts, typically to send it on to
// iLert or AlertOps. ctx is the request's context. Return nil only once the notification
// is safely delivered or stored: the Handler then answers 200 and Healthchecks will not
// send it again. So it does for an error wrapping ErrSkip (the notification was
// deliberately ignored, as a mapping reports for one it has nothing to send for). An error
// with a Permanent() bool method that reports true (wrap one with Permanent, or return a
// sink's rejection) makes it answer 422: retrying cannot help. Any other error makes it
// answer 503, and Healthchecks tries again (up to three tries in all, immediately).
type DeliverFunc func(ctx context.Context, n *Notification) error

// Handler is an http.Handler that receives Healthchecks.io webhooks. Create it with
// NewHandler; it is safe for concurrent use.
//
// Answers (plain text, one line):
//
//	200  the DeliverFunc returned nil, or an error wrapping ErrSkip
//	400  empty body, body not a JSON object, no "name" key, or no Check-Status header
//	405  a method other than POST or PUT (with an Allow header); GET is Healthchecks'
//	     default and sends no body, so the message says how to configure the integration
//	413  body larger than the limit (WithMaxBodyBytes)
//	422  Check-Status is not "up" or "down", or the DeliverFunc returned a permanent error
//	503  the DeliverFunc returned another error, so that Healthchecks retries
//
// The Content-Type header is not checked: Healthchecks sends none unless the user adds
// one, and the body decides. The DeliverFunc's error text is never sent back to the
// caller (it may name internal systems); pass WithErrorHook to observe it.
//
// Healthchecks waits 30 seconds for an answer (10 seconds before v3.7) and then tries
// again, so a slow DeliverFunc causes duplicates; deduplicate on the alert key and status
// or answer quickly (for example after writing to a spool).
type Handler struct {
	deliver DeliverFunc
	handlerOptions
}

// handlerOptions are the settings of a Handler; options change them only in NewHandler,
// so a Handler is immutable.
type handlerOptions struct {
	maxBody int64
	parse   []ParseOption
	now     func() time.Time
	onError func(r *http.Request, status int, err error)
}

// HandlerOption configures a Handler in NewHandler.
type HandlerOption func(*handlerOptions) error

// WithMaxBodyBytes sets the largest body the Handler reads (default DefaultMaxBodyBytes).
// n must be positive.
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(h *handlerOptions) error {
		if n <= 0 {
			return fmt.Errorf("healthchecks: max body bytes must be positive, got %d", n)
		}
		h.maxBody = n
		return nil
	}
}

// WithParseOptions passes options to Parse for every request, for example
// FallbackToBodyStatus.
func WithParseOptions(opts ...ParseOption) HandlerOption {
	return func(h *handlerOptions) error {
		h.parse = append(h.parse, opts...)
		return nil
	}
}

// WithClock sets the clock that stamps Notification.Received (default time.Now).
func WithClock(now func() time.Time) HandlerOption {
	return func(h *handlerOptions) error {
		if now == nil {
			return errors.New("healthchecks: clock must not be nil")
		}
		h.now = now
		return nil
	}
}

// WithErrorHook sets a function the Handler calls for every request it does not answer
// with 200, with the status it answers and the reason (a parse error, ErrMethodNotAllowed,
// ErrBodyTooLarge, or the DeliverFunc's error). Use it to log or count rejected webhooks;
// it runs before the answer is written and must not write to the response.
func WithErrorHook(hook func(r *http.Request, status int, err error)) HandlerOption {
	return func(h *handlerOptions) error {
		if hook == nil {
			return errors.New("healthchecks: error hook must not be nil")
		}
		h.onError = hook
		return nil
	}
}

// NewHandler returns a Handler that passes every valid notification to deliver.
func NewHandler(deliver DeliverFunc, opts ...HandlerOption) (*Handler, error) {
	if deliver == nil {
		return nil, errors.New("healthchecks: deliver function must not be nil")
	}
	o := handlerOptions{maxBody: DefaultMaxBodyBytes, now: time.Now}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	o.parse = slices.Clip(o.parse)
	return &Handler{deliver: deliver, handlerOptions: o}, nil
}

// ServeHTTP handles one webhook request; see Handler for the answers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		w.Header().Set("Allow", "POST, PUT")
		h.fail(w, r, http.StatusMethodNotAllowed, fmt.Errorf("%w (got %s)", ErrMethodNotAllowed, quoteShort(r.Method)))
		return
	}
	received := h.now()
	body, err := h.readBody(w, r)
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, ErrBodyTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		h.fail(w, r, status, err)
		return
	}
	n, err := Parse(r.Header, body, h.parse...)
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, ErrInvalidStatus) {
			status = http.StatusUnprocessableEntity
		}
		h.fail(w, r, status, err)
		return
	}
	n.Received = received
	if err := h.deliver(r.Context(), n); err != nil && !errors.Is(err, ErrSkip) {
		if httpx.IsPermanent(err) {
			h.report(r, http.StatusUnprocessableEntity, err)
			http.Error(w, "healthchecks: the notification was rejected permanently; retrying will not help", http.StatusUnprocessableEntity)
			return
		}
		h.report(r, http.StatusServiceUnavailable, err)
		http.Error(w, "healthchecks: the notification could not be delivered yet; send it again", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "ok\n")
}

// readBody reads the request body up to the limit.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	tooLarge := fmt.Errorf("%w: the limit is %d bytes", ErrBodyTooLarge, h.maxBody)
	if r.ContentLength > h.maxBody {
		return nil, tooLarge
	}
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, tooLarge
		}
		return nil, fmt.Errorf("healthchecks: reading the request body: %w", err)
	}
	return body, nil
}

// fail answers with status and the error's message, which is one line by construction.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	h.report(r, status, err)
	http.Error(w, err.Error(), status)
}

func (h *Handler) report(r *http.Request, status int, err error) {
	if h.onError != nil {
		h.onError(r, status, err)
	}
}
