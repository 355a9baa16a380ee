package ilert

import (
	"context"
	"time"
)

// SetRetryHooks replaces the wait and jitter of c's retry loop, for tests outside the
// package (which cannot reach unexported fields). Call it before c is shared.
func SetRetryHooks(c *Client, sleep func(context.Context, time.Duration) error, jitter func() float64) {
	c.caller.Sleep = sleep
	c.caller.Jitter = jitter
}

// AppendStringMap is appendStringMap, for the fuzz test of the checkmk-ext body.
var AppendStringMap = appendStringMap
