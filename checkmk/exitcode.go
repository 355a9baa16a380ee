package checkmk

import "strconv"

// ExitCode is the exit status of a notification script, which Checkmk records as the
// result of the notification.
type ExitCode int

// The exit codes Checkmk distinguishes.
const (
	// ExitSent: the notification was delivered (history state OK).
	ExitSent ExitCode = 0
	// ExitTemporary: it could not be delivered now; the commercial editions' spooler
	// retries it later (the Raw edition and bulk notifications do not).
	ExitTemporary ExitCode = 1
	// ExitPermanent: it cannot be delivered and a retry makes no sense. Checkmk treats
	// every code from 2 up this way.
	ExitPermanent ExitCode = 2
)

// String returns the meaning and the number, e.g. "temporary failure (1)".
func (c ExitCode) String() string {
	return c.Meaning() + " (" + strconv.Itoa(int(c)) + ")"
}

// Meaning returns what Checkmk makes of the code: "sent", "temporary failure" or
// "permanent failure" (for 2 and higher); "invalid" for a negative code.
func (c ExitCode) Meaning() string {
	switch {
	case c == ExitSent:
		return "sent"
	case c == ExitTemporary:
		return "temporary failure"
	case c >= ExitPermanent:
		return "permanent failure"
	}
	return "invalid"
}

// Retryable reports whether Checkmk's spooler would retry the notification (code 1).
func (c ExitCode) Retryable() bool { return c == ExitTemporary }

// Combine returns the worse of c and other: the higher code wins, so one permanent
// failure outweighs temporary ones and any failure outweighs success.
func (c ExitCode) Combine(other ExitCode) ExitCode { return max(c, other) }

// CombineExitCodes returns the highest of codes, ExitSent for none; the exit code for a
// script that delivered to several destinations or a bulk of notifications.
func CombineExitCodes(codes ...ExitCode) ExitCode {
	worst := ExitSent
	for _, c := range codes {
		worst = worst.Combine(c)
	}
	return worst
}
