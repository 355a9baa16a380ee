package level

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The lenient field types below never return an error: a value of a type they cannot use
// leaves the zero value, so one odd field never costs the whole alert. They are unexported;
// the exported types hold plain Go values.

// text decodes a JSON string; a number or boolean becomes its JSON text, and null, objects
// and arrays become "".
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	*t = ""
	if len(b) == 0 {
		return nil
	}
	switch c := b[0]; {
	case c == '"':
		*t = text(unquote(b))
	case c == 't' || c == 'f' || c == '-' || (c >= '0' && c <= '9'):
		*t = text(b)
	}
	return nil
}

// unquote returns the string a valid JSON string literal denotes. Literals without escapes
// and with valid UTF-8 (nearly all) are sliced, not decoded.
func unquote(b []byte) string {
	inner := b[1 : len(b)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner)
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return ""
	}
	return s
}

// boolean decodes true and false, and also the strings "true"/"false" (any case, as
// strconv.ParseBool reads them) and the numbers 1 and 0; anything else is false.
type boolean bool

func (v *boolean) UnmarshalJSON(b []byte) error {
	*v = false
	if len(b) == 0 {
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		s = unquote(b)
	}
	if parsed, err := strconv.ParseBool(strings.TrimSpace(s)); err == nil {
		*v = boolean(parsed)
	}
	return nil
}

// timestamp decodes an ISO 8601 / RFC 3339 time (with or without fraction; a missing zone
// is read as UTC) or a number of Unix seconds; anything else is the zero time. Times are
// returned in UTC.
type timestamp time.Time

// zoneless are the layouts tried, in UTC, when RFC 3339 parsing fails.
var zoneless = []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}

func (ts *timestamp) UnmarshalJSON(b []byte) error {
	*ts = timestamp{}
	if len(b) == 0 {
		return nil
	}
	if b[0] != '"' {
		if secs, err := strconv.ParseFloat(string(b), 64); err == nil && secs > 0 && secs < 1e11 {
			sec := int64(secs)
			*ts = timestamp(time.Unix(sec, int64((secs-float64(sec))*1e9)).UTC())
		}
		return nil
	}
	s := strings.TrimSpace(unquote(b))
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		*ts = timestamp(t.UTC())
		return nil
	}
	for _, layout := range zoneless {
		if t, err := time.Parse(layout, s); err == nil {
			*ts = timestamp(t)
			return nil
		}
	}
	return nil
}
