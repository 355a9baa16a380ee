package spool

import "errors"

// Errors returned by the queue, to be tested with [errors.Is]. File-system failures are
// returned wrapped (test them with errors.Is(err, fs.ErrPermission) and the like); their
// messages name the queue path, which the caller chose, and never a payload. Two error
// types say more, tested with [errors.As]: [*UnsafeError] (a directory or file of the queue
// that is not trusted) and [*NotDurableError] (queued, but not confirmed durable).
var (
	// ErrInvalidDestination means a destination name is not safe as a file name: it must be
	// 1 to 64 characters from A-Z, a-z, 0-9, '.', '_' and '-', and not "." or "..".
	ErrInvalidDestination = errors.New("spool: invalid destination name")

	// ErrPayloadTooLarge means a payload is longer than [MaxPayloadSize].
	ErrPayloadTooLarge = errors.New("spool: payload too large")

	// ErrCorrupt means a request file does not decode. Flush moves such files to failed/.
	// A damaged hold file is reported with it too.
	ErrCorrupt = errors.New("spool: corrupt request file")

	// ErrLocked means [Queue.TryLock] found the lock held by another process, or by another
	// Lock of this one.
	ErrLocked = errors.New("spool: lock is held")
)
