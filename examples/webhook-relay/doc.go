// Command webhook-relay receives Healthchecks.io and Level.io webhooks and forwards them
// to iLert (Events API) and/or AlertOps, which neither product does on its own: for
// example Healthchecks and Level into AlertOps, or into an iLert "API" alert source with
// this SDK's mapping (alert keys that let the recovery resolve the alert, labels,
// priorities, links, custom details). And it carries iLert's alert webhook back into
// Checkmk (two-way sync): accepting an alert in iLert acknowledges the Checkmk problem,
// comments follow.
//
// # Running
//
//	export ALERTBRIDGE_ILERT_KEY=il1api…            # and/or ALERTBRIDGE_ALERTOPS_URL=https://notify.alertops.com/POSTAlert/…/Relay
//	export ALERTBRIDGE_LEVEL_SECRET=…               # the secret entered in Level's webhook settings
//	webhook-relay -listen 127.0.0.1:8080 -queue-dir /var/spool/alertbridge-relay
//
// Every setting is a flag and an ALERTBRIDGE_… variable (a flag on the command line
// wins); webhook-relay -h lists them. Secrets (the iLert integration key, the AlertOps
// URL, the Level secrets, the iLert webhook's credentials, the Checkmk automation secret)
// are taken only from variables or from files named by their -…-file flags, never from
// the command line, and are never logged or shown. The relay does not terminate TLS: put
// it behind a reverse proxy for traffic from the internet.
//
// Endpoints: POST /healthchecks (Healthchecks: a Webhook integration with method POST,
// body $JSON and the header "Check-Status: $STATUS"), POST /level (Level: a webhook with
// a secret), POST /ilert (iLert's alert action of type webhook, with two-way sync),
// GET /healthz and GET /metrics (Prometheus text format).
//
// # Never losing a webhook
//
// For each webhook the relay maps the payload with the healthchecks or level package,
// writes one request per destination to the durable queue (internal/spool, the queue of
// the Checkmk notifier; the file is synced before the answer), and lets that
// destination's delivery goroutine send it. It answers 200 once the request is delivered
// or, after -deliver-wait (default 2 s), once it is queued; if it cannot be queued it
// answers 503, and Healthchecks and Level send the webhook again. When a destination
// rejects the request for good within -deliver-wait (a 4xx other than 408 and 429), the
// answer is 422 with the reason, so that the sender's admin sees the failure. Queued
// requests are delivered in order per destination: a goroutine flushes each destination
// when a webhook arrives and every -poll-interval, retries a failing destination with
// jittered backoff up to -max-backoff, and after a 429 waits as long as the spool's hold
// says. Requests the destination rejects for good (4xx) move to the queue's failed/
// directory with a reason file; requests older than -max-age move there as expired.
//
// The queue's destinations are named exactly "ilert", "alertops" and "checkmk"; the
// Checkmk notifier's are "ilert-<hash>" and "alertops-<hash>", and each program delivers
// only its own, so the two may share a queue directory. A queue directory the queue
// package refuses keeps the relay from starting (exit code 2, with the reason).
//
// Concurrent webhooks are written as group commits ([spool.Queue.EnqueueBatch]), so a
// busy relay pays the disk's sync cost once per batch rather than once per webhook.
//
// # Holding its ground
//
// At most -max-in-flight webhooks (default 256) are handled at once, and their bodies
// (by Content-Length, or the endpoint's body limit without one) add up to at most
// -max-in-flight-bytes (16 MiB); a webhook beyond either is answered 503 with
// Retry-After: 5 at once, before its body is read, so that memory stays bounded however
// many clients send slowly. The refusals are logged as one line per 10 s with their
// number. /healthz and /metrics are not limited.
//
// # Two-way sync with iLert
//
// With the Checkmk site's URL (-checkmk-url, https://HOST/SITE/), an automation user
// (-checkmk-user) and its secret, the relay serves POST /ilert for an alert action of
// type webhook in iLert (Basic credentials in its URL, checked in constant time). The
// alert key of an alert the notifier opened in events mode names the Checkmk object,
// <site>/<host>[/<service>] (checkmk.FromILertWebhook): an accepted alert
// (alert-acknowledged) acknowledges the problem (sticky, without notification, so that
// Checkmk sends no ACKNOWLEDGEMENT back to iLert), a comment becomes a comment, a
// resolved alert does nothing (or, with -checkmk-remove-ack-on-resolve, removes the
// acknowledgement). The calls go through the durable queue as destination "checkmk", in
// order; iLert's retries are recognised by alert id and event and make no second call,
// also after a restart (a record in the queue directory, bounded to 20,000 events and
// 7 days). Sites other than the URL's and -checkmk-sites, keys of other forms, and other
// event types are answered 200 and logged as ignored.
//
// # Operating
//
// GET /healthz answers 200 with JSON: "ok" or "degraded", and per destination its state
// ("up" or "retrying", with the time of the next attempt and the last error, cut to 200
// characters), the number of queued and failed requests and what was delivered since the
// start, and the queues of destinations no longer configured that still hold requests
// (also named in a warning at start, with how to deliver or remove them). It answers 503
// when the queue cannot be read. GET /metrics counts webhooks received and answered by
// source, requests queued, delivered, rejected and failed by source and destination,
// the delivery latency, and per destination the queue's length and the age of its
// oldest request. Each request is logged on one line (log/slog text on standard error)
// with its status, source, alert key and the result per destination.
//
// On SIGINT or SIGTERM the relay stops accepting connections, lets the webhooks in
// progress finish, makes a last delivery attempt and exits, all within
// -shutdown-timeout. What is still queued is delivered after the next start.
//
// # Demo
//
// go run ./examples/webhook-relay -demo starts fake iLert, AlertOps and Checkmk servers
// on loopback, posts every sample webhook (copies of the shared fixtures, Level ones
// signed with a demo secret), shows an iLert outage being queued and then delivered,
// prints what the fakes received, then shows the round trip of two-way sync (a Checkmk
// alert to iLert, iLert's webhook back, the acknowledgement in Checkmk) and exits 0.
package main
