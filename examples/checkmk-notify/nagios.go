package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/httpx"
	"github.com/alertbridge/alertbridge/internal/redact"
)

// iLert's 1.x Nagios/Checkmk plug-in (ilert_nagios.py) posts XML to this endpoint, for alert
// sources of type "Nagios / Icinga". nagiosPluginVersion is the version it reports.
const (
	nagiosPath          = "/api/v1/events/nagios"
	nagiosPluginVersion = "1.7"
)

// nagiosEntries is the payload the 1.x plug-in sends: PLUGIN_VERSION and every NOTIFY_*
// variable with its prefix, here without the rule's secrets. The API key goes into the XML
// when it is sent, not into the queue's body.
func nagiosEntries(n *checkmk.Notification) map[string]string {
	ctx := n.ContextWithoutSecrets()
	out := make(map[string]string, len(ctx)+1)
	for k, v := range ctx {
		if strings.HasPrefix(k, "PARAMETER") {
			continue // the script's own configuration, not the notification
		}
		out["NOTIFY_"+k] = v
	}
	out["PLUGIN_VERSION"] = nagiosPluginVersion
	return out
}

// nagiosXML renders the 1.x plug-in's body: an XML declaration, then
// <event><apiKey>…</apiKey><payload><entry key="…">…</entry>…</payload></event>, entries
// sorted by name. Unlike the 1.x plug-in it escapes the key and the names as well.
func nagiosXML(key string, entries map[string]string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`)
	b.WriteString("<event><apiKey>")
	xml.EscapeText(&b, []byte(key))
	b.WriteString("</apiKey><payload>")
	for _, k := range slices.Sorted(maps.Keys(entries)) {
		b.WriteString(`<entry key="`)
		xml.EscapeText(&b, []byte(k))
		b.WriteString(`">`)
		xml.EscapeText(&b, []byte(entries[k]))
		b.WriteString("</entry>")
	}
	b.WriteString("</payload></event>")
	return b.Bytes()
}

func (s *sender) nagiosCaller(t target) (*httpx.Caller, error) {
	id := fmt.Sprintf("nagios\x00%s\x00%t", t.proxy, t.ignoreSSL)
	if c, ok := s.clients[id].(*httpx.Caller); ok {
		return c, nil
	}
	pf, err := proxyFunc(t.proxy)
	if err != nil {
		return nil, err
	}
	topts := httpx.TransportOptions{Proxy: pf}
	if t.ignoreSSL {
		topts.TLSConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the rule asked for it
	}
	c := &httpx.Caller{
		Doer: httpx.NewClient(httpx.NewTransport(topts), s.timeout),
		Policy: httpx.Policy{MaxAttempts: s.retry.MaxAttempts, BaseDelay: s.retry.BaseDelay,
			RateLimitDelay: ilert.DefaultRateLimitDelay, NoRetryOnRateLimit: s.retry.NoRetryOnRateLimit,
			AttemptTimeout: s.timeout},
	}
	s.clients[id] = c
	return c, nil
}

// sendNagios posts a queued 1.x-style request and classifies the answer as the iLert client
// would.
func (s *sender) sendNagios(ctx context.Context, r request, red *redact.Redactor) result {
	var entries map[string]string
	if err := json.Unmarshal(r.Body, &entries); err != nil {
		return result{outcome: rejected, reason: "queued body is not a Checkmk context"}
	}
	c, err := s.nagiosCaller(r.target())
	if err != nil {
		return result{outcome: rejected, reason: err.Error()}
	}
	body := nagiosXML(r.Key, entries)
	u := strings.TrimRight(r.BaseURL, "/") + nagiosPath
	caller := *c
	caller.Redactor = red
	resp, err := caller.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/xml")
		req.Header.Set("Accept", "application/xml")
		req.Header.Set("User-Agent", userAgent)
		return req, nil
	}, nil)
	if err != nil {
		res := result{outcome: failed, reason: transportReason(err, red)}
		if httpx.ClassifyError(err) == httpx.ClassPermanent {
			res.outcome = rejected
		}
		return res
	}
	res := result{status: resp.StatusCode, reason: statusText(resp.StatusCode)}
	switch resp.Class {
	case httpx.ClassSuccess, httpx.ClassBenign:
		res.outcome, res.reason = sent, fmt.Sprint(resp.StatusCode)
	case httpx.ClassPermanent:
		res.outcome = rejected
		if resp.StatusCode == 401 || resp.StatusCode == 403 || resp.StatusCode == 404 {
			res.reason += ": invalid API key or not a Nagios alert source?"
		}
	default:
		res.outcome = failed
		res.rateLimited = resp.StatusCode == http.StatusTooManyRequests
	}
	return res
}
