package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/httpx"
	"github.com/alertbridge/alertbridge/internal/redact"
)

// attempt is what one send of a request (all of its retries) came to, as the result lines
// show it.
type attempt struct {
	state       delivery.State // sent, nothing to do, queued (a temporary failure) or rejected
	reason      string         // short, without secrets; the status code when sent
	err         error          // the sink's error, nil when sent
	rateLimited bool
}

// queueError is what the deliver function returns to the queue: the sink's error, which
// the queue acts on, with the attempt's reason as its text; a rejected request's reason
// also names the notification.
func (a attempt) queueError(lbl string) error {
	if a.state == delivery.StateRejected {
		return delivery.WithReason(a.err, fmt.Sprintf("%s (%s)", a.reason, lbl))
	}
	return delivery.WithReason(a.err, a.reason)
}

// Retry policies: with the queue, one quick retry (the queue retries later); without it,
// the client's default of three attempts, all inside the run's time budget. Never wait
// out a 429: iLert counts per minute, so stop sending to that key for this run.
var (
	queuedRetry = ilert.RetryPolicy{MaxAttempts: 2, BaseDelay: 500 * time.Millisecond, NoRetryOnRateLimit: true}
	directRetry = ilert.RetryPolicy{MaxAttempts: 3, NoRetryOnRateLimit: true}
)

// newSender returns the run's sender: it builds one client per transport setting (a
// queued request carries its own) and keeps it for the run.
func newSender(timeout time.Duration, retry ilert.RetryPolicy) *delivery.Sender {
	return &delivery.Sender{Clients: &clientCache{timeout: timeout, retry: retry,
		ilert: map[delivery.Transport]*ilert.Client{}, alertops: map[delivery.Transport]*alertops.Client{}}}
}

const userAgent = "alertbridge-checkmk-notify (+https://github.com/alertbridge/alertbridge)"

// clientCache is the delivery.Clients of a run. A run is one goroutine: it needs no lock.
type clientCache struct {
	timeout  time.Duration
	retry    ilert.RetryPolicy
	ilert    map[delivery.Transport]*ilert.Client
	alertops map[delivery.Transport]*alertops.Client
}

// transportOptions are the proxy and TLS settings of t: "" is the environment's proxy
// (which a program, unlike the SDK's packages, may read), delivery.NoProxy none.
func transportOptions(t delivery.Transport) (proxy func(*http.Request) (*url.URL, error), tlsConfig *tls.Config, err error) {
	u, err := t.ProxyURL()
	switch {
	case err != nil:
		return nil, nil, err
	case u != nil:
		proxy = http.ProxyURL(u)
	case t.Proxy == "":
		proxy = http.ProxyFromEnvironment
	}
	if t.IgnoreSSL {
		tlsConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the rule asked for it
	}
	return proxy, tlsConfig, nil
}

// ILert returns the iLert client for t (nil: iLert's API, the environment's proxy).
func (c *clientCache) ILert(t *delivery.Transport) (*ilert.Client, error) {
	key := delivery.Transport{ILertURL: ilert.DefaultBaseURL}
	if t != nil {
		key = *t
	}
	if cl, ok := c.ilert[key]; ok {
		return cl, nil
	}
	proxy, tlsConfig, err := transportOptions(key)
	if err != nil {
		return nil, err
	}
	opts := []ilert.Option{ilert.WithBaseURL(cmp.Or(key.ILertURL, ilert.DefaultBaseURL)), ilert.WithRequestTimeout(c.timeout),
		ilert.WithRetry(c.retry), ilert.WithUserAgent(userAgent)}
	if proxy != nil {
		opts = append(opts, ilert.WithProxy(proxy))
	}
	if tlsConfig != nil {
		opts = append(opts, ilert.WithTLSConfig(tlsConfig))
	}
	cl, err := ilert.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	c.ilert[key] = cl
	return cl, nil
}

