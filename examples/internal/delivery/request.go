package delivery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/httpx"
)

// Sink names the API a [Request] goes to.
type Sink string

// The sinks a Request can name.
const (
	// SinkILert is iLert's Events API (ilert.Client.Send).
	SinkILert Sink = "ilert"
	// SinkILertCheckmk is iLert's Checkmk endpoint (ilert.Client.SendCheckmk).
	SinkILertCheckmk Sink = "ilert-checkmk"
	// SinkILertNagios is iLert's legacy 1.x Nagios endpoint (ilert.Client.SendNagios).
	SinkILertNagios Sink = "ilert-nagios"
	// SinkAlertOps is an AlertOps inbound integration (alertops.Client.Send).
	SinkAlertOps Sink = "alertops"
)

// Valid reports whether s is one of the sinks above.
func (s Sink) Valid() bool {
	switch s {
	case SinkILert, SinkILertCheckmk, SinkILertNagios, SinkAlertOps, SinkCheckmk:
		return true
	}
	return false
}

// The versions of the encoding. Version 2 adds the nagios and checkmk sinks and transport
// settings; [Request.Encode] writes version 1 for a request that uses none of them, so
// that what the webhook relay queues for iLert and AlertOps reads the same as before, and
// [Decode] reads both.
const (
	formatV1      = 1
	formatV2      = 2
	formatVersion = formatV2 // the newest
)

// ErrInvalidRequest means a payload is not a request this package can deliver: it does
// not decode, its version is unknown, or the part its sink needs is missing. Its
// Permanent method reports true, so a queue moves such a request to its failed requests
// with the reason. Test for it with errors.Is.
var ErrInvalidRequest error = invalidRequest{}

// invalidRequest is the type of ErrInvalidRequest.
type invalidRequest struct{}

func (invalidRequest) Error() string { return "delivery: invalid request" }

// Permanent reports true: sending the same payload again cannot succeed.
func (invalidRequest) Permanent() bool { return true }

// Request is one queued delivery. Build it with [ILert], [ILertCheckmk], [ILertNagios],
// [AlertOps] or [Checkmk]; exactly the part its Sink names is set. It holds secrets (the
// integration key, the webhook URL, proxy credentials: see [Request.Secrets]) and formats
// as its sink and reference only, under every fmt verb.
type Request struct {
	Sink Sink
	// ILert is the event for SinkILert, integration key included.
	ILert *ilert.Event
	// Checkmk is the notification for SinkILertCheckmk.
	Checkmk *CheckmkNotification
	// Nagios is the notification for SinkILertNagios.
	Nagios *NagiosNotification
	// AlertOpsURL is the webhook URL (it carries the account key) and AlertOps the alert,
	// for SinkAlertOps.
	AlertOpsURL string
	AlertOps    *alertops.Alert
	// CheckmkAction is the action for SinkCheckmk.
	CheckmkAction *checkmk.Action
	// Ref is an optional reference chosen by the program that queued the request (for
	// example the ID of the webhook it came from), to match the delivery with its origin
	// in logs. It is stored, never sent, and must not be a secret.
	Ref string
	// Transport, if set, says how to reach the sink, for a program whose later delivery
	// has no configuration to look it up in (the Checkmk notifier's flush). A [Sender]
	// passes it to its [Clients]. Nil means the Sender's own clients as they are.
	Transport *Transport
	// Wire, if set, is the request as the sink's client sends it, prepared once
	// ([Sender.Prepare]); the sink's part above is then not needed, and a Sender sends the
	// prepared call as it is.
	Wire *Wire
}

// Transport is how a request reaches its sink. The zero value means iLert's default API,
// the proxy of the environment and verified TLS.
type Transport struct {
	// ILertURL is the iLert API base URL ("" for ilert.DefaultBaseURL); iLert sinks only.
	ILertURL string `json:"ilertURL,omitempty"`
	// Proxy is "" for the proxy the environment names (HTTPS_PROXY, NO_PROXY), [NoProxy]
	// to connect directly, or a proxy URL, which may carry credentials (a secret).
	Proxy string `json:"proxy,omitempty"`
	// IgnoreSSL turns off the verification of the sink's TLS certificate.
	IgnoreSSL bool `json:"ignoreSSL,omitempty"`
}

// NoProxy is the [Transport.Proxy] value for a direct connection, as Checkmk's rules
// spell it.
const NoProxy = "NO_PROXY"

// Validate reports whether t's URLs parse: ILertURL as an absolute http or https URL,
// Proxy as "", [NoProxy] or an absolute URL with a host. The error never repeats a value.
func (t Transport) Validate() error {
	if t.ILertURL != "" {
		if _, err := httpx.ParseHTTPURL(t.ILertURL); err != nil {
			return fmt.Errorf("%w: the iLert URL is not an absolute http or https URL", ErrInvalidRequest)
		}
	}
	if _, err := t.ProxyURL(); err != nil {
		return err
	}
	return nil
}

