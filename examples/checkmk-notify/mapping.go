package main

import (
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/ilert"
)

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

// ilertEvent maps a notification to an Events API event (without its key, which the
// request carries). ok is false for types iLert does not take.
func ilertEvent(n *checkmk.Notification, t target) (ilert.Event, bool) {
	return checkmk.ToILert(n, checkmk.ILertOptions{Priority: t.priority, URLPrefix: t.urlPrefix})
}

// alertOpsAlert maps a notification to an AlertOps alert; AlertOps takes every type.
func alertOpsAlert(n *checkmk.Notification, t target, now func() time.Time) alertops.Alert {
	return checkmk.ToAlertOps(n, checkmk.AlertOpsOptions{Now: now(), URLPrefix: t.urlPrefix})
}
