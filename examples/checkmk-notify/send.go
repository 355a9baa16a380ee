package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
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

// result is the outcome of one delivery attempt (all of its retries).
type result struct {
	outcome     outcome // sent, benign, rejected or failed
	status      int     // HTTP status, 0 without an answer
	reason      string  // short, without secrets
	rateLimited bool
}

// spoolOutcome tells the queue what to do with the request.
func (r result) spoolOutcome(lbl string) spool.Outcome {
	switch r.outcome {
	case sent, benign:
		return spool.Delivered()
	case rejected:
		return spool.Permanent(fmt.Errorf("%s (%s)", r.reason, lbl))
	}
	if r.rateLimited {
		return spool.RateLimited(errors.New(r.reason), 0)
	}
	return spool.Temporary(errors.New(r.reason))
}

// sender delivers requests. It keeps one client per endpoint setting for the run.
type sender struct {
	timeout time.Duration
	retry   ilert.RetryPolicy
	clients map[string]any
}

// Retry policies: with the queue, one quick retry (the queue retries later); without it,
// the client's default of three attempts, all inside the run's time budget. Never wait
// out a 429: iLert counts per minute, so stop sending to that key for this run.
var (
	queuedRetry = ilert.RetryPolicy{MaxAttempts: 2, BaseDelay: 500 * time.Millisecond, NoRetryOnRateLimit: true}
	directRetry = ilert.RetryPolicy{MaxAttempts: 3, NoRetryOnRateLimit: true}
)

func newSender(timeout time.Duration, retry ilert.RetryPolicy) *sender {
	return &sender{timeout: timeout, retry: retry, clients: map[string]any{}}
}

const userAgent = "alertbridge-checkmk-notify (+https://github.com/alertbridge/alertbridge)"

func proxyFunc(setting string) (func(*http.Request) (*url.URL, error), error) {
	switch setting {
	case "":
		return http.ProxyFromEnvironment, nil
	case "NO_PROXY":
		return nil, nil
	}
	u, err := url.Parse(setting)
	if err != nil || u.Host == "" {
		return nil, errors.New("proxy URL does not parse")
	}
	return http.ProxyURL(u), nil
}

func (s *sender) ilertClient(t target) (*ilert.Client, error) {
	id := fmt.Sprintf("ilert\x00%s\x00%s\x00%t", t.baseURL, t.proxy, t.ignoreSSL)
	if c, ok := s.clients[id].(*ilert.Client); ok {
		return c, nil
	}
	opts := []ilert.Option{ilert.WithBaseURL(t.baseURL), ilert.WithRequestTimeout(s.timeout),
		ilert.WithRetry(s.retry), ilert.WithUserAgent(userAgent)}
	pf, err := proxyFunc(t.proxy)
	if err != nil {
		return nil, err
	}
	if pf != nil {
		opts = append(opts, ilert.WithProxy(pf))
	}
	if t.ignoreSSL {
		opts = append(opts, ilert.WithTLSConfig(&tls.Config{InsecureSkipVerify: true})) //nolint:gosec // the rule asked for it
	}
	c, err := ilert.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	s.clients[id] = c
	return c, nil
}

func (s *sender) alertOpsClient(t target) (*alertops.Client, error) {
	id := fmt.Sprintf("alertops\x00%s\x00%t", t.proxy, t.ignoreSSL)
	if c, ok := s.clients[id].(*alertops.Client); ok {
		return c, nil
	}
	opts := []alertops.Option{alertops.WithRequestTimeout(s.timeout), alertops.WithUserAgent(userAgent),
		alertops.WithRetry(alertops.RetryPolicy{MaxAttempts: s.retry.MaxAttempts, BaseDelay: s.retry.BaseDelay,
			NoRetryOnRateLimit: s.retry.NoRetryOnRateLimit})}
	pf, err := proxyFunc(t.proxy)
	if err != nil {
		return nil, err
	}
	if pf != nil {
		opts = append(opts, alertops.WithProxy(pf))
	}
	if t.ignoreSSL {
		opts = append(opts, alertops.WithTLSConfig(&tls.Config{InsecureSkipVerify: true})) //nolint:gosec // the rule asked for it
	}
	c, err := alertops.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	s.clients[id] = c
	return c, nil
}

