// Package alertops sends alerts to AlertOps (alertops.com) inbound integrations, in the
// payload of the AlertOps Checkmk plugin.
//
// # The payload
//
// [Alert] is the JSON body: EventKey, Source, Host, HostAddress, Service, State,
// Severity, NotificationType, Summary, Message, Resolved, Timestamp, and the optional
// DetailsURL and LongMessage, encoded in that order ([Alert.MarshalJSON]) with the
// timestamp as "2026-04-07T16:59:32Z", followed by any [Alert.Extra] fields. The vendor
// page lost the value lists in extraction; the ones this project fixed are documented on
// the fields, and the Checkmk state → severity normalisation is one table,
// [SeverityForState]:
//
//	CRITICAL, DOWN → critical   WARNING → warning
//	UNKNOWN, UNREACHABLE → error   OK, UP → info   anything else → error
//
// Building an Alert from a Checkmk notification is the job of the checkmk package; this
// package is the sink and knows nothing about its sources.
//
// # Sending
//
//	client, err := alertops.NewClient()
//	...
//	res, err := client.Send(ctx, webhookURL, alertops.Alert{
//		EventKey: "web01_CPU load", Source: alertops.SourceCheckmk, Host: "web01",
//		Service: "CPU load", State: "CRITICAL", Severity: alertops.SeverityForState("CRITICAL"),
//		NotificationType: "PROBLEM", Summary: "CRITICAL: CPU load on web01", ...
//	})
//
// The webhook URL is the inbound integration's URL, e.g.
// https://notify.alertops.com/POSTAlert/<key>/CheckMK. AlertOps matches alerts by Source
// and Source Name and optionally a Source Id: map EventKey to the Source Id so that a
// resolved alert closes the one it opened, and make the integration close on Resolved
// (or on NotificationType RECOVERY).
//
// # Errors and retries
//
// As AlertOps' Checkmk page has it: 2xx is success, 5xx a temporary failure, everything
// else permanent (401 and 403 mean an invalid URL or a disabled integration). The page
// leaves 408, 429, timeouts and network errors open; this package retries them too. Each
// Send retries with jittered exponential backoff as bounded by the client's
// [RetryPolicy] and the context, honours Retry-After (capped), re-sends the complete body
// every time and does not follow redirects.
//
// An answer other than 2xx is an *[APIError]; decide with [IsRetryable] (try again later:
// a Checkmk notifier exits 1) and [IsPermanent] (will never succeed: exit 2). Every error
// a Client returns also answers by methods (Retryable, Permanent, Benign, RateLimited,
// RetryAfter), which a queue or handler asks without knowing this package.
//
// # Secrets
//
// The webhook URL carries the AlertOps account key in its path. It is never stored in
// the [Client] and never appears in errors: URLs are shown with the key replaced
// (https://notify.alertops.com/POSTAlert/[redacted]/CheckMK, see [RedactWebhookURL]), and
// the key is replaced wherever else it turns up, an echoing answer body included.
//
// # The environment
//
// The package never reads environment variables; proxy and TLS settings are passed in
// ([WithProxy], [WithTLSConfig]) or come with the caller's client ([WithHTTPClient]). It
// starts no goroutines and never logs. Tests can use the fake AlertOps in package
// alertopstest.
package alertops
