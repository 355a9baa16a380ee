package httpx

import (
	"errors"
	"fmt"
	"time"
)

// Default retry settings, used for the zero fields of a [Policy].
const (
	// DefaultMaxAttempts is the number of attempts of one call, the first included.
	DefaultMaxAttempts = 3
	// DefaultBaseDelay is the wait before the first retry, doubled for each further one.
	DefaultBaseDelay = 1 * time.Second
	// DefaultMaxDelay caps the exponential backoff.
	DefaultMaxDelay = 30 * time.Second
	// DefaultMaxRetryAfter caps a server's Retry-After.
	DefaultMaxRetryAfter = 60 * time.Second
	// DefaultMaxBodyBytes bounds how much of a response body is read.
	DefaultMaxBodyBytes = 64 << 10
)

// Policy bounds the retries of one call. Zero fields take the defaults above, so the zero
// Policy is a sensible one. A Policy is a value: copying it is safe.
type Policy struct {
	// MaxAttempts is the number of attempts, the first included; 1 disables retries.
	MaxAttempts int
	// BaseDelay is the wait before the first retry; each further retry doubles it.
	// Every wait is jittered: it lies between half and all of the computed value.
	BaseDelay time.Duration
	// MaxDelay caps the exponential backoff.
	MaxDelay time.Duration
	// RateLimitDelay is the minimum wait after a 429 answer (0: no minimum beyond the
	// backoff). Sinks set their vendor's value, e.g. iLert's 10 s.
	RateLimitDelay time.Duration
	// MaxRetryAfter caps the wait a server asks for with Retry-After.
	MaxRetryAfter time.Duration
	// NoRetryOnRateLimit returns a 429 answer at once instead of waiting and sending
	// again; a caller that queues work uses it to stop sending to that destination.
	NoRetryOnRateLimit bool
	// AttemptTimeout bounds each attempt (0: only the client's timeout and the context).
	AttemptTimeout time.Duration
	// MaxBodyBytes bounds how much of each response body is read and kept.
	MaxBodyBytes int64
}

// Validate reports negative settings, which are always a mistake.
func (p Policy) Validate() error {
	var errs []error
	check := func(name string, neg bool) {
		if neg {
			errs = append(errs, fmt.Errorf("retry policy: %s must not be negative", name))
		}
	}
	check("MaxAttempts", p.MaxAttempts < 0)
	check("BaseDelay", p.BaseDelay < 0)
	check("MaxDelay", p.MaxDelay < 0)
	check("RateLimitDelay", p.RateLimitDelay < 0)
	check("MaxRetryAfter", p.MaxRetryAfter < 0)
	check("AttemptTimeout", p.AttemptTimeout < 0)
	check("MaxBodyBytes", p.MaxBodyBytes < 0)
	return errors.Join(errs...)
}

// WithDefaults returns p with every zero field set to its default.
func (p Policy) WithDefaults() Policy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if p.MaxBodyBytes <= 0 {
		p.MaxBodyBytes = DefaultMaxBodyBytes
	}
	return p
}

// backoff returns the jittered wait before retry number n (1 for the first retry); jitter
// is a number in [0, 1).
func (p Policy) backoff(n int, jitter float64) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	return d/2 + time.Duration(jitter*float64(d/2))
}
