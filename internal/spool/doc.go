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
//	q, err := spool.Open(ctx, dir)
//	id, err := q.Enqueue(ctx, "ilert", body, spool.ExpireAfter(24*time.Hour))
//	res, err := q.Flush(ctx, "ilert", func(ctx context.Context, it spool.Item) error {
//		return send(ctx, it.Payload)
//	}, spool.WithRate(spool.Rate{N: 50, Per: time.Minute}))
//
// Flush asks the error what happened, by the methods the ilert and alertops clients'
// errors have ([DeliverFunc]): nil or Benign() deletes the request, RateLimited() holds the
// destination for RetryAfter(), Permanent() moves the request to failed/ with the error's
// text, and anything else keeps it queued and stops the destination.
//
// A long-running program that receives requests concurrently can queue what arrives
// together with [Queue.EnqueueBatch]: one group commit, the same guarantees, and a
// [BatchResult] whose Durable field is the point from which the requests may be
// acknowledged to their senders.
//
// # Guarantees
//
//   - At least once, never lost: a request is deleted only after the deliver function
//     reported it delivered; every file becomes visible by an atomic rename after fsync, and
//     the directory is synced. Killing a process at any point loses nothing; at worst one
//     request is delivered twice. When only the directory sync fails, the request is queued
//     all the same and Enqueue says so ([NotDurableError]): it is never reported lost.
//     A caller that delivers at once and answers only afterwards may queue with
//     [DeferSync] and sync with [Queue.Sync] only what is still waiting then: the request is
//     queued (and survives the process) from the rename on, and durable against a crash of
//     the machine once Sync returned nil.
//   - First in, first out per destination, also across processes: a new request never
//     overtakes an older one for the same destination, and Flush stops a destination at its
//     first temporary failure.
//   - Nothing is deleted unseen: rejected, corrupt, untrusted and expired requests move to
//     failed/ with a reason file next to each.
//   - No request is left behind by a flusher that finishes: when Flush finds another process
//     flushing, it returns [StatusBusy] at once, and the other flusher picks the new request
//     up before it releases the lock (see "Ordering and hand-off" below). A flusher that
//     stops instead (a failure, pacing, its context, a kill) leaves requests waiting; the
//     notifier's retrier (see "For a retrier") delivers them.
//   - Nobody else can read a request (every file is 0600), redirect the queue or empty it,
//     and nobody else's file is ever taken for a request (see "Trust").
//
// # Trust
//
// [Open] checks the queue directory before it uses anything, the way OpenSSH checks
// ~/.ssh: the directory and every directory in it (pending/, failed/, pending/<dest>/,
// failed/<dest>/) must be a real directory, not a symbolic link, owned by the current user,
// and writable by neither group nor others; every directory above it must belong to root or
// the current user and, if group or others may write to it, be sticky (like /tmp). A
// failing check yields an [*UnsafeError] naming the directory, what is wrong and how to fix
// it, and the queue is not used. Enqueue and Flush check the queue directory (still the one
// Open found), pending/ and the destination's directory again on every call.
//
// Every file of the queue (requests, seq, flush.lock, hold, pace, reason and temporary
// files, named locks) is opened with O_NOFOLLOW and O_NONBLOCK and used only if fstat shows
// a regular file owned by the current user that others cannot write. A request file that is
// not (a named pipe, a device, a link, another user's or a writable file) is moved to
// failed/ with the reason, never opened for reading. A link or pipe in place of seq,
// flush.lock or pace is reported as an *UnsafeError; one in place of the hold file is
// removed, as a damaged hold file is.
//
// # Expiry
//
// A request expires when it is older than its maximum age, the one given to Enqueue with
// [ExpireAfter] and stored in the request, else (for requests written without one, by
// older versions too) the flushing Queue's [WithMaxAge] (default [DefaultMaxAge], 7 days).
// Each rule of a notifier can so keep its own maximum age. An expired request is not moved
// away untried: Flush tries it once more ([Item.Expiring] is set); delivered, it is done;
// rejected, it moves to failed/ as rejected; only if this last try fails for the time being
// (a temporary failure or a rate limit, not the end of the caller's own context) does it
// move to failed/ as expired, and the reason file, synced before the request leaves
// pending/, records the try and its error. A forward jump of the wall clock (a VM resumed,
// NTP correcting a wrong boot time) therefore never expires a request that was not tried.
//
// # Holds and pacing
//
// After a rate limit (429), Flush holds the destination for the error's RetryAfter, at
// least [MinHold] and at most [MaxHold]; every Flush returns [StatusHeld] until then. A hold
// is never honoured for more than MaxHold from the moment it is read, whatever the file
// says (a 24-hour hold, or one written under a clock that was fast): the next Flush rewrites
// it with the capped time. Once a hold has passed, Flush removes its file.
//
// A request queued with [PaceAt] carries its rate: at most N deliveries in any interval
// of length Per, per destination and across every process that shares the queue; a Flush
// sends it only when that rate allows. [WithRate] gives a flush one rate for all its
// requests instead. The pace file keeps the last N send times in N fixed-size slots; a
// flush reads it under the destination's flush lock, and records each send (a write, not
// synced) before calling the deliver function, so that a killed process never lets a
// later run exceed the budget, not even by the request that was in flight (a crash of the
// machine may lose the last records: then one send too many may be answered with a 429,
// which holds the destination). A request over the budget stays queued, in order, and
// Flush returns [StatusPaced] with [FlushResult.PacedUntil], the time of the next free
// slot. A slot that does not decode counts as a send at the time it is read, and a time
// after now counts as now. [ParseRate] reads a rate as an administrator writes it ("50",
// "5/10s", "0").
//
// # For a retrier
//
// A background process that retries waiting requests (the notifier's retrier) needs to
// know what waits and when a flush can do something, and that it runs alone:
//
//   - [Queue.Waiting] lists the destinations with requests waiting; [Queue.State] reports
//     one: how many wait, the oldest, the end of a hold and the next pace slot, and
//     [DestinationState.NextAttempt], the earliest time a Flush may send. Both take no lock
//     and change nothing.
//   - [Queue.TryLock] takes a named exclusive lock in the queue directory without waiting
//     (flock(2)), held until [Lock.Close] or the death of the process: TryLock("retrier")
//     makes one retrier per queue directory. Its documentation gives the hand-over protocol
//     that leaves no request waiting without a retrier.
//
// # On-disk layout
//
// All directories are created with mode 0700 and all files with 0600, set explicitly
// whatever the umask. Request files may contain secrets (API keys in payloads); file names
// never do.
//
//	<dir>/pending/<destination>/<seq>.req     a queued request (see "Request file format")
//	<dir>/pending/<destination>/seq           sequence counter (20 digits, newline) and enqueue lock
//	<dir>/pending/<destination>/flush.lock    flush lock
//	<dir>/pending/<destination>/hold          "held until" time after a rate limit (RFC 3339)
//	<dir>/pending/<destination>/pace          send times of a paced destination, one slot per line
//	<dir>/pending/<destination>/tmp-*         a request being written; never a request
//	<dir>/pending/tmp-probe-*                 Open's proof that the queue is writable
//	<dir>/failed/<destination>/<seq>.req      a rejected, corrupt, untrusted or expired request
//	<dir>/failed/<destination>/<seq>.reason   why, as text ("failed-at: …", "reason: …")
//	<dir>/failed/<destination>/tmp-*          a reason file being written
//	<dir>/<name>.lock                         a named lock (Queue.TryLock), e.g. retrier.lock
//
// <seq> is a 20-digit decimal number, so that lexical order is enqueue order. An
// administrator can count the queued requests with
// find <dir>/pending -name '*.req' | wc -l.
// Temporary files older than an hour are left-overs of killed processes; Open removes those
// in pending/ and failed/, Flush those of its destination in pending/ and failed/. Their
// age is their modification time, which the file system sets from the real clock, so it is
// compared with the real clock, never with the one given to [WithClock].
//
// # Request file format
//
// A request file is one line of JSON metadata, a newline, then the payload bytes exactly as
// given to Enqueue:
//
//	{"v":1,"destination":"ilert","enqueued":"2026-11-21T05:50:00.123456789Z","maxAge":"24h0m0s","rate":"50/1m0s","size":17,"crc32c":1507370777}
//	{"summary":"..."}
//
// size is the payload length in bytes and crc32c its CRC-32 (Castagnoli) checksum. maxAge,
// the request's own maximum age as Go writes a duration, is present only when Enqueue was
// given [ExpireAfter], and rate, as [Rate.String] writes it, only when it was given
// [PaceAt]; versions of the package that do not know them ignore them. A file that
// does not decode (torn by a disk fault, edited by hand) is moved to failed/ with the
// reason instead of blocking the queue.
//
// # Ordering and hand-off
//
// Sequence numbers are allocated under a short exclusive lock on the destination's seq file:
// seq = max(now in Unix nanoseconds, last seq + 1). The lock makes the numbers strictly
// increasing across processes in the order in which enqueues happen. The counter is written
// and synced (fdatasync) before the request's rename, so after a crash it is never below a
// request that survived; when the counter file is lost or garbled, the last number is taken
// from the highest request in the directory instead, so a clock that went back cannot make
// a new request overtake a queued one. Flush lists the destination's requests while holding
// the same short lock, so it never sees a later request without an earlier one. Before it
// releases the flush lock, a flusher takes the seq lock again and checks that no request
// was enqueued since its last listing; if one was, it lists and delivers again. An enqueuer
// whose own Flush found the flush lock busy can therefore return at once: whoever holds the
// flush lock will see its request. Every wait of Flush for the seq lock is bounded by its
// context and by 10 seconds; a hand-off that cannot take the lock ends the flush as
// stopped, with an error that says so.
//
// # Platform
//
// The package uses flock(2) and file ownership and works on Linux, macOS and the BSDs. On
// other systems Open returns an error wrapping [errors.ErrUnsupported].
//
// A Queue never logs, never panics on the contents of its files and starts no goroutines
// that outlive a call. It is safe for concurrent use by multiple goroutines and processes.
package spool
