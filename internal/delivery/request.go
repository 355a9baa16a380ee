package delivery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/ilert"
)

// Sink names the API a [Request] goes to.
type Sink string

// The sinks a Request can name.
const (
	// SinkILert is iLert's Events API (ilert.Client.Send).
	SinkILert Sink = "ilert"
	// SinkILertCheckmk is iLert's Checkmk endpoint (ilert.Client.SendCheckmk).
	SinkILertCheckmk Sink = "ilert-checkmk"
	// SinkAlertOps is an AlertOps inbound integration (alertops.Client.Send).
	SinkAlertOps Sink = "alertops"
)

// Valid reports whether s is one of the sinks above.
func (s Sink) Valid() bool {
	switch s {
	case SinkILert, SinkILertCheckmk, SinkAlertOps:
		return true
	}
	return false
}

// formatVersion is the version of the encoding written by [Request.Encode].
const formatVersion = 1

// ErrInvalidRequest means a payload is not a request this package can deliver: it does
// not decode, its version is unknown, or the part its sink needs is missing. A queue moves
// such a request to its failed requests ([VerdictRejected]).
var ErrInvalidRequest = errors.New("delivery: invalid request")

// Request is one queued delivery. Build it with [ILert], [ILertCheckmk] or [AlertOps];
// exactly the part its Sink names is set. It holds secrets (the integration key, the
// webhook URL) and formats as its sink only, under every fmt verb.
type Request struct {
	Sink Sink
	// ILert is the event for SinkILert, integration key included.
	ILert *ilert.Event
	// Checkmk is the notification for SinkILertCheckmk.
	Checkmk *CheckmkNotification
	// AlertOpsURL is the webhook URL (it carries the account key) and AlertOps the alert,
	// for SinkAlertOps.
	AlertOpsURL string
	AlertOps    *alertops.Alert
	// Ref is an optional reference chosen by the program that queued the request (for
	// example the ID of the webhook it came from), to match the delivery with its origin
	// in logs. It is stored, never sent, and must not be a secret.
	Ref string
}

// CheckmkNotification is a request for iLert's Checkmk endpoint.
type CheckmkNotification struct {
	IntegrationKey string            `json:"integrationKey"`
	Context        map[string]string `json:"context"`
}

// ILert returns a request that sends e to iLert's Events API.
func ILert(e ilert.Event) Request { return Request{Sink: SinkILert, ILert: &e} }

// ILertCheckmk returns a request that sends a Checkmk notification context to iLert's
// Checkmk endpoint with the integration key.
func ILertCheckmk(integrationKey string, notifyContext map[string]string) Request {
	return Request{Sink: SinkILertCheckmk, Checkmk: &CheckmkNotification{IntegrationKey: integrationKey, Context: notifyContext}}
}

// AlertOps returns a request that posts a to the AlertOps webhook URL.
func AlertOps(webhookURL string, a alertops.Alert) Request {
	return Request{Sink: SinkAlertOps, AlertOpsURL: webhookURL, AlertOps: &a}
}

// WithRef returns a copy of r with the reference set.
func (r Request) WithRef(ref string) Request {
	r.Ref = ref
	return r
}

// String names the request's sink and reference; it never shows a key or URL.
func (r Request) String() string {
	if r.Ref == "" {
		return "delivery.Request{Sink:" + string(r.Sink) + "}"
	}
	return "delivery.Request{Sink:" + string(r.Sink) + " Ref:" + r.Ref + "}"
}

// Format implements fmt.Formatter so that no verb prints the request's secrets.
func (r Request) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// wire is the encoded form of a Request.
type wire struct {
	Version     int                  `json:"v"`
	Sink        Sink                 `json:"sink"`
	ILert       *ilert.Event         `json:"ilert,omitempty"`
	Checkmk     *CheckmkNotification `json:"checkmk,omitempty"`
	AlertOpsURL string               `json:"alertopsURL,omitempty"`
	AlertOps    *alertops.Alert      `json:"alertops,omitempty"`
	Ref         string               `json:"ref,omitempty"`
}

// Validate reports whether r names a known sink and carries what that sink needs. It
// checks presence only; the sinks' clients validate the content when sending.
func (r Request) Validate() error {
	switch r.Sink {
	case SinkILert:
		if r.ILert == nil {
			return fmt.Errorf("%w: no iLert event", ErrInvalidRequest)
		}
	case SinkILertCheckmk:
		if r.Checkmk == nil {
			return fmt.Errorf("%w: no Checkmk notification", ErrInvalidRequest)
		}
	case SinkAlertOps:
		if r.AlertOps == nil || r.AlertOpsURL == "" {
			return fmt.Errorf("%w: no AlertOps alert or webhook URL", ErrInvalidRequest)
		}
	default:
		return fmt.Errorf("%w: unknown sink %q", ErrInvalidRequest, truncate(string(r.Sink)))
	}
	return nil
}

// Encode returns the request as one JSON object, {"v":1,"sink":…} and the sink's part,
// for a queue's payload.
func (r Request) Encode() ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	w := wire{Version: formatVersion, Sink: r.Sink, Ref: r.Ref}
	switch r.Sink {
	case SinkILert:
		w.ILert = r.ILert
	case SinkILertCheckmk:
		w.Checkmk = r.Checkmk
	case SinkAlertOps:
		w.AlertOpsURL, w.AlertOps = r.AlertOpsURL, r.AlertOps
	}
	b, err := json.Marshal(w)
	if err != nil {
		// Only a CustomDetails value that JSON cannot encode gets here; the message of
		// encoding/json names the type, never a value.
		return nil, fmt.Errorf("delivery: encode %s request: %w", r.Sink, err)
	}
	return b, nil
}

// Decode reads a payload written by [Request.Encode]. Every problem is an error wrapping
// [ErrInvalidRequest] whose text contains nothing from the payload but the sink name.
func Decode(payload []byte) (Request, error) {
	var w wire
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&w); err != nil {
		return Request{}, fmt.Errorf("%w: does not decode as JSON (%s)", ErrInvalidRequest, jsonProblem(err))
	}
	if dec.More() {
		return Request{}, fmt.Errorf("%w: data after the request", ErrInvalidRequest)
	}
	if w.Version != formatVersion {
		return Request{}, fmt.Errorf("%w: unsupported version %d", ErrInvalidRequest, w.Version)
	}
	r := Request{Sink: w.Sink, Ref: w.Ref}
	switch w.Sink {
	case SinkILert:
		r.ILert = w.ILert
	case SinkILertCheckmk:
		r.Checkmk = w.Checkmk
	case SinkAlertOps:
		r.AlertOpsURL, r.AlertOps = w.AlertOpsURL, w.AlertOps
	}
	if err := r.Validate(); err != nil {
		return Request{}, err
	}
	return r, nil
}

// jsonProblem describes a decoding error without quoting the input: encoding/json's
// messages can contain a value from the payload, which may be a key.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("wrong type for %s at byte %d", typ.Field, typ.Offset)
	default:
		return "malformed"
	}
}

// truncate bounds a string from a payload quoted in an error.
func truncate(s string) string {
	const n = 32
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
