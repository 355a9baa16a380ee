package checkmk

import (
	"context"
	"time"
)

// SetRESTRetryHooks replaces the wait and jitter of c's retry loop, for the tests outside
// the package. Call it before c is shared.
func SetRESTRetryHooks(c *Client, sleep func(context.Context, time.Duration) error, jitter func() float64) {
	c.caller.Sleep = sleep
	c.caller.Jitter = jitter
}
