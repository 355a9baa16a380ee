package alertops

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// Prepared is an alert made ready to send to a webhook: the URL checked, the alert
// validated and encoded once, as [Client.Send] would send it (POST, Content-Type
// application/json). Its fields are plain data, so a program can store it (a queue) and
// send it later with [Client.SendPrepared] of any Client, without encoding anything again.
// Build it with [Client.PrepareAlert].
//
// WebhookURL carries the account key: a secret that String and every error leave out.
type Prepared struct {
	// WebhookURL is the inbound integration's URL (with the key).
	WebhookURL string
	// Body is the encoded alert, sent as it is.
	Body []byte
	// Timestamp is the alert's Timestamp as encoded (the Response's Timestamp).
	Timestamp time.Time
}

// String shows the webhook URL as [RedactWebhookURL] does.
func (p Prepared) String() string {
	return "alertops.Prepared{" + RedactWebhookURL(p.WebhookURL) + "}"
}

// Format implements fmt.Formatter so that no verb prints the key.
func (p Prepared) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// Validate reports whether p can be sent: a webhook URL [ValidateWebhookURL] accepts and a
// body. The error wraps [ErrInvalidWebhookURL] or [ErrInvalidAlert], is permanent, and
// never contains the URL.
func (p Prepared) Validate() error {
	if _, err := parseWebhook(p.WebhookURL); err != nil {
		return httpx.Permanent(err)
	}
	if len(p.Body) == 0 {
		return httpx.Permanent(fmt.Errorf("%w: the prepared body is empty", ErrInvalidAlert))
	}
	return nil
}

// PrepareAlert prepares what [Client.Send] sends for the alert: the URL checked, a zero
// Timestamp filled in, the alert validated and encoded. The error is that of Send for an
// alert that cannot be sent.
func (c *Client) PrepareAlert(webhookURL string, a Alert) (Prepared, error) {
	_, a, body, err := c.prepare(webhookURL, a)
	if err != nil {
		return Prepared{}, err
	}
	return Prepared{WebhookURL: webhookURL, Body: body, Timestamp: a.Timestamp}, nil
}

// SendPrepared posts p's body to its webhook URL with the client's retries and
// User-Agent, and classifies the answer as [Client.Send] does. It encodes nothing. An
// invalid p (see [Prepared.Validate]) is not sent.
func (c *Client) SendPrepared(ctx context.Context, p Prepared) (*Response, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	hook, _ := parseWebhook(p.WebhookURL)
	res, err := c.post(ctx, hook, p.Body)
	if err != nil {
		return nil, err
	}
	res.Timestamp = p.Timestamp
	return res, nil
}

// NewPreparedRequest returns the request [Client.SendPrepared] sends first for p, for dry
// runs. Its URL holds the key: show it with [RedactWebhookURL].
func (c *Client) NewPreparedRequest(ctx context.Context, p Prepared) (*http.Request, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	hook, _ := parseWebhook(p.WebhookURL)
	return c.newRequest(ctx, hook, p.Body)
}
