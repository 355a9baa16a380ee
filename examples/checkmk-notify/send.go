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
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/redact"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// outcome is what became of one request.
type outcome int

const (
	sent     outcome = iota // delivered
	benign                  // nothing to do (an alert that is no longer open)
	ignored                 // not sent: the destination does not take this type
	queued                  // waits in the queue for a later run or flush
	busy                    // queued; another run holds the destination and delivers it
	rejected                // refused for good; moved to failed/
	failed                  // temporary failure that could not be queued
	dryRun                  // printed, not sent
)

// exitCode is the exit code an outcome calls for.
func (o outcome) exitCode() int {
	switch o {
	case rejected:
		return exitPermanent
	case failed:
		return exitTemporary
	}
	return exitOK
}

// result is the outcome of one delivery attempt (all of its retries), as the result
// lines show it.
type result struct {
	outcome     outcome // sent, benign, rejected or failed
	reason      string  // short, without secrets
	rateLimited bool
	attempt     delivery.Result // the verdict, status and error behind it
}

// spoolOutcome tells the queue what to do with the request; the reason of a rejected one
// names the notification.
func (r result) spoolOutcome(lbl string) spool.Outcome {
	if r.outcome == rejected {
		return r.attempt.OutcomeWithReason(fmt.Sprintf("%s (%s)", r.reason, lbl))
	}
	return r.attempt.OutcomeWithReason(r.reason)
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
func send(ctx context.Context, s *delivery.Sender, r delivery.Request) result {
	a := s.Attempt(ctx, r)
	res := result{attempt: a}
	switch a.Verdict {
	case delivery.VerdictDelivered:
		res.outcome, res.reason = sent, fmt.Sprint(a.StatusCode)
		return res
	case delivery.VerdictBenign:
		res.outcome = benign
	case delivery.VerdictRejected:
		res.outcome = rejected
	default:
		res.outcome, res.rateLimited = failed, a.Verdict == delivery.VerdictRateLimited
	}
	res.reason = reason(a, r, res.outcome)
	return res
}

// reason is a short text that names the cause of a failure and, where it helps, the
// likely fix.
func reason(a delivery.Result, r delivery.Request, o outcome) string {
	if a.StatusCode == 0 {
		return transportReason(a.Err, redact.New(r.Secrets()...))
	}
	text := statusText(a.StatusCode)
	if r.Sink == delivery.SinkAlertOps {
		switch a.StatusCode {
		case 401, 403:
			text += ": invalid webhook URL or disabled integration?"
		case 404:
			text += ": unknown webhook URL?"
		}
		return text
	}
	if a.Code != "" {
		text += ": " + a.Code
	}
	switch {
	case o == benign:
		text += ": no open alert, nothing to do"
	case r.Sink == delivery.SinkILertNagios && (a.StatusCode == 401 || a.StatusCode == 403 || a.StatusCode == 404):
		text += ": invalid API key or not a Nagios alert source?"
	case a.StatusCode == 401 || a.StatusCode == 403:
		text += ": invalid API key?"
	case a.StatusCode == 404:
		text += ": unknown API key or wrong alert source type?"
	case a.StatusCode == 429:
		text += ": rate limit of the integration key"
	}
	if a.CorrelationID != "" && o == rejected {
		text += ", correlation-id " + a.CorrelationID
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
