package alertops

import (
	"context"
	"time"
)

// SetTestHooks replaces the retry wait and jitter and the clock of c, for tests outside
// the package (which cannot reach unexported fields). Nil arguments keep the current hook.
// Call it before c is shared.
func SetTestHooks(c *Client, sleep func(context.Context, time.Duration) error, jitter func() float64, now func() time.Time) {
	if sleep != nil {
		c.caller.Sleep = sleep
	}
	if jitter != nil {
		c.caller.Jitter = jitter
	}
	if now != nil {
		c.now = now
	}
}

// ParseTimestamp exports parseTimestamp, the reading of AlertOps timestamps, for the tests.
var ParseTimestamp = parseTimestamp
