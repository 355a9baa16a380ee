// Package level receives webhooks from Level.io, the remote monitoring and management
// (RMM) product, and maps its alerts to iLert events and AlertOps alerts. (It has nothing
// to do with log levels.)
//
// # Webhooks
//
// Level POSTs one JSON envelope per event:
//
//	{"event_type":"alert_active","event_id":"…","occurred_at":"2025-03-15T14:30:00.000Z","data":{…}}
//
// [Decode] reads it into an [Event]. For alert_active and alert_resolved, [Event.Alert]
// holds the alert from data. Level does not document the alert object, so decoding never
// fails on a missing, extra or oddly typed field, and [Event.Data] keeps the object as it
// arrived. Level may add event types
// at any time: they decode, [Event.Known] reports false, and a receiver should answer 2xx
// and ignore them, since Level retries deliveries that fail.
//
// # Signatures
//
// When the webhook in Level has a secret, each request carries
//
//	X-Level-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>
//
// [Verify] checks it over the raw body before anything parses it, in constant time,
// against one or more secrets (the current and the previous one during a rotation). There
// is no timestamp in the scheme, so it cannot detect replays: deduplicate on
// [Event.AlertKey] (the mappings do) or on the event ID. A [Secret] never prints.
//
// # Receiving
//
// [Handler] does all of this as an http.Handler: POST only, a size limit, the signature,
// decoding, and a 2xx for events it does not know, and hands each event to a function the
// embedder supplies. Its answers tell Level whether to retry; see [Handler] for the table.
//
// # Mapping
//
// [ToILert] and [ToAlertOps] are pure functions from an alert event to the sinks' payloads
// (ilert.Event, alertops.Alert), with documented tables for priority, state and severity.
// The activation and the resolve of one alert share a key, so the resolve closes what the
// activation opened. Events that are not alerts give [ErrNotAlert], which wraps [ErrSkip]:
// nothing to send, and the [Handler] acknowledges them.
package level
