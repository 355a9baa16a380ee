package ilert

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"slices"

	"github.com/alertbridge/alertbridge/internal/httpx"
)

// Response is what iLert answered to a successful call. iLert documents no success body,
// so every field taken from the body may be empty: a 202 with an empty, non-JSON or
// unknown JSON body is a success all the same.
type Response struct {
	// StatusCode is the HTTP status (202 normally, 200 from legacy endpoints).
	StatusCode int
	// AlertKey and AlertURL are the alert key and the alert's URL from the body, under
	// their current names (alertKey, alertUrl) or the legacy ones (incidentKey,
	// incidentUrl), searched at the top level first, then in nested objects.
	AlertKey, AlertURL string
	// ResponseCode is the body's responseCode, if any.
	ResponseCode string
	// CorrelationID is iLert's correlation-id header.
	CorrelationID string
	// Attempts is the number of requests sent (more than 1 after retries).
	Attempts int
	// Truncations lists the fields Send shortened to fit the limits.
	Truncations []Truncation
	// ScrubbedVariables lists the context variables SendCheckmk removed as secrets.
	ScrubbedVariables []string
}

func newResponse(r *httpx.Response) *Response {
	key, u, code := decodeSuccessBody(r.Body)
	return &Response{
		StatusCode:    r.StatusCode,
		AlertKey:      key,
		AlertURL:      u,
		ResponseCode:  code,
		CorrelationID: r.Header.Get("correlation-id"),
		Attempts:      r.Attempts,
	}
}

// decodeSuccessBody extracts what it can from a success body; it never fails.
func decodeSuccessBody(body []byte) (alertKey, alertURL, responseCode string) {
	m := decodeObject(body)
	if m == nil {
		return "", "", ""
	}
	return find(m, "alertKey", "incidentKey"), find(m, "alertUrl", "incidentUrl"), find(m, "responseCode")
}

// decodeErrorBody extracts iLert's error code and message; it never fails.
func decodeErrorBody(body []byte) (code, message string) {
	m := decodeObject(body)
	if m == nil {
		return "", ""
	}
	return scalar(m["code"]), scalar(m["message"])
}

// decodeObject decodes a JSON object, or returns nil for anything else.
func decodeObject(body []byte) map[string]any {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil
	}
	return m
}

// find returns the first non-empty scalar under one of the names, at the top level
// first, then depth-first in nested objects and arrays (as Checkmk searches incidentKey).
func find(m map[string]any, names ...string) string {
	for _, n := range names {
		if s := scalar(m[n]); s != "" {
			return s
		}
	}
	for _, k := range sortedKeys(m) {
		if s := findIn(m[k], names, 1); s != "" {
			return s
		}
	}
	return ""
}

// maxSearchDepth bounds the search in nested values.
const maxSearchDepth = 8

func findIn(v any, names []string, depth int) string {
	if depth > maxSearchDepth {
		return ""
	}
	switch x := v.(type) {
	case map[string]any:
		for _, n := range names {
			if s := scalar(x[n]); s != "" {
				return s
			}
		}
		for _, k := range sortedKeys(x) {
			if s := findIn(x[k], names, depth+1); s != "" {
				return s
			}
		}
	case []any:
		for _, sub := range x {
			if s := findIn(sub, names, depth+1); s != "" {
				return s
			}
		}
	}
	return ""
}

// sortedKeys makes the search deterministic.
func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

// scalar returns a JSON string or number as a string, anything else as "".
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

// Compile-time check: *http.Client is a Doer.
var _ Doer = (*http.Client)(nil)
