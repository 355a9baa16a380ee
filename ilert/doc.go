// Package ilert sends alerts to iLert (ilert.com) and reads them back.
//
// It speaks four inbound interfaces:
//
//   - the Events API (POST /api/events) with [Client.Send] and the [Event] type;
//   - iLert's Checkmk endpoint (POST /api/v1/events/checkmk-ext/{key}) with
//     [Client.SendCheckmk], a drop-in for Checkmk's built-in iLert method;
//   - the legacy 1.x Nagios endpoint (POST /api/v1/events/nagios, XML) with
//     [Client.SendNagios], for alert sources of type "Nagios / Icinga" that iLert's 1.x
//     Nagios/Checkmk plug-in fed;
//   - heartbeats with [Client.PingHeartbeat], for legacy heartbeat alert sources
//     (GET /api/heartbeats/{key}) and heartbeat monitors (GET /api/pings/{key} on
//     beat.ilert.com), chosen by key ([HeartbeatEndpointForKey]) or by
//     [WithHeartbeatEndpoint];
//
// and, with a user API token ([WithAPIToken]), the REST reads an embedder needs:
// [Client.ListAlerts], [Client.GetAlert], [Client.ListAlertSources].
//
// In the other direction it receives iLert's outbound alert webhook (an alert action of
// type webhook): [DecodeAlertWebhook] turns a body into an [AlertWebhook] (alert id,
// [AlertEventType], status, alert key, summary, assignee, alert source, comment), keeping
// what it does not know in AlertWebhook.Extra and unknown event types as they are, and
// [AlertWebhookHandler] is the http.Handler for it: Basic credentials checked in constant
// time, a body limit, precise 4xx answers, 200 for the event types it does not deliver,
// 422 or 503 from the delivery function's error. What iLert documents of the body, and
// what is inferred, is in testdata/webhook/README.md.
//
// # Sending
//
//	client, err := ilert.NewClient()
//	...
//	res, err := client.Send(ctx, ilert.Event{
//		IntegrationKey: key,
//		EventType:      ilert.EventTypeAlert,
//		AlertKey:       "site1/web01/Filesystem /var",
//		Summary:        "web01: Filesystem /var is CRITICAL",
//	})
//
// Always set a deterministic AlertKey built from the identity of what is alerting (host,
// service): it is how iLert appends to, accepts and resolves the alert, and it makes a
// retried send harmless. Events are normalized before sending ([Event.Normalize]): iLert
// documents no field limits, so the package applies PagerDuty's published ones (summary
// 1024 runes, alert key 255 bytes, hashed when longer) and reports what it cut in
// [Response.Truncations]. Invalid events are not sent ([Event.Validate], [ErrInvalidEvent]).
//
// iLert's "priority" is honoured only if the alert source allows it (Grafana/ServiceNow
// sources, a priority template, or a source whose default priority is HIGH).
//
// # Errors and retries
//
// Each call retries network errors, 408, 429 and 5xx (except 501) with jittered
// exponential backoff, as bounded by the client's [RetryPolicy] and the context; it waits
// at least 10 s after a 429 because iLert counts events per key in one-minute windows and
// sends no Retry-After. Every retry re-sends the complete body. Redirects are not
// followed.
//
// An answer other than 2xx is an *[APIError]; get at it with
//
//	var apiErr *ilert.APIError
//	if errors.As(err, &apiErr) { ... apiErr.StatusCode, apiErr.Code ... }
//
// and decide with [IsRetryable] (try again later: keep the event), [IsPermanent] (will
// never succeed: report and drop it), [IsBenign] (nothing to do: treat as delivered, e.g.
// resolving an alert that is no longer open) and [IsRateLimited]. Every error a Client
// returns, with an answer or without, also has these answers as methods (Retryable,
// Permanent, Benign, RateLimited and RetryAfter), which is what a queue or a webhook
// handler asks of an error without knowing this package. A queueing caller sets
// [RetryPolicy.NoRetryOnRateLimit] and stops sending to a key that answered 429.
//
// # Secrets
//
// Integration keys, heartbeat keys and API tokens never appear in errors or in formatted
// values: URLs that carry a key in their path and echoed bodies are redacted, and [Event]
// and [AlertSource] redact themselves under every fmt verb.
//
// # The environment
//
// The package never reads environment variables; proxy and TLS settings are passed in
// ([WithProxy], [WithTLSConfig]) or come with the caller's client ([WithHTTPClient]). Pass
// http.ProxyFromEnvironment to WithProxy to honour HTTPS_PROXY.
//
// The package starts no goroutines and never logs. Tests can use the fake iLert in
// package ilerttest.
package ilert
