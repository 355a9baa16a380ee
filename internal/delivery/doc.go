// Package delivery is the part of queued delivery that the Checkmk notifier and the
// webhook relay share: the [Request] a queue holds (what to send, to which sink, with
// which key) in one versioned JSON encoding, and a [Sender] that sends a decoded request
// and judges the answer as a [Verdict] a queue acts on ([Verdict.Outcome]).
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
// The package never logs and starts no goroutines.
package delivery
