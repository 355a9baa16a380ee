package ilert

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// The Events API's path below the base URL.
const eventsPath = "/api/events"

// Prepared is an event call made ready to send: normalized, validated, scrubbed and
// encoded once, as [Client.Send], [Client.SendCheckmk] and [Client.SendNagios] would send
// it. Its fields are plain data, so a program can store it (a queue) and send it later,
// with [Client.SendPrepared] of any Client, without encoding anything again. Build it with
// [Client.PrepareEvent], [Client.PrepareCheckmk] or [Client.PrepareNagios].
//
// It holds the integration key (Key, and in Path or Body): a secret that its String method
// and every error leave out.
type Prepared struct {
	// Op names the call in errors: "send event", "send checkmk event", "send nagios event".
	Op string
	// Method is the HTTP method (POST).
	Method string
	// Path is the request's path below the client's base URL, escaped, for example
	// /api/events or /api/v1/events/checkmk-ext/<key>.
	Path string
	// Header holds the call's own headers (Content-Type, Accept, Agent); the client adds
	// User-Agent.
	Header http.Header
	// Body is the encoded body, sent as it is.
	Body []byte
	// Key is the integration key, which is redacted from every error.
	Key string
	// NoneOpenIsBenign makes a 400 NONE_OPEN_FOR_KEY or NO_OPEN_ALERT_WITH_KEY answer
	// benign ([IsBenign]): set for ACCEPT and RESOLVE events and for Checkmk notifications.
	NoneOpenIsBenign bool
}

// String names the call and its path's endpoint, never the key.
func (p Prepared) String() string {
	return "ilert.Prepared{" + p.Op + "}"
}

// Format implements fmt.Formatter so that no verb prints the key.
func (p Prepared) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// Validate reports whether p can be sent: an Op, the method POST, a path below /api/ that
// parses, a key. It checks the shape only (a Prepared read back from storage); the body is
// sent as it is. The error wraps [ErrInvalidEvent] and is permanent; it never shows the key.
func (p Prepared) Validate() error {
	bad := func(why string) error {
		return fmt.Errorf("ilert: prepared call: %w", httpx.Permanent(fmt.Errorf("%w: %s", ErrInvalidEvent, why)))
	}
	switch {
	case p.Op == "":
		return bad("no operation")
	case p.Method != http.MethodPost:
		return bad("method is not POST")
	case !strings.HasPrefix(p.Path, "/api/") || strings.ContainsAny(p.Path, "?#\x00\r\n ") || strings.Contains(p.Path, ".."):
		return bad("path is not one below /api/")
	case blank(p.Key):
		return bad("integration key is empty")
	}
	return nil
}

// PrepareEvent prepares what [Client.Send] sends for e: normalized, validated and encoded.
// The error is that of Send for an event that cannot be sent.
func (c *Client) PrepareEvent(e Event) (Prepared, error) {
	k, err := c.eventCall(e)
	if err != nil {
		return Prepared{}, err
	}
	return k.prepared(), nil
}

// PrepareCheckmk prepares what [Client.SendCheckmk] sends: the context scrubbed and
// encoded, the key in the path.
func (c *Client) PrepareCheckmk(integrationKey string, notifyContext map[string]string) (Prepared, error) {
	k, err := c.variablesCall(c.checkmkCall(integrationKey), integrationKey, notifyContext)
	if err != nil {
		return Prepared{}, err
	}
	return k.prepared(), nil
}

// PrepareNagios prepares what [Client.SendNagios] sends: the variables scrubbed and
// rendered as [NagiosXML].
func (c *Client) PrepareNagios(integrationKey string, vars map[string]string) (Prepared, error) {
	k, err := c.variablesCall(c.nagiosCall(integrationKey), integrationKey, vars)
	if err != nil {
		return Prepared{}, err
	}
	return k.prepared(), nil
}

// SendPrepared sends p to the client's base URL with the client's retries and User-Agent,
// and classifies the answer as the call p was prepared from does (see [Client.Send]). It
// encodes nothing: the body goes out as p holds it. An invalid p (see [Prepared.Validate])
// is not sent. The Response has no Truncations or ScrubbedVariables (preparing made them).
func (c *Client) SendPrepared(ctx context.Context, p Prepared) (*Response, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return c.send(ctx, c.preparedCall(p))
}

// NewPreparedRequest returns the request [Client.SendPrepared] sends first for p, for dry
// runs. The request holds the key: redact it before showing it.
func (c *Client) NewPreparedRequest(ctx context.Context, p Prepared) (*http.Request, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return c.newRequest(ctx, c.preparedCall(p))
}

// prepared turns a call that has a path into a Prepared.
func (k call) prepared() Prepared {
	h := make(http.Header, len(k.header))
	for name, v := range k.header {
		h[name] = slices.Clone(v)
	}
	return Prepared{Op: k.op, Method: k.method, Path: k.path, Header: h, Body: k.body, Key: k.key, NoneOpenIsBenign: k.noneOpen}
}

// preparedCall is the call that sends p from this client.
func (c *Client) preparedCall(p Prepared) call {
	return call{op: p.Op, red: c.redactor.With(p.Key), key: p.Key, method: p.Method, path: p.Path,
		url: c.endpoint(p.Path), body: p.Body, header: maps.Clone(p.Header), noneOpen: p.NoneOpenIsBenign}
}
