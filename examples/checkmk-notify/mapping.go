package main

import (
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
)

// label names a notification in result lines and reasons: its type and object, never a
// parameter. It is the reference (Ref) of the notification's queued requests.
func label(n *checkmk.Notification) string {
	obj := n.Host.Name
	if n.IsService() {
		obj += "/" + n.Service.Description
	}
	return string(n.Type) + " " + obj
}

// buildRequest makes the self-contained request for one notification and target: what to
// send, the key, how to reach the destination, and the label as its reference. The error
// wraps checkmk.ErrSkip when the target does not take this notification type.
func buildRequest(n *checkmk.Notification, t target, now func() time.Time) (delivery.Request, error) {
	var req delivery.Request
	switch t.sink {
	case delivery.SinkILertCheckmk, delivery.SinkILertNagios:
		// iLert ignores every other type; its own plug-ins do not send them either.
		if _, err := checkmk.ILertEventType(n.Type); err != nil {
			return req, err
		}
		if t.sink == delivery.SinkILertCheckmk {
			req = delivery.ILertCheckmk(t.key, checkmkContext(n, t))
		} else {
			req = delivery.ILertNagios(t.key, nagiosVars(n))
		}
	case delivery.SinkILert:
		ev, err := checkmk.ToILert(n, checkmk.ILertOptions{Priority: t.priority, URLPrefix: t.urlPrefix})
		if err != nil {
			return req, err
		}
		ev.IntegrationKey = t.key
		req = delivery.ILert(ev)
	default:
		a, err := checkmk.ToAlertOps(n, checkmk.AlertOpsOptions{Now: now(), URLPrefix: t.urlPrefix})
		if err != nil {
			return req, err
		}
		req = delivery.AlertOps(t.webhookURL, a)
	}
	return req.WithRef(label(n)).WithTransport(t.transport()), nil
}

// checkmkContext is the body for iLert's checkmk-ext endpoint: the context as Checkmk's
// built-in method sends it, without secrets. A priority given as a script parameter is
// passed on the way the built-in form passes it.
func checkmkContext(n *checkmk.Notification, t target) map[string]string {
	ctx := n.ContextWithoutSecrets()
	if t.priority != "" {
		if _, ok := ctx["PARAMETER_ILERT_PRIORITY"]; !ok {
			ctx["PARAMETER_ILERT_PRIORITY"] = string(t.priority)
		}
	}
	return ctx
}

// nagiosVars are the variables iLert's 1.x plug-in sends: every NOTIFY_* variable with its
// prefix, here without the script's parameters (its configuration, not the notification)
// and the rule's secrets. ilert.Client.SendNagios adds PLUGIN_VERSION and the key.
func nagiosVars(n *checkmk.Notification) map[string]string {
	ctx := n.ContextWithoutSecrets()
	out := make(map[string]string, len(ctx))
	for k, v := range ctx {
		if strings.HasPrefix(k, "PARAMETER") {
			continue
		}
		out["NOTIFY_"+k] = v
	}
	return out
}