// AlertOps returns the AlertOps client for t (nil: the environment's proxy).
func (c *clientCache) AlertOps(t *delivery.Transport) (*alertops.Client, error) {
	var key delivery.Transport
	if t != nil {
		key = delivery.Transport{Proxy: t.Proxy, IgnoreSSL: t.IgnoreSSL}
	}
	if cl, ok := c.alertops[key]; ok {
		return cl, nil
	}
	proxy, tlsConfig, err := transportOptions(key)
	if err != nil {
		return nil, err
	}
	opts := []alertops.Option{alertops.WithRequestTimeout(c.timeout), alertops.WithUserAgent(userAgent),
		alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: c.retry.MaxAttempts, BaseDelay: c.retry.BaseDelay,
			NoRetryOnRateLimit: c.retry.NoRetryOnRateLimit})}
	if proxy != nil {
		opts = append(opts, alertops.WithProxy(proxy))
	}
	if tlsConfig != nil {
		opts = append(opts, alertops.WithTLSConfig(tlsConfig))
	}
	cl, err := alertops.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	c.alertops[key] = cl
	return cl, nil
}

// send delivers one request and describes what happened.
func send(ctx context.Context, s *delivery.Sender, r delivery.Request) attempt {
	status, err := s.Send(ctx, r)
	a := attempt{state: delivery.StateOf(err), err: err, rateLimited: httpx.IsRateLimited(err)}
	if err == nil {
		a.reason = fmt.Sprint(status)
		return a
	}
	a.reason = reason(err, r, a.state)
	return a
}

// answerOf returns what the sink answered, as far as the error tells: the status (0 for
// none), iLert's error code and correlation id.
func answerOf(err error) (status int, code, correlationID string) {
	if ie, ok := errors.AsType[*ilert.APIError](err); ok {
		return ie.StatusCode, ie.Code, ie.CorrelationID
	}
	if ae, ok := errors.AsType[*alertops.APIError](err); ok {
		return ae.StatusCode, "", ""
	}
	return 0, "", ""
}

// reason is a short text that names the cause of a failure and, where it helps, the
// likely fix.
func reason(err error, r delivery.Request, s delivery.State) string {
	status, code, correlationID := answerOf(err)
	if status == 0 {
		return transportReason(err, redact.New(r.Secrets()...))
	}
	text := statusText(status)
	if r.Sink == delivery.SinkAlertOps {
		switch status {
		case 401, 403:
			text += ": invalid webhook URL or disabled integration?"
		case 404:
			text += ": unknown webhook URL?"
		}
		return text
	}
	if code != "" {
		text += ": " + code
	}
	switch {
	case s == delivery.StateNothingToDo:
		text += ": no open alert, nothing to do"
	case r.Sink == delivery.SinkILertNagios && (status == 401 || status == 403 || status == 404):
		text += ": invalid API key or not a Nagios alert source?"
	case status == 401 || status == 403:
		text += ": invalid API key?"
	case status == 404:
		text += ": unknown API key or wrong alert source type?"
	case status == 429:
		text += ": rate limit of the integration key"
	}
	if correlationID != "" && s == delivery.StateRejected {
		text += ", correlation-id " + correlationID
	}
	return text
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprint(code)
}

// transportReason names a failure without an answer.
func transportReason(err error, red *redact.Redactor) string {
	var (
		ne  net.Error
		uae x509.UnknownAuthorityError
		hne x509.HostnameError
		cie x509.CertificateInvalidError
		dns *net.DNSError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer within the time limit"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &cie) && cie.Reason == x509.Expired:
		return "TLS certificate expired or not yet valid (retried: the destination may renew it; check this machine's clock)"
	case errors.As(err, &uae), errors.As(err, &hne), errors.As(err, &cie):
		return "TLS certificate not accepted (ignore_ssl=yes turns verification off)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection reset"
	case errors.As(err, &dns):
		return "DNS lookup failed for " + dns.Name
	case errors.As(err, &ne) && ne.Timeout():
		return "no answer within the time limit"
	}
	msg := red.String(err.Error())
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return strings.ReplaceAll(msg, "\n", " ")
}
