package ilert

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Field limits applied by [Event.Normalize]. iLert documents no length limits at all (its
// OpenAPI has no maxLength), so these borrow PagerDuty's published Events API v2 limits
// (summary 1024 characters, dedup_key 255 characters, 512 KB per event) — generous for a
// human-read alert, and small enough that no sane gateway refuses the body.
const (
	// MaxSummaryRunes bounds summary (PagerDuty: payload.summary, 1024 characters).
	MaxSummaryRunes = 1024
	// MaxDetailsBytes bounds details (our choice: 64 KiB, one eighth of PagerDuty's 512 KB
	// per event, leaving room for the rest of the body).
	MaxDetailsBytes = 64 << 10
	// MaxCommentBytes bounds the content of each comment (same reasoning as details).
	MaxCommentBytes = 64 << 10
	// MaxAlertKeyBytes bounds alertKey (PagerDuty: dedup_key, 255 characters). Longer keys
	// are replaced by a stable, hash-suffixed key (see [Event.Normalize]).
	MaxAlertKeyBytes = 255
)

// ellipsis marks text that [Event.Normalize] cut short.
const ellipsis = "…"

// Truncation reports one field [Event.Normalize] shortened.
type Truncation struct {
	// Field is the JSON path of the field, e.g. "summary" or "comments[0].content".
	Field string
	// From and To are the lengths before and after, in the field's unit (Unit).
	From, To int
	// Unit is "runes" or "bytes".
	Unit string
	// Hashed reports that the field (alertKey) was replaced by a hash-suffixed key
	// instead of being cut, so that deduplication still tells long keys apart.
	Hashed bool
}

// String describes the truncation, e.g. "summary truncated from 2000 to 1024 runes".
func (t Truncation) String() string {
	verb := "truncated"
	if t.Hashed {
		verb = "hashed"
	}
	return fmt.Sprintf("%s %s from %d to %d %s", t.Field, verb, t.From, t.To, t.Unit)
}

// Normalize returns a copy of e that fits the limits above, and what it changed. It never
// fails and does not modify e (slices it changes are copied):
//
//   - invalid UTF-8 in summary, details, alertKey and comment contents is replaced by
//     U+FFFD (JSON encoding would do the same, but then the limits could be exceeded);
//   - summary, details and comment contents over their limit are cut on a rune boundary
//     and end in "…";
//   - an alertKey over [MaxAlertKeyBytes] becomes its first bytes (cut on a rune boundary)
//     followed by "#" and the hex SHA-256 of the whole key: the same long key always gives
//     the same result, and different long keys stay different.
//
// [Client.Send] applies Normalize before [Event.Validate] and reports the truncations in
// [Response.Truncations].
func (e Event) Normalize() (Event, []Truncation) {
	var ts []Truncation
	e.Summary = strings.ToValidUTF8(e.Summary, "\uFFFD")
	if n := utf8.RuneCountInString(e.Summary); n > MaxSummaryRunes {
		e.Summary = truncateRunes(e.Summary, MaxSummaryRunes)
		ts = append(ts, Truncation{Field: "summary", From: n, To: utf8.RuneCountInString(e.Summary), Unit: "runes"})
	}
	e.Details = strings.ToValidUTF8(e.Details, "\uFFFD")
	if n := len(e.Details); n > MaxDetailsBytes {
		e.Details = truncateBytes(e.Details, MaxDetailsBytes)
		ts = append(ts, Truncation{Field: "details", From: n, To: len(e.Details), Unit: "bytes"})
	}
	e.AlertKey = strings.ToValidUTF8(e.AlertKey, "\uFFFD")
	if n := len(e.AlertKey); n > MaxAlertKeyBytes {
		e.AlertKey = hashKey(e.AlertKey)
		ts = append(ts, Truncation{Field: "alertKey", From: n, To: len(e.AlertKey), Unit: "bytes", Hashed: true})
	}
	copied := false
	for i, c := range e.Comments {
		content := strings.ToValidUTF8(c.Content, "\uFFFD")
		n := len(content)
		if n > MaxCommentBytes {
			content = truncateBytes(content, MaxCommentBytes)
			ts = append(ts, Truncation{Field: fmt.Sprintf("comments[%d].content", i), From: n, To: len(content), Unit: "bytes"})
		}
		if content != c.Content {
			if !copied { // never write into the caller's slice
				e.Comments = slices.Clone(e.Comments)
				copied = true
			}
			e.Comments[i].Content = content
		}
	}
	return e, ts
}

// hashKey shortens a long alert key to exactly MaxAlertKeyBytes or fewer bytes: a prefix
// kept for humans, then "#" and the hex SHA-256 of the whole key.
func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	suffix := "#" + hex.EncodeToString(sum[:])
	return cutBytes(key, MaxAlertKeyBytes-len(suffix)) + suffix
}

// truncateRunes cuts s to at most max runes, the last of them an ellipsis.
func truncateRunes(s string, max int) string {
	i, n := 0, 0
	for i < len(s) && n < max-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return s[:i] + ellipsis
}

// truncateBytes cuts s to at most max bytes on a rune boundary, ending in an ellipsis.
func truncateBytes(s string, max int) string {
	return cutBytes(s, max-len(ellipsis)) + ellipsis
}

// cutBytes returns the longest prefix of s of at most n bytes that ends on a rune boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