// ProxyURL returns the proxy URL of an explicit proxy, and nil for "" (the environment's
// proxy) and [NoProxy].
func (t Transport) ProxyURL() (*url.URL, error) {
	if t.Proxy == "" || t.Proxy == NoProxy {
		return nil, nil
	}
	u, err := url.Parse(t.Proxy)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("%w: the proxy is not %s or an absolute URL", ErrInvalidRequest, NoProxy)
	}
	return u, nil
}

// CheckmkNotification is a request for iLert's Checkmk endpoint.
type CheckmkNotification struct {
	IntegrationKey string            `json:"integrationKey"`
	Context        map[string]string `json:"context"`
}

// NagiosNotification is a request for iLert's legacy 1.x Nagios endpoint: the variables
// as iLert's 1.x plug-in sends them (NOTIFY_HOSTNAME, ...).
type NagiosNotification struct {
	IntegrationKey string            `json:"integrationKey"`
	Variables      map[string]string `json:"variables"`
}

// ILert returns a request that sends e to iLert's Events API.
func ILert(e ilert.Event) Request { return Request{Sink: SinkILert, ILert: &e} }

// ILertCheckmk returns a request that sends a Checkmk notification context to iLert's
// Checkmk endpoint with the integration key.
func ILertCheckmk(integrationKey string, notifyContext map[string]string) Request {
	return Request{Sink: SinkILertCheckmk, Checkmk: &CheckmkNotification{IntegrationKey: integrationKey, Context: notifyContext}}
}

