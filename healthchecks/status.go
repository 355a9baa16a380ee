package healthchecks

// Status is the state of a Healthchecks.io check.
//
// The check's own status field ([Check.Status]) may hold any of the constants below, or a
// value a future Healthchecks release adds (kept as sent, reported by [Status.Valid]). A
// [Notification] carries only [StatusUp] or [StatusDown]: the direction of the flip that
// triggered the webhook.
type Status string

// The check statuses Healthchecks.io reports.
const (
	// StatusNew is a check that has never been pinged.
	StatusNew Status = "new"
	// StatusUp is a check that pinged on time.
	StatusUp Status = "up"
	// StatusGrace is a check that is late but still within its grace time.
	StatusGrace Status = "grace"
	// StatusDown is a check that missed its grace time or reported a failure.
	StatusDown Status = "down"
	// StatusPaused is a check whose monitoring is paused.
	StatusPaused Status = "paused"
	// StatusStarted is a check that received a start signal; only Healthchecks v2.3–v2.5
	// report it as a status (later releases use the separate started flag).
	StatusStarted Status = "started"
)

// Valid reports whether s is one of the statuses Healthchecks.io is known to report.
func (s Status) Valid() bool {
	switch s {
	case StatusNew, StatusUp, StatusGrace, StatusDown, StatusPaused, StatusStarted:
		return true
	}
	return false
}

// String returns the status as Healthchecks.io spells it.
func (s Status) String() string { return string(s) }
