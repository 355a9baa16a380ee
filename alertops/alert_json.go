package alertops

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alertbridge/alertbridge/internal/jsonx"
)

// timestampLayout is the layout of [Alert.Timestamp] on the wire (always in UTC, so the
// zone is written as "Z").
const timestampLayout = "2006-01-02T15:04:05Z07:00"

// The JSON names of the fixed fields, in the payload reference's order.
const (
	keyEventKey         = "EventKey"
	keySource           = "Source"
	keyHost             = "Host"
	keyHostAddress      = "HostAddress"
	keyService          = "Service"
	keyState            = "State"
	keySeverity         = "Severity"
	keyNotificationType = "NotificationType"
	keySummary          = "Summary"
	keyMessage          = "Message"
	keyResolved         = "Resolved"
	keyTimestamp        = "Timestamp"
	keyDetailsURL       = "DetailsURL"
	keyLongMessage      = "LongMessage"
)

// isFixedKey reports whether k is the JSON name of a fixed field (case-sensitive).
func isFixedKey(k string) bool {
	switch k {
	case keyEventKey, keySource, keyHost, keyHostAddress, keyService, keyState, keySeverity,
		keyNotificationType, keySummary, keyMessage, keyResolved, keyTimestamp, keyDetailsURL,
		keyLongMessage:
		return true
	}
	return false
}

// MarshalJSON encodes the alert as AlertOps expects it: the fixed fields in the payload
// reference's order (DetailsURL and LongMessage only when non-empty), Timestamp in UTC as
// "2006-01-02T15:04:05Z" with sub-seconds truncated, then the [Alert.Extra] keys in sorted
// order, without those that name a fixed field. Strings are written as valid UTF-8 (an
// invalid byte becomes U+FFFD, as encoding/json does) and without HTML escaping.
//
// It fails only for a Timestamp whose UTC year is outside 0–9999 and for Extra values
// encoding/json cannot encode; the error names the field, never its value.
func (a Alert) MarshalJSON() ([]byte, error) {
	return a.appendJSON(make([]byte, 0, a.sizeHint()))
}

// sizeHint estimates the encoded size, to allocate once in the common case.
func (a Alert) sizeHint() int {
	n := 260 + len(a.EventKey) + len(a.Source) + len(a.Host) + len(a.HostAddress) +
		len(a.Service) + len(a.State) + len(a.Severity) + len(a.NotificationType) +
		len(a.Summary) + len(a.Message) + len(a.DetailsURL) + len(a.LongMessage)
	return n + n/16 + 64*len(a.Extra)
}

func (a Alert) appendJSON(b []byte) ([]byte, error) {
	ts := a.Timestamp.UTC()
	if y := ts.Year(); y < 0 || y > 9999 {
		return nil, errors.New("alertops: encoding alert: Timestamp year is outside 0-9999")
	}
	b = append(b, '{')
	b = appendField(b, keyEventKey, a.EventKey)
	b = append(b, ',')
	b = appendField(b, keySource, a.Source)
	b = append(b, ',')
	b = appendField(b, keyHost, a.Host)
	b = append(b, ',')
	b = appendField(b, keyHostAddress, a.HostAddress)
	b = append(b, ',')
	b = appendField(b, keyService, a.Service)
	b = append(b, ',')
	b = appendField(b, keyState, a.State)
	b = append(b, ',')
	b = appendField(b, keySeverity, string(a.Severity))
	b = append(b, ',')
	b = appendField(b, keyNotificationType, a.NotificationType)
	b = append(b, ',')
	b = appendField(b, keySummary, a.Summary)
	b = append(b, ',')
	b = appendField(b, keyMessage, a.Message)
	b = append(b, `,"`+keyResolved+`":`...)
	b = strconv.AppendBool(b, a.Resolved)
	b = append(b, `,"`+keyTimestamp+`":"`...)
	b = ts.Truncate(time.Second).AppendFormat(b, timestampLayout)
	b = append(b, '"')
	if a.DetailsURL != "" {
		b = append(b, ',')
		b = appendField(b, keyDetailsURL, a.DetailsURL)
	}
	if a.LongMessage != "" {
		b = append(b, ',')
		b = appendField(b, keyLongMessage, a.LongMessage)
	}
	if len(a.Extra) > 0 {
		var err error
		if b, err = appendExtra(b, a.Extra); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// extraKey is an Extra key with the form it has on the wire (invalid UTF-8 replaced).
type extraKey struct{ wire, raw string }

// appendExtra appends ,"key":value for every Extra key that is not a fixed field's name,
// sorted by the key as written. Two keys that are written alike (they differ only in
// invalid UTF-8 bytes) would make a duplicate JSON key: only the first in raw order is kept.
func appendExtra(b []byte, extra map[string]any) ([]byte, error) {
	keys := make([]extraKey, 0, len(extra))
	for k := range extra {
		if isFixedKey(k) {
			continue
		}
		keys = append(keys, extraKey{wire: validUTF8(k), raw: k})
	}
	slices.SortFunc(keys, func(x, y extraKey) int {
		return cmp.Or(strings.Compare(x.wire, y.wire), strings.Compare(x.raw, y.raw))
	})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i, k := range keys {
		if i > 0 && k.wire == keys[i-1].wire {
			continue
		}
		buf.Reset()
		if err := enc.Encode(extra[k.raw]); err != nil {
			// The key is named (it is a field name, not a secret); the value is not.
			return nil, fmt.Errorf("alertops: encoding alert: Extra[%q]: %w", k.wire, err)
		}
		b = append(b, ',')
		b = jsonx.AppendString(b, k.wire)
		b = append(b, ':')
		b = append(b, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})...)
	}
	return b, nil
}

