// Package delivery is the part of queued delivery that the Checkmk notifier and the
// webhook relay share: the [Request] a queue holds (what to send, to which sink, with
// which key) in one versioned JSON encoding, a [Sender] that sends a decoded request and
// returns the sink's error, which the queue acts on by its methods, and the words both
// programs print for what became of a request ([State], [StateOf]).
//
// A Request is self-contained: it carries the iLert integration key or the AlertOps
// webhook URL it was built with, so a queued request goes where it was meant to go even
// if the program's configuration changes before it is delivered, and any process sharing
// the queue directory can deliver it. Those are secrets: the spool stores requests in
// files of mode 0600, and nothing in this package puts a request's key into an error or a
// formatted value.
//
//	payload, err := delivery.ILert(event).Encode()
//	id, err := queue.Enqueue(ctx, "ilert", payload)
//	...
//	res, err := queue.Flush(ctx, "ilert", sender.Deliver)
//
// A [Checkmk] request (two-way sync: an acknowledgement or comment for Checkmk's REST
// API) carries the action only; the [Sender]'s Checkmk client supplies the site and the
// automation user.
//
// A request may also carry its [Transport] settings (iLert base URL, proxy, TLS
// verification): the Checkmk notifier's requests do, because its later flush has no rule
// to read them from. A Sender with [Clients] gets the client for those settings.
// [WithReason] gives the queue a program's own text for an error (the reason file of a
// rejected request) without hiding the error's methods.
//
// # Format
//
// Encode writes version 1 ({"v":1,…}) for requests to the ilert, ilert-checkmk and
// alertops sinks without transport settings, and version 2 for the ilert-nagios and
// checkmk sinks and requests with transport settings. A request prepared by
// [Sender.Prepare] ([Wire]: the body as the sink's client encodes it, with method, path and
// headers) is written as version 3, text lines and then the body's bytes, so that a flush
// of it decodes no event and encodes no body: the Checkmk notifier queues this form.
// Decode reads all three. A payload of another version, or of no known sink, is rejected
// ([ErrInvalidRequest], a permanent error), so a queue moves it to its failed requests
// with the reason instead of losing it.
//
// # Queue names
//
// The programs sharing a queue directory keep to their own destination names: the
// webhook relay uses exactly "ilert", "alertops" and "checkmk", the Checkmk notifier
// "ilert-<12 hex digits>" and "alertops-<12 hex digits>" (a hash of the key or webhook
// URL), and each flushes only its own names, because the relay's requests need the
// relay's configuration.
//
// The package never logs and starts no goroutines.
package delivery
