// Command webhook-relay receives Healthchecks.io and Level.io webhooks and forwards them
// to iLert (Events API) and/or AlertOps, which neither product does on its own: for
// example Healthchecks and Level into AlertOps, or into an iLert "API" alert source with
// this SDK's mapping (alert keys that let the recovery resolve the alert, labels,
// priorities, links, custom details).
//
// # Running
//
//	export ALERTBRIDGE_ILERT_KEY=il1api…            # and/or ALERTBRIDGE_ALERTOPS_URL=https://notify.alertops.com/POSTAlert/…/Relay
//	export ALERTBRIDGE_LEVEL_SECRET=…               # the secret entered in Level's webhook settings
//	webhook-relay -listen 127.0.0.1:8080 -queue-dir /var/spool/alertbridge-relay
//
// Every setting is a flag and an ALERTBRIDGE_… variable (a flag on the command line
// wins); webhook-relay -h lists them. Secrets (the iLert integration key, the AlertOps
// URL, the Level secrets) are taken only from variables or from files named by the
// -ilert-key-file, -alertops-url-file, -level-secret-file and -level-previous-secret-file
// flags, never from the command line, and are never logged or shown. The relay does not
// terminate TLS: put it behind a reverse proxy for traffic from the internet.
//
// Endpoints: POST /healthchecks (Healthchecks: a Webhook integration with method POST,
// body $JSON and the header "Check-Status: $STATUS"), POST /level (Level: a webhook with
// a secret), GET /healthz.
//
// # Never losing a webhook
//
// For each webhook the relay maps the payload with the healthchecks or level package,
// writes one request per destination to the durable queue (internal/spool, the queue of
// the Checkmk notifier; the file is synced before the answer), and lets that
// destination's delivery goroutine send it. It answers 200 once the request is delivered
// or, after -deliver-wait (default 2 s), once it is queued; if it cannot be queued it
// answers 503, and Healthchecks and Level send the webhook again. Queued requests are
// delivered in order per destination: a goroutine flushes each destination when a webhook
// arrives and every -poll-interval, retries a failing destination with jittered backoff
// up to -max-backoff, and after a 429 waits as long as the spool's hold says. Requests
// the destination rejects for good (4xx) move to the queue's failed/ directory with a
// reason file; requests older than -max-age move there as expired.
//
// The queue's destinations are named exactly "ilert" and "alertops"; the Checkmk
// notifier's are "ilert-<hash>" and "alertops-<hash>", and each program delivers only its
// own, so the two may share a queue directory.
//
// Concurrent webhooks are written as group commits ([spool.Queue.EnqueueBatch]), so a
// busy relay pays the disk's sync cost once per batch rather than once per webhook.
//
// # Operating
//
// GET /healthz answers 200 with JSON: "ok" or "degraded", and per destination its state
// ("up" or "retrying", with the time of the next attempt and the last error), the number
// of queued and failed requests and what was delivered since the start. It answers 503
// when the queue cannot be read. Each request is logged on one line (log/slog text on
// standard error) with its status, source, alert key and the result per destination.
//
// On SIGINT or SIGTERM the relay stops accepting connections, lets the webhooks in
// progress finish, makes a last delivery attempt and exits, all within
// -shutdown-timeout. What is still queued is delivered after the next start.
//
// # Demo
//
// go run ./examples/webhook-relay -demo starts fake iLert and AlertOps servers on
// loopback, posts every sample webhook (copies of the shared fixtures, Level ones signed
// with a demo secret), shows an iLert outage being queued and then delivered, prints
// what the fakes received and exits 0.
package main