// validUTF8 returns s with every byte that is not part of valid UTF-8 replaced by U+FFFD,
// one for each byte, as encoding/json both encodes and decodes such strings.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.WriteString(s[i : i+size])
		}
		i += size
	}
	return sb.String()
}

// appendField appends "name":"value"; name is a plain ASCII constant.
func appendField(b []byte, name, value string) []byte {
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `":`...)
	return jsonx.AppendString(b, value)
}

// UnmarshalJSON decodes an alert from a JSON object. The fixed fields are matched by their
// exact names (case-sensitive, so that keys differing only in case survive in Extra); a
// null leaves a field at its zero value; every other key goes into [Alert.Extra], decoded
// with numbers kept exactly as [encoding/json.Number]. Severity, State and the other enum-like
// strings are kept whatever their value (see [Severity.Valid]).
//
// Timestamp accepts RFC 3339 with any offset and fractional seconds, the same with a
// space for "T" or an offset without colon, and a time without offset (read as UTC); it
// is converted to UTC and keeps its sub-seconds. "" means the zero time. A wrong JSON type
// for a fixed field, an unreadable timestamp or one whose UTC year is outside 0–9999 is an
// error naming the field.
func (a *Alert) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil // the encoding/json convention: null is a no-op
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return fmt.Errorf("alertops: decoding alert: %w", err)
	}
	var out Alert
	var errs []error
	for k, raw := range fields {
		if err := out.decodeField(k, raw); err != nil {
			errs = append(errs, fmt.Errorf("alertops: decoding alert: %s: %w", k, err))
		}
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(x, y error) int { return strings.Compare(x.Error(), y.Error()) })
		return errors.Join(errs...)
	}
	*a = out
	return nil
}

// decodeField stores one key's value.
func (a *Alert) decodeField(k string, raw json.RawMessage) error {
	var s *string
	switch k {
	case keyEventKey:
		s = &a.EventKey
	case keySource:
		s = &a.Source
	case keyHost:
		s = &a.Host
	case keyHostAddress:
		s = &a.HostAddress
	case keyService:
		s = &a.Service
	case keyState:
		s = &a.State
	case keyNotificationType:
		s = &a.NotificationType
	case keySummary:
		s = &a.Summary
	case keyMessage:
		s = &a.Message
	case keyResolved:
		return json.Unmarshal(raw, &a.Resolved)
	case keyTimestamp:
		var v string
		if err := decodeString(raw, &v); err != nil || v == "" {
			return err
		}
		t, err := parseTimestamp(v)
		if err != nil {
			return err
		}
		a.Timestamp = t
		return nil
	case keyDetailsURL:
		s = &a.DetailsURL
	case keyLongMessage:
		s = &a.LongMessage
	case keySeverity:
		return decodeString(raw, (*string)(&a.Severity))
	default:
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		if a.Extra == nil {
			a.Extra = make(map[string]any)
		}
		a.Extra[k] = v
		return nil
	}
	return decodeString(raw, s)
}

// decodeString decodes a JSON string or null (leaving *s alone) into *s. Strings without
// escapes, the common case, are taken as they are; the rest go through encoding/json.
func decodeString(raw json.RawMessage, s *string) error {
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' {
		inner := raw[1 : n-1]
		if bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && utf8.Valid(inner) && !hasControl(inner) {
			*s = string(inner)
			return nil
		}
	}
	return json.Unmarshal(raw, s)
}

// hasControl reports whether b contains a byte below 0x20, which JSON strings must escape.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// timestampLayouts are the ISO 8601 forms parseTimestamp accepts, most likely first.
// Fractional seconds need no layout of their own: time.Parse accepts them after the
// seconds in any layout.
var timestampLayouts = [...]string{
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05",
}

// parseTimestamp parses an alert timestamp as [Alert.UnmarshalJSON] does and returns it
// in UTC: RFC 3339 ("2026-04-07T16:59:32Z", "2026-04-07T18:59:32.25+02:00"), the same
// with a space instead of "T" or an offset without colon ("+0200"), or a time without
// offset, which is read as UTC (Python's datetime.utcnow().isoformat()). "" yields the
// zero time. The error does not repeat the input.
func parseTimestamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timestampLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		t = t.UTC()
		if y := t.Year(); y < 0 || y > 9999 {
			return time.Time{}, errors.New("timestamp year is outside 0-9999 in UTC")
		}
		return t, nil
	}
	return time.Time{}, errors.New("timestamp is not an ISO 8601 date and time (want e.g. 2026-04-07T16:59:32Z)")
}
