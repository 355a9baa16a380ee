package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"time"

	"github.com/alertbridge/alertbridge/checkmk"
)

// requestVersion is the version of the queued request format.
const requestVersion = 1

// request is one queued request: everything a later flush, which has no notification
// context, needs to deliver it. It is stored in the queue's files (mode 0600) and holds
// the destination's secret; it is never printed.
type request struct {
	V          int             `json:"v"`
	Kind       kind            `json:"kind"`
	BaseURL    string          `json:"baseURL,omitempty"`    // iLert
	Key        string          `json:"key,omitempty"`        // iLert integration key
	WebhookURL string          `json:"webhookURL,omitempty"` // AlertOps
	Proxy      string          `json:"proxy,omitempty"`      // "" environment, "NO_PROXY", or a URL
	IgnoreSSL  bool            `json:"ignoreSSL,omitempty"`
	Label      string          `json:"label"` // what it is about, e.g. "PROBLEM web01/Filesystem /var"
	Body       json.RawMessage `json:"body"`
}

// target rebuilds the destination a request goes to.
func (r request) target() target {
	return target{kind: r.Kind, key: r.Key, webhookURL: r.WebhookURL, baseURL: r.BaseURL,
		proxy: r.Proxy, ignoreSSL: r.IgnoreSSL}
}

func decodeRequest(b []byte) (request, error) {
	var r request
	if err := json.Unmarshal(b, &r); err != nil {
		return r, errors.New("queued request is not valid JSON")
	}
	if r.V != requestVersion {
		return r, fmt.Errorf("queued request has unknown format version %d", r.V)
	}
	if b := bytes.TrimSpace(r.Body); len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return r, errors.New("queued request has no body")
	}
	switch r.Kind {
	case kindILertCheckmk, kindILertEvents, kindILertNagios:
		if r.Key == "" || r.BaseURL == "" {
			return r, errors.New("queued iLert request lacks its key or base URL")
		}
	case kindAlertOps:
		if r.WebhookURL == "" {
			return r, errors.New("queued AlertOps request lacks its webhook URL")
		}
	default:
		return r, fmt.Errorf("queued request has unknown kind %q", r.Kind)
	}
	return r, nil
}

// label names a notification in result lines: its type and object, never a parameter.
func label(n *checkmk.Notification) string {
	obj := n.Host.Name
	if n.IsService() {
		obj += "/" + n.Service.Description
	}
	return string(n.Type) + " " + obj
}

// ilertTypes are the notification types iLert acts on; it ignores all others, so they are
// not sent (as iLert's own plug-ins do).
func ilertAccepts(t checkmk.NotificationType) bool {
	switch t.Kind() {
	case checkmk.TypeProblem, checkmk.TypeAcknowledgement, checkmk.TypeRecovery:
		return true
	}
	return false
}

// buildRequest makes the request for one notification and target. ignored is set, and no
// request made, when the target does not take this notification type.
func buildRequest(n *checkmk.Notification, t target, now func() time.Time) (req request, ignored bool, err error) {
	req = request{V: requestVersion, Kind: t.kind, BaseURL: t.baseURL, Key: t.key,
		WebhookURL: t.webhookURL, Proxy: t.proxy, IgnoreSSL: t.ignoreSSL, Label: label(n)}
	var body any
	switch t.kind {
	case kindILertCheckmk:
		if !ilertAccepts(n.Type) {
			return req, true, nil
		}
		body = checkmkContext(n, t)
	case kindILertNagios:
		if !ilertAccepts(n.Type) {
			return req, true, nil
		}
		body = nagiosEntries(n)
	case kindILertEvents:
		ev, ok := ilertEvent(n, t)
		if !ok {
			return req, true, nil
		}
		body = ev
	case kindAlertOps:
		body = alertOpsAlert(n, t, now)
	}
	req.Body, err = json.Marshal(body)
	return req, false, err
}
