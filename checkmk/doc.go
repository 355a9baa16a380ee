// Package checkmk reads Checkmk notifications as a notification script receives them and
// turns them into typed Go values.
//
// Checkmk (2.0 to 2.5) runs a notification script once per notification and contact, with
// the notification context in environment variables named NOTIFY_<VAR>. FromEnviron reads
// them from os.Environ-style input (the package never reads the process environment
// itself) and New from a map; both return a *Notification:
//
//	n, err := checkmk.FromEnviron(os.Environ())
//	if err != nil { … } // errors.As(err, new(*checkmk.MissingVariableError))
//	fmt.Println(n.What, n.Type.Kind(), n.Host.Name, n.Service.State)
//
// Host and service notifications are told apart by WHAT only. States are typed
// (HostState, ServiceState) and accept the long and short forms; unknown notification types
// and states are kept, not rejected, and report Valid() == false. Every raw variable stays
// reachable through Notification.Get and Notification.Raw.
//
// # Bulk notifications
//
// A script whose header says "# Bulk: yes" may be called with the single argument --bulk
// and then reads many contexts from standard input. NewBulkReader streams them:
//
//	br := checkmk.NewBulkReader(os.Stdin)
//	for n, err := range br.Notifications() { … }
//
// # Rule parameters
//
// Notification.Parameters decodes the rule's parameters (in a bulk, every notification
// carries the bulk's parameter block): a custom script's list (Parameters.List) and the form-based
// parameters of the built-in methods in the encoding of every Checkmk version — passwords
// (Parameters.Password, explicit or from the site's password store, PasswordStore),
// proxies (Parameters.Proxy), TLS verification (Parameters.IgnoreSSL) and the URL prefix
// for links (Parameters.URLPrefix, Notification.AbsoluteURLs).
//
// Secrets are carried as Secret values, which print as "[redacted]" in every form; so do
// Password, Parameters, PasswordStore and Notification (whose String is a summary).
//
// # Mapping to iLert and AlertOps
//
// ToILert maps a notification to an event of iLert's Events API (ilert.Event): PROBLEM,
// ACKNOWLEDGEMENT and RECOVERY become ALERT, ACCEPT and RESOLVE, keyed on
// "<site>/<host>[/<service>]" (ILertAlertKey); every other type gives an error wrapping
// ErrSkip, because iLert acts on those three only:
//
//	ev, err := checkmk.ToILert(n, checkmk.ILertOptions{IntegrationKey: key})
//	switch {
//	case errors.Is(err, checkmk.ErrSkip): // not for iLert: nothing to send
//	case err != nil: // no notification
//	default: _, err = client.Send(ctx, ev)
//	}
//
// ToAlertOps maps every notification to the AlertOps Checkmk plug-in's payload
// (alertops.Alert). Both are pure: the caller supplies the integration key and the
// current time.
//
// ContextWithoutSecrets returns the context with the rule's secrets removed — password
// parameters in every version's encoding, the AlertOps webhook URL, the proxy, and the
// values of a custom script's parameter list. It is the body for iLert's checkmk-ext
// endpoint (ilert.Client.SendCheckmk) and the customDetails of ToILert's events.
//
// # Checkmk's REST API and two-way sync with iLert
//
// [Client] calls Checkmk's REST API as an automation user ("Authorization: Bearer <user>
// <secret>", the secret never in errors): [Client.AcknowledgeHost] and
// [Client.AcknowledgeService] ([NewAcknowledgement]: sticky, not persistent, and without
// notification, [DefaultAckNotify]), [Client.RemoveHostAcknowledgement] and
// [Client.RemoveServiceAcknowledgement] (Checkmk 2.4.0p6 and later),
// [Client.AddHostComment], [Client.AddServiceComment] and [Client.ListComments]. It uses
// the sinks' transport and retry core (options as ilert's: [WithHTTPClient], [WithProxy],
// [WithRetry], …). Every error is an *[APIError] that classifies itself: Retryable,
// Permanent, Benign (422, an acknowledgement of an object without a problem),
// RateLimited, RetryAfter. Package checkmktest is a fake of the API for tests.
//
// [FromILertWebhook] maps an event of iLert's alert webhook (ilert.AlertWebhook) to the
// [Action] it asks for in Checkmk: accepted → acknowledge ("Accepted in iLert by <name>"),
// comment added → comment, resolved → nothing or, optionally, remove the
// acknowledgement. The object comes from the alert key "<site>/<host>[/<service>]" that
// the notifier sets in events mode ([ParseILertAlertKey]); every event that asks for
// nothing gives an error wrapping [ErrSkip], keys in another form [ErrNotEventsModeKey]
// too. [Action.Apply] carries an action out.
//
// # Templates, performance data and exit codes
//
// ParsePerfData splits HOSTPERFDATA/SERVICEPERFDATA into metrics. ExpandMacros fills
// Checkmk's $MACRO$ placeholders from a context. ExitCode names the exit statuses Checkmk
// understands (0 sent, 1 temporary failure, 2 permanent failure); ExitCode.Combine and
// CombineExitCodes make one of several results.
//
// Where the facts behind the formats come from is in docs/research.md of the repository.
package checkmk
