// Package spool is a durable, crash-safe, per-destination FIFO queue on the local file
// system. It keeps an alert that could not be delivered right now until a later run
// delivers it, so that no alert is lost when the incident platform is down, rate limits, or
// the process is killed.
//
// It is written for two kinds of users: the Checkmk notifier, where Checkmk starts many
// short-lived processes at once (and kills each after 60 s), and the webhook relay, one
// long-running process. Both may share one queue directory.
//
// # Use
//
// Open a queue in a directory that belongs to it (one per Checkmk site; the caller chooses
// the path, the package never reads the environment), [Queue.Enqueue] a request, then
// [Queue.Flush] the destination with a function that delivers one [Item] and returns the
// sink's error:
//
//	q, err := spool.Open(dir)
//	id, err := q.Enqueue(ctx, "ilert", body)
//	res, err := q.Flush(ctx, "ilert", func(ctx context.Context, it spool.Item) error {
//		return send(ctx, it.Payload)
//	})
//
// Flush asks the error what happened, by the methods the ilert and alertops clients'
// errors have ([DeliverFunc]): nil or Benign() deletes the request, RateLimited() holds the
// destination for RetryAfter(), Permanent() moves the request to failed/ with the error's
// text, and anything else keeps it queued and stops the destination.
//
// A long-running program that receives requests concurrently can queue what arrives
// together with [Queue.EnqueueBatch]: one group commit, the same guarantees.
//
// # Guarantees
//
//   - At least once, never lost: a request is deleted only after the deliver function
//     reported it delivered; every file becomes visible by an atomic rename after fsync, and
//     the directory is synced. Killing a process at any point loses nothing; at worst one
//     request is delivered twice.
//   - First in, first out per destination, also across processes: a new request never
//     overtakes an older one for the same destination, and Flush stops a destination at its
//     first temporary failure.
//   - Nothing is deleted unseen: rejected, corrupt and expired requests move to failed/ with
//     a reason file next to each.
//   - No request is left behind while the destination is up: when Flush finds another
//     process flushing, it returns [StatusBusy] at once, and the other flusher picks the new
//     request up before it releases the lock (see "Ordering and hand-off" below).
//
// # On-disk layout
//
// All directories are created with mode 0700 and all files with 0600, set explicitly
// whatever the umask. Request files may contain secrets (API keys in payloads); file names
// never do.
//
//	<dir>/pending/<destination>/<seq>.req     a queued request (see "Request file format")
//	<dir>/pending/<destination>/seq           sequence counter and enqueue lock
//	<dir>/pending/<destination>/flush.lock    flush lock
//	<dir>/pending/<destination>/hold          "held until" time after a rate limit (RFC 3339)
//	<dir>/pending/<destination>/tmp-*         a request being written; never a request
//	<dir>/failed/<destination>/<seq>.req      a rejected, corrupt or expired request
//	<dir>/failed/<destination>/<seq>.reason   why, as text
//
// <seq> is a 20-digit decimal number, so that lexical order is enqueue order. An
// administrator can count the queued requests with
// find <dir>/pending -name '*.req' | wc -l.
// Temporary files older than an hour are left-overs of killed processes; Flush removes them.
//
// # Request file format
//
// A request file is one line of JSON metadata, a newline, then the payload bytes exactly as
// given to Enqueue:
//
//	{"v":1,"destination":"ilert","enqueued":"2026-11-21T05:50:00.123456789Z","size":17,"crc32c":1507370777}
//	{"summary":"..."}
//
// size is the payload length in bytes and crc32c its CRC-32 (Castagnoli) checksum. A file
// that does not decode (torn by a disk fault, edited by hand) is moved to failed/ with the
// reason instead of blocking the queue.
//
// # Ordering and hand-off
//
// Sequence numbers are allocated under a short exclusive lock on the destination's seq file:
// seq = max(now in Unix nanoseconds, last seq + 1). The lock makes the numbers strictly
// increasing across processes in the order in which enqueues happen; the timestamp keeps
// them increasing even if the counter file is lost. Flush lists the destination's requests
// while holding the same short lock, so it never sees a later request without an earlier
// one. Before it releases the flush lock, a flusher takes the seq lock again and checks
// that no request was enqueued since its last listing; if one was, it lists and delivers
// again. An enqueuer whose own Flush found the flush lock busy can therefore return at
// once: whoever holds the flush lock will see its request.
//
// # Platform
//
// The package uses flock(2) and works on Linux, macOS and the BSDs. On other systems Open
// returns an error wrapping [errors.ErrUnsupported].
//
// A Queue never logs, never panics on the contents of its files and starts no goroutines.
// It is safe for concurrent use by multiple goroutines and processes.
package spool
