package healthchecks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/internal/jsonx"
)

// UnmarshalJSON decodes a check as Healthchecks' $JSON placeholder or its API renders it.
// It accepts any JSON object with a "name" key and converts plausible wrong types (numbers
// sent as strings, tags sent as a list, ...); see [Check] for what happens to the rest.
// As encoding/json expects, a JSON null leaves c unchanged.
func (c *Check) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	return c.decode(data)
}

// utf8BOM is the byte order mark some tools put before a JSON document.
var utf8BOM = []byte("\xef\xbb\xbf")

// decode fills c from data. It validates data as a whole first (json.Valid, which does not
// allocate) and then walks the top-level members (jsonx.Members), so that one pass both
// fills the typed fields and keeps the unknown keys (decoding into a map first costs three
// times as much).
func (c *Check) decode(data []byte) error {
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return ErrEmptyBody
	}
	if !json.Valid(data) {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return fmt.Errorf("%w: %w", ErrMalformedBody, err)
		}
		return ErrMalformedBody
	}
	// One copy of the body as a string: the fields below are substrings of it, which
	// saves an allocation per field.
	doc := string(data)
	*c = Check{}
	named := false
	isObject := jsonx.Members(doc, func(rawKey, value string) {
		key := keyName(rawKey)
		if key == "name" {
			named = true
		}
		if !c.set(key, value) {
			if c.Extra == nil {
				c.Extra = make(map[string]json.RawMessage)
			}
			c.Extra[key] = json.RawMessage(value)
		}
	})
	if !isObject {
		return fmt.Errorf("%w: the body is a JSON %s", ErrMalformedBody, kindOf(doc))
	}
	if !named {
		return ErrNotCheck
	}
	return nil
}

// set stores the value of the member key in its field. It reports false if the key is
// unknown or its value cannot be converted; the caller keeps such members in Extra.
func (c *Check) set(key, v string) bool {
	var ok bool
	switch key {
	case "name":
		c.Name, ok = asString(v)
	case "slug":
		c.Slug, ok = asString(v)
	case "tags":
		c.Tags, ok = asList(v, ' ')
	case "desc":
		c.Description, ok = asString(v)
	case "grace":
		c.Grace, ok = asSeconds(v)
	case "n_pings":
		c.Pings, ok = asInt(v)
	case "status":
		var s string
		s, ok = asString(v)
		c.Status = Status(s)
	case "started":
		c.Started, ok = asBool(v)
	case "last_ping":
		c.LastPing, ok = asTime(v)
	case "next_ping":
		c.NextPing, ok = asTime(v)
	case "manual_resume":
		c.ManualResume, ok = asBool(v)
	case "methods":
		c.Methods, ok = asString(v)
	case "subject":
		c.Subject, ok = asList(v, ',')
	case "subject_fail":
		c.SubjectFail, ok = asList(v, ',')
	case "start_kw":
		c.StartKeywords, ok = asList(v, ',')
	case "success_kw":
		c.SuccessKeywords, ok = asList(v, ',')
	case "failure_kw":
		c.FailureKeywords, ok = asList(v, ',')
	case "filter_subject":
		c.FilterSubject, ok = asBool(v)
	case "filter_body":
		c.FilterBody, ok = asBool(v)
	case "filter_http_body":
		c.FilterHTTPBody, ok = asBool(v)
	case "filter_default_fail":
		c.FilterDefaultFail, ok = asBool(v)
	case "badge_url":
		c.BadgeURL, ok = asString(v)
	case "last_duration":
		c.LastDuration, ok = asSeconds(v)
	case "uuid":
		c.UUID, ok = asString(v)
	case "ping_url":
		c.PingURL, ok = asString(v)
	case "update_url":
		c.UpdateURL, ok = asString(v)
	case "pause_url":
		c.PauseURL, ok = asString(v)
	case "resume_url":
		c.ResumeURL, ok = asString(v)
	case "channels":
		c.Channels, ok = asList(v, ',')
	case "timeout":
		c.Timeout, ok = asSeconds(v)
	case "schedule":
		c.Schedule, ok = asString(v)
	case "tz":
		c.TimeZone, ok = asString(v)
	case "unique_key":
		c.UniqueKey, ok = asString(v)
	}
	return ok
}

// kindOf names the type of the JSON document data for error messages.
func kindOf(data string) string {
	data = strings.TrimLeft(data, " \t\r\n")
	if len(data) == 0 {
		return "nothing"
	}
	switch data[0] {
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// keyName returns the member name of a raw JSON string key.
func keyName(raw string) string {
	s, _ := asString(raw)
	return s
}

// asString converts a JSON string, number or boolean to a string; null is "".
func asString(v string) (string, bool) {
	if len(v) == 0 {
		return "", false
	}
	switch v[0] {
	case '"':
		return jsonx.Unquote(v)
	case 'n':
		return "", true
	case '{', '[':
		return "", false
	}
	return v, true // number, true, false
}

// scalar returns the text of a JSON number, or of a JSON string holding a number or
// boolean, trimmed; null is "".
func scalar(v string) (string, bool) {
	if len(v) > 0 && (v[0] == '{' || v[0] == '[') {
		return "", false
	}
	s, ok := asString(v)
	return strings.TrimSpace(s), ok
}

// asInt converts a JSON number (or a numeric string) without fraction to an int64.
func asInt(v string) (int64, bool) {
	s, ok := scalar(v)
	if !ok || s == "" {
		return 0, ok
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) >= math.MaxInt64 {
			return 0, false
		}
		n = int64(f)
	}
	return n, true
}

// maxSeconds is the largest number of seconds a time.Duration holds.
const maxSeconds = float64(math.MaxInt64 / int64(time.Second))

// asSeconds converts a number of seconds (possibly fractional, possibly a numeric string)
// to a time.Duration.
func asSeconds(v string) (time.Duration, bool) {
	s, ok := scalar(v)
	if !ok || s == "" {
		return 0, ok
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if float64(n) > maxSeconds || float64(n) < -maxSeconds {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f > maxSeconds || f < -maxSeconds {
		return 0, false
	}
	return time.Duration(f * float64(time.Second)), true
}

// asBool converts a JSON boolean, or a string or number such as "true", "1" or 0.
func asBool(v string) (bool, bool) {
	s, ok := scalar(v)
	if !ok || s == "" {
		return false, ok
	}
	b, err := strconv.ParseBool(strings.ToLower(s))
	return b, err == nil
}

// asTime converts an ISO 8601 timestamp with offset (as Python's isoformat writes it) to a
// time in UTC; null and "" are the zero time.
func asTime(v string) (time.Time, bool) {
	s, ok := scalar(v)
	if !ok || s == "" {
		return time.Time{}, ok
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// asList converts a string of items separated by sep (space: any run of white space) or a
// JSON array of strings to a list without empty items; "" and null are nil.
func asList(v string, sep rune) ([]string, bool) {
	if len(v) > 0 && v[0] == '[' {
		var list []string
		if err := json.Unmarshal([]byte(v), &list); err != nil {
			return nil, false
		}
		return compact(list), true
	}
	s, ok := asString(v)
	if !ok || s == "" {
		return nil, ok
	}
	if sep == ' ' {
		return strings.Fields(s), true
	}
	return compact(strings.Split(s, string(sep))), true
}

// compact trims the items of list and drops the empty ones, in place; it returns nil for
// an empty result.
func compact(list []string) []string {
	out := list[:0]
	for _, item := range list {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
