package level

import (
	"strconv"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/internal/jsonx"
)

// The conversions below turn one raw, valid JSON value into a Go value and never fail:
// a value of a type they cannot use gives the zero value, so one odd field never costs
// the whole alert.

// textValue returns the string a JSON string denotes; a number or boolean gives its JSON
// text, and null, objects and arrays give "".
func textValue(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	switch c := b[0]; {
	case c == '"':
		return unquote(b)
	case c == 't' || c == 'f' || c == '-' || (c >= '0' && c <= '9'):
		return string(b)
	}
	return ""
}

// unquote returns the string a valid JSON string literal denotes, with invalid UTF-8
// replaced by U+FFFD as encoding/json does ("" for anything else).
func unquote(b []byte) string {
	s, _ := jsonx.Unquote(b)
	return s
}

// boolValue reads true and false, and also the strings "true"/"false" (any case, as
// strconv.ParseBool reads them) and the numbers 1 and 0; anything else is false.
func boolValue(b []byte) bool {
	switch string(b) {
	case "true":
		return true
	case "false", "null", "":
		return false
	}
	s := string(b)
	if b[0] == '"' {
		s = unquote(b)
	}
	v, err := strconv.ParseBool(strings.TrimSpace(s))
	return err == nil && v
}

// zoneless are the layouts tried, in UTC, when RFC 3339 parsing fails.
var zoneless = []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}

// timeValue reads an ISO 8601 / RFC 3339 time (with or without fraction; a missing zone
// is read as UTC) or a positive number of Unix seconds; anything else is the zero time.
// Times are returned in UTC.
func timeValue(b []byte) time.Time {
	if len(b) == 0 || string(b) == "null" {
		return time.Time{}
	}
	if b[0] != '"' {
		secs, err := strconv.ParseFloat(string(b), 64)
		if err != nil || secs <= 0 || secs >= 1e11 {
			return time.Time{}
		}
		whole := int64(secs)
		return time.Unix(whole, int64((secs-float64(whole))*1e9)).UTC()
	}
	s := strings.TrimSpace(unquote(b))
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	for _, layout := range zoneless {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