// send delivers one request and classifies what happened.
func (s *sender) send(ctx context.Context, r request) result {
	red := redact.New(r.target().secrets()...)
	var (
		status int
		err    error
	)
	switch r.Kind {
	case kindILertCheckmk:
		var c *ilert.Client
		if c, err = s.ilertClient(r.target()); err == nil {
			var body map[string]string
			if err = json.Unmarshal(r.Body, &body); err != nil {
				return result{outcome: rejected, reason: "queued body is not a Checkmk context"}
			}
			var res *ilert.Response
			if res, err = c.SendCheckmk(ctx, r.Key, body); err == nil {
				status = res.StatusCode
			}
		}
	case kindILertEvents:
		var c *ilert.Client
		if c, err = s.ilertClient(r.target()); err == nil {
			var ev ilert.Event
			if err = json.Unmarshal(r.Body, &ev); err != nil {
				return result{outcome: rejected, reason: "queued body is not an iLert event"}
			}
			ev.IntegrationKey = r.Key
			var res *ilert.Response
			if res, err = c.Send(ctx, ev); err == nil {
				status = res.StatusCode
			}
		}
	case kindILertNagios:
		return s.sendNagios(ctx, r, red)
	case kindAlertOps:
		var c *alertops.Client
		if c, err = s.alertOpsClient(r.target()); err == nil {
			var a alertops.Alert
			if err = json.Unmarshal(r.Body, &a); err != nil {
				return result{outcome: rejected, reason: "queued body is not an AlertOps alert"}
			}
			var res *alertops.Response
			if res, err = c.Send(ctx, r.WebhookURL, a); err == nil {
				status = res.StatusCode
			}
		}
	default:
		return result{outcome: rejected, reason: fmt.Sprintf("unknown request kind %q", r.Kind)}
	}
	if err == nil {
		return result{outcome: sent, status: status, reason: fmt.Sprint(status)}
	}
	return classify(err, r.Kind == kindAlertOps, red)
}

// classify turns a send error into a result with a short reason that names the cause and,
// where it helps, the likely fix.
func classify(err error, isAlertOps bool, red *redact.Redactor) result {
	res := result{outcome: failed}
	switch {
	case isAlertOps:
		if alertops.IsPermanent(err) {
			res.outcome = rejected
		}
		res.rateLimited = alertops.IsRateLimited(err)
	case ilert.IsBenign(err):
		res.outcome = benign
	case ilert.IsPermanent(err):
		res.outcome = rejected
	default:
		res.rateLimited = ilert.IsRateLimited(err)
	}

	var ie *ilert.APIError
	var ae *alertops.APIError
	switch {
	case errors.As(err, &ie):
		res.status = ie.StatusCode
		res.reason = statusText(ie.StatusCode)
		if ie.Code != "" {
			res.reason += ": " + ie.Code
		}
		switch {
		case res.outcome == benign:
			res.reason += ": no open alert, nothing to do"
		case ie.StatusCode == 401 || ie.StatusCode == 403:
			res.reason += ": invalid API key?"
		case ie.StatusCode == 404:
			res.reason += ": unknown API key or wrong alert source type?"
		case ie.StatusCode == 429:
			res.reason += ": rate limit of the integration key"
		}
		if ie.CorrelationID != "" && res.outcome == rejected {
			res.reason += ", correlation-id " + ie.CorrelationID
		}
	case errors.As(err, &ae):
		res.status = ae.StatusCode
		res.reason = statusText(ae.StatusCode)
		switch ae.StatusCode {
		case 401, 403:
			res.reason += ": invalid webhook URL or disabled integration?"
		case 404:
			res.reason += ": unknown webhook URL?"
		}
	default:
		res.reason = transportReason(err, red)
	}
	return res
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
