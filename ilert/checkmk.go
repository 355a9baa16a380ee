package ilert

import (
	"net/url"
	"slices"
	"strings"
)

// The checkmk-ext endpoint and the headers Checkmk's built-in iLert method (Checkmk 2.0 and
// later, cmk/notification_plugins/ilert.py) sends with it.
const (
	checkmkPath  = "/api/v1/events/checkmk-ext/"
	checkmkAgent = "checkmk/extension/1.0"
)

// secretNameParts mark a PARAMETER_* context variable whose value is a secret. Compared
// against the upper-cased name.
var secretNameParts = []string{"PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "WEBHOOK_URL", "CREDENTIAL"}

// ScrubCheckmkContext returns a copy of a Checkmk notification context (variable names
// without the NOTIFY_ prefix, as the checkmk-ext endpoint expects them) without the
// secrets, and the sorted names it removed. It removes:
//
//   - PARAMETER_ILERT_API_KEY and all its numbered forms (_1, _2, _3, _3_1, _3_2: the
//     encodings of Checkmk 2.0 to 2.4, explicit or password-store);
//   - any other PARAMETER_* variable whose name says PASSWORD, PASSWD, SECRET, TOKEN, KEY,
//     WEBHOOK_URL or CREDENTIAL;
//   - the positional script parameters PARAMETERS and PARAMETER_1, PARAMETER_2, ...: they
//     are the configuration of the notification script calling this (for a drop-in
//     notifier: "ilert=<key>", AlertOps webhook URLs), never input for iLert;
//   - any variable whose value contains integrationKey (also URL-escaped).
//
// User information (user:password@) in PARAMETER_* URL values such as PARAMETER_PROXY_URL
// is removed from the value, which is kept. Names with a NOTIFY_ prefix are treated the same
// way. The input map is not modified.
func ScrubCheckmkContext(integrationKey string, notifyContext map[string]string) (map[string]string, []string) {
	out := make(map[string]string, len(notifyContext))
	var removed []string
	for name, value := range notifyContext {
		if secretVariable(name) || containsKey(value, integrationKey) {
			removed = append(removed, name)
			continue
		}
		if isParameter(name) {
			value = stripUserinfo(value)
		}
		out[name] = value
	}
	slices.Sort(removed)
	return out, removed
}

func isParameter(name string) bool {
	return strings.HasPrefix(strings.TrimPrefix(strings.ToUpper(name), "NOTIFY_"), "PARAMETER")
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func secretVariable(name string) bool {
	if !isParameter(name) {
		return false
	}
	upper := strings.TrimPrefix(strings.ToUpper(name), "NOTIFY_")
	if upper == "PARAMETERS" || isDigits(strings.TrimPrefix(upper, "PARAMETER_")) {
		return true
	}
	if upper == "PARAMETER_ILERT_API_KEY" || strings.HasPrefix(upper, "PARAMETER_ILERT_API_KEY_") {
		return true
	}
	for _, part := range secretNameParts {
		if strings.Contains(upper, part) {
			return true
		}
	}
	return false
}

func containsKey(value, key string) bool {
	if key == "" {
		return false
	}
	return strings.Contains(value, key) || strings.Contains(value, url.PathEscape(key)) ||
		strings.Contains(value, url.QueryEscape(key))
}

// stripUserinfo removes credentials from a value that is an absolute URL with user
// information; any other value is returned unchanged.
func stripUserinfo(v string) string {
	if !strings.Contains(v, "@") || !strings.Contains(v, "://") {
		return v
	}
	u, err := url.Parse(v)
	if err != nil || u.User == nil {
		return v
	}
	u.User = nil
	return u.String()
}