// ILertNagios returns a request that sends the variables of a notification to iLert's
// legacy 1.x Nagios endpoint with the integration key.
func ILertNagios(integrationKey string, vars map[string]string) Request {
	return Request{Sink: SinkILertNagios, Nagios: &NagiosNotification{IntegrationKey: integrationKey, Variables: vars}}
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

// WithTransport returns a copy of r that reaches its sink as t says.
func (r Request) WithTransport(t Transport) Request {
	r.Transport = &t
	return r
}

// Secrets returns what of r must never be shown: the integration key or the webhook URL
// and its key segment, and the proxy URL with its credentials. Give them to a redactor
// before showing text that may quote them (a transport error, a URL).
func (r Request) Secrets() []string {
	var s []string
	if w := r.Wire; w != nil {
		switch {
		case w.ILert != nil:
			s = append(s, w.ILert.Key)
		case w.AlertOps != nil:
			s = append(s, alertOpsSecrets(w.AlertOps.WebhookURL)...)
		}
	}
	switch {
	case r.ILert != nil:
		s = append(s, r.ILert.IntegrationKey)
	case r.Checkmk != nil:
		s = append(s, r.Checkmk.IntegrationKey)
	case r.Nagios != nil:
		s = append(s, r.Nagios.IntegrationKey)
	}
	if r.AlertOpsURL != "" {
		s = append(s, alertOpsSecrets(r.AlertOpsURL)...)
	}
	if r.Transport != nil {
		if u, err := r.Transport.ProxyURL(); err == nil && u != nil && u.User != nil {
			s = append(s, r.Transport.Proxy, u.User.String())
			if pw, ok := u.User.Password(); ok {
				s = append(s, pw)
			}
		}
	}
	return slices.DeleteFunc(s, func(v string) bool { return v == "" })
}

// alertOpsSecrets are the webhook URL and its key segment alone, so that the key is
// redacted wherever it shows up: the one after POSTAlert (or POSTAlertv2/generic).
func alertOpsSecrets(webhookURL string) []string {
	s := []string{webhookURL}
	if u, err := url.Parse(webhookURL); err == nil {
		segs := strings.Split(strings.Trim(u.Path, "/"), "/")
		for i, seg := range segs {
			if i > 0 && len(seg) >= 6 && strings.HasPrefix(strings.ToLower(segs[i-1]), "postalert") {
				s = append(s, seg)
			}
		}
	}
	return s
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
	Version       int                  `json:"v"`
	Sink          Sink                 `json:"sink"`
	ILert         *ilert.Event         `json:"ilert,omitempty"`
	Checkmk       *CheckmkNotification `json:"checkmk,omitempty"`
	Nagios        *NagiosNotification  `json:"nagios,omitempty"`
	AlertOpsURL   string               `json:"alertopsURL,omitempty"`
	AlertOps      *alertops.Alert      `json:"alertops,omitempty"`
	CheckmkAction *checkmk.Action      `json:"checkmkAction,omitempty"`
	Ref           string               `json:"ref,omitempty"`
	Transport     *Transport           `json:"transport,omitempty"`
}

// Validate reports whether r names a known sink and carries what that sink needs, and
// whether its transport settings parse. It checks presence only; the sinks' clients
// validate the content when sending.
func (r Request) Validate() error {
	if r.Transport != nil {
		if err := r.Transport.Validate(); err != nil {
			return err
		}
	}
	if r.Wire != nil {
		if !r.Sink.Valid() {
			return fmt.Errorf("%w: unknown sink %q", ErrInvalidRequest, truncate(string(r.Sink)))
		}
		return r.Wire.validate(r.Sink)
	}
	switch r.Sink {
	case SinkILert:
		if r.ILert == nil {
			return fmt.Errorf("%w: no iLert event", ErrInvalidRequest)
		}
	case SinkILertCheckmk:
		if r.Checkmk == nil {
			return fmt.Errorf("%w: no Checkmk notification", ErrInvalidRequest)
		}
	case SinkILertNagios:
		if r.Nagios == nil {
			return fmt.Errorf("%w: no Nagios notification", ErrInvalidRequest)
		}
	case SinkAlertOps:
		if r.AlertOps == nil || r.AlertOpsURL == "" {
			return fmt.Errorf("%w: no AlertOps alert or webhook URL", ErrInvalidRequest)
		}
	case SinkCheckmk:
		return r.validateCheckmk()
	case "":
		return fmt.Errorf("%w: it names no sink", ErrInvalidRequest)
	default:
		return fmt.Errorf("%w: unknown sink %q", ErrInvalidRequest, truncate(string(r.Sink)))
	}
	return nil
}

// Encode returns the request for a queue's payload: a prepared request ([Wire]) in
// format version 3 (see [Sender.Prepare]); any other as one JSON object, {"v":1,"sink":…}
// and the sink's part: version 2 when it uses the nagios or checkmk sink or transport
// settings, version 1 otherwise.
func (r Request) Encode() ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if r.Wire != nil {
		return r.encodeWire(), nil
	}
	w := wire{Version: formatV1, Sink: r.Sink, Ref: r.Ref, Transport: r.Transport}
	if r.Sink == SinkILertNagios || r.Sink == SinkCheckmk || r.Transport != nil {
		w.Version = formatV2
	}
	switch r.Sink {
	case SinkILert:
		w.ILert = r.ILert
	case SinkILertCheckmk:
		w.Checkmk = r.Checkmk
	case SinkILertNagios:
		w.Nagios = r.Nagios
	case SinkAlertOps:
		w.AlertOpsURL, w.AlertOps = r.AlertOpsURL, r.AlertOps
	case SinkCheckmk:
		w.CheckmkAction = r.CheckmkAction
	}
	b, err := json.Marshal(w)
	if err != nil {
		// Only a CustomDetails value that JSON cannot encode gets here; the message of
		// encoding/json names the type, never a value.
		return nil, fmt.Errorf("delivery: encode %s request: %w", r.Sink, err)
	}
	return b, nil
}

// Decode reads a payload written by [Request.Encode], of any version (1 to 3). Every
// problem is an error wrapping [ErrInvalidRequest] whose text contains nothing from the
// payload but the sink name.
func Decode(payload []byte) (Request, error) {
	if bytes.HasPrefix(payload, []byte(wireMagic)) {
		return decodeWire(payload)
	}
	var w wire
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&w); err != nil {
		return Request{}, fmt.Errorf("%w: does not decode as JSON (%s)", ErrInvalidRequest, jsonProblem(err))
	}
	if dec.More() {
		return Request{}, fmt.Errorf("%w: data after the request", ErrInvalidRequest)
	}
	switch {
	case w.Version == formatV3:
		return Request{}, fmt.Errorf("%w: version 3 is not written as JSON", ErrInvalidRequest)
	case w.Version < formatV1 || w.Version > formatVersion:
		return Request{}, fmt.Errorf("%w: unsupported version %d (this program reads versions %d to %d)",
			ErrInvalidRequest, w.Version, formatV1, formatV3)
	}
	r := Request{Sink: w.Sink, Ref: w.Ref, Transport: w.Transport}
	switch w.Sink {
	case SinkILert:
		r.ILert = w.ILert
	case SinkILertCheckmk:
		r.Checkmk = w.Checkmk
	case SinkILertNagios:
		r.Nagios = w.Nagios
	case SinkAlertOps:
		r.AlertOpsURL, r.AlertOps = w.AlertOpsURL, w.AlertOps
	case SinkCheckmk:
		r.CheckmkAction = w.CheckmkAction
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
