package main

import (
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/ilert"
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

// ilertAccepts reports whether iLert acts on a notification type; it ignores all others,
// so they are not sent (as iLert's own plug-ins do).
func ilertAccepts(t checkmk.NotificationType) bool {
	switch t.Kind() {
	case checkmk.TypeProblem, checkmk.TypeAcknowledgement, checkmk.TypeRecovery:
		return true
	}
	return false
}

// buildRequest makes the self-contained request for one notification and target: what to
// send, the key, how to reach the destination, and the label as its reference. ignored is
// set, and no request made, when the target does not take this notification type.
func buildRequest(n *checkmk.Notification, t target, now func() time.Time) (req delivery.Request, ignored bool) {
	switch t.sink {
	case delivery.SinkILertCheckmk:
		if !ilertAccepts(n.Type) {
			return req, true
		}
		req = delivery.ILertCheckmk(t.key, checkmkContext(n, t))
	case delivery.SinkILertNagios:
		if !ilertAccepts(n.Type) {
			return req, true
		}
		req = delivery.ILertNagios(t.key, nagiosVars(n))
	case delivery.SinkILert:
		ev, ok := ilertEvent(n, t)
		if !ok {
			return req, true
		}
		ev.IntegrationKey = t.key
		req = delivery.ILert(ev)
	default:
		req = delivery.AlertOps(t.webhookURL, alertOpsAlert(n, t, now))
	}
	return req.WithRef(label(n)).WithTransport(t.transport()), false
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

// ilertEvent maps a notification to an Events API event (without its key). ok is false
// for types iLert does not take.
func ilertEvent(n *checkmk.Notification, t target) (ilert.Event, bool) {
	return checkmk.ToILert(n, checkmk.ILertOptions{Priority: t.priority, URLPrefix: t.urlPrefix})
}

// alertOpsAlert maps a notification to an AlertOps alert; AlertOps takes every type.
func alertOpsAlert(n *checkmk.Notification, t target, now func() time.Time) alertops.Alert {
	return checkmk.ToAlertOps(n, checkmk.AlertOpsOptions{Now: now(), URLPrefix: t.urlPrefix})
}
