// Package healthchecks receives the webhooks of Healthchecks.io (hosted or self-hosted)
// and maps them to iLert events and AlertOps alerts.
//
// # Configuring Healthchecks
//
// In Healthchecks, add a Webhook integration and set, for both "down" and "up":
//
//	URL:             the receiver's URL (the Handler of this package)
//	Method:          POST (or PUT; the default GET sends no body)
//	Request body:    $JSON
//	Request headers: Check-Status: $STATUS
//	                 Content-Type: application/json
//
// This is the configuration iLert documents for its own Healthchecks alert source, plus
// the method.
//
// # Why the status comes from the header
//
// $STATUS is the flip that triggered the notification ("up" or "down"). The "status" key
// inside $JSON is evaluated when Healthchecks sends, so it differs when the check was
// paused or pinged in between, and some releases report "up" for most down notifications
// (see docs/research.md). [Parse] therefore requires the Check-Status header and returns
// [ErrMissingStatus] without it; [FallbackToBodyStatus] opts into the body's status for
// integrations that lack the header.
//
// # What decodes
//
// [Check] decodes $JSON as every release since v2.3 renders it, and the read-only API
// form: every key is optional except "name"; keys of newer releases are kept in
// Check.Extra; numbers sent as strings, tags sent as lists and the like are converted.
// Timestamps are UTC [time.Time] values, zero when Healthchecks sends null; durations are
// [time.Duration] values; tags, keyword filters and channels are lists. [Check.ID] is the
// check's UUID (from the URLs for releases before v3.5), [Check.Key] the alert key built
// from it.
//
// # Mapping
//
// [ToILert] and [ToAlertOps] are pure functions: down opens an alert, up resolves the alert
// with the same key; a notification with any other status gives an error wrapping
// [ErrSkip]. customDetails of the iLert event carry these keys (empty values are
// left out): source ("healthchecks"), status, check (the name), check_id, slug,
// body_status (the body's own status), pings, grace_seconds, timeout_seconds or schedule
// and tz, last_ping and next_ping (RFC 3339, UTC), last_duration_seconds, tags, and
// status_from_body (true when the status came from the body).
//
// The check's ping URL is never copied into an event: opening it (a GET, which a click on
// a link in iLert would do) marks the check as up without any login. The check's UUID,
// which is also part of the ping URL, is the check's identity and does go into the alert
// key, as it does with iLert's own Healthchecks integration, which receives all of $JSON.
//
// # Receiving
//
// [Handler] is an http.Handler that accepts POST and PUT, limits the body, parses it and
// calls your [DeliverFunc]. Healthchecks counts only 200, 201, 202 and 204 as success and
// tries a failed notification up to three times in all, immediately; an error of the
// DeliverFunc is answered with 503 so that those tries happen, unless it says by a
// Permanent() bool method that retrying cannot help (422) or wraps [ErrSkip] (200).
package healthchecks
