package checkmk

import (
	"fmt"
	"io"
	"log/slog"
)

// redacted is what every printed form of a secret shows.
const redacted = "[redacted]"

// Secret is a password, API key or other credential. Every way of printing it — String,
// GoString, all fmt verbs, JSON and text marshalling, slog — shows "[redacted]"; only
// Reveal gives the value. The zero Secret is empty.
//
// The value sits behind a pointer, so even a Secret nested in another value that fmt
// prints field by field shows as an address, not as the text.
type Secret struct {
	p *string
}

// NewSecret wraps s, for example the automation secret a [Client] authenticates with.
func NewSecret(s string) Secret { return Secret{p: &s} }

// Reveal returns the secret value. Call it only where the value is sent to its
// destination (a request header or URL path), never to print it.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.p == nil || *s.p == "" }

// String returns "[redacted]".
func (s Secret) String() string { return redacted }

// GoString returns "[redacted]", for %#v.
func (s Secret) GoString() string { return redacted }

// Format writes "[redacted]" for every verb and flag.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// MarshalJSON returns the JSON string "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText returns "[redacted]".
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue makes slog log "[redacted]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }
