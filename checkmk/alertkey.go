package checkmk

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// ErrNotEventsModeKey is wrapped by [ParseILertAlertKey] (and so by [FromILertWebhook])
// for an alert key that is not "<site>/<host>[/<service>]". Such keys come from alert
// sources fed by Checkmk's built-in iLert method (checkmk-ext) or the 1.x Nagios plug-in,
// for which iLert forms the key itself and documents nowhere how: the Checkmk object
// cannot be recovered from them. Two-way sync needs alertbridge's notifier in events mode.
var ErrNotEventsModeKey = errors.New("alert key is not <site>/<host>[/<service>]: two-way sync with Checkmk needs alert sources fed by alertbridge's notifier in events mode")

// ErrHashedAlertKey is wrapped by [ParseILertAlertKey] for a key that ilert's
// Event.Normalize shortened to a prefix and a SHA-256 (keys longer than
// ilert.MaxAlertKeyBytes): its service, at least, is cut off and cannot be mapped back.
var ErrHashedAlertKey = errors.New("alert key was shortened with a hash (longer than 255 bytes): its object cannot be recovered")

// AlertKeyObject is the Checkmk object an events-mode alert key names.
type AlertKeyObject struct {
	// Site is the OMD site (OMD_SITE when the notification was sent); empty when the
	// notifier ran without one.
	Site string
	// Host is the host name.
	Host string
	// Service is the service description, empty for a host.
	Service string
}

// IsService reports whether the key names a service.
func (o AlertKeyObject) IsService() bool { return o.Service != "" }

// String returns the key again: "<site>/<host>[/<service>]".
func (o AlertKeyObject) String() string {
	if o.Service == "" {
		return o.Site + "/" + o.Host
	}
	return o.Site + "/" + o.Host + "/" + o.Service
}

// validSiteName reports whether s follows OMD's rule for site names (omd create):
// ^[a-zA-Z_][a-zA-Z_0-9]{0,15}$. (A loop rather than a regular expression, which every
// process would compile at start: the notifier starts once per notification.)
func validSiteName(s string) bool {
	if len(s) == 0 || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// hashedKey reports whether key ends with the tail ilert's Event.Normalize gives a
// shortened key: "#" and 64 lower-case hex digits.
func hashedKey(key string) bool {
	if len(key) < 65 || key[len(key)-65] != '#' {
		return false
	}
	for i := len(key) - 64; i < len(key); i++ {
		if c := key[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// ParseILertAlertKey is the inverse of [ILertAlertKey]: it splits "<site>/<host>" or
// "<site>/<host>/<service>" at the first two slashes (host names contain no "/"; service
// descriptions may). The site must be empty or an OMD site name
// (^[a-zA-Z_][a-zA-Z_0-9]{0,15}$), the host non-empty without white space or control
// characters, a service (after a second slash) non-empty without control characters.
// Other keys give an error wrapping [ErrNotEventsModeKey]; keys shortened with a hash, one
// wrapping [ErrHashedAlertKey].
func ParseILertAlertKey(key string) (AlertKeyObject, error) {
	if hashedKey(key) {
		return AlertKeyObject{}, ErrHashedAlertKey
	}
	site, rest, ok := strings.Cut(key, "/")
	if !ok {
		return AlertKeyObject{}, fmt.Errorf("%w (no \"/\" in the key)", ErrNotEventsModeKey)
	}
	if site != "" && !validSiteName(site) {
		return AlertKeyObject{}, fmt.Errorf("%w (%s is not an OMD site name)", ErrNotEventsModeKey, quoteKeyPart(site))
	}
	host, service, isService := strings.Cut(rest, "/")
	switch {
	case host == "":
		return AlertKeyObject{}, fmt.Errorf("%w (empty host name)", ErrNotEventsModeKey)
	case strings.ContainsFunc(host, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return AlertKeyObject{}, fmt.Errorf("%w (%s is not a Checkmk host name)", ErrNotEventsModeKey, quoteKeyPart(host))
	case isService && strings.TrimSpace(service) == "":
		return AlertKeyObject{}, fmt.Errorf("%w (empty service description)", ErrNotEventsModeKey)
	case strings.ContainsFunc(service, unicode.IsControl):
		return AlertKeyObject{}, fmt.Errorf("%w (control character in the service description)", ErrNotEventsModeKey)
	}
	return AlertKeyObject{Site: site, Host: host, Service: service}, nil
}

// quoteKeyPart quotes a part of a key for an error, cut to a sane length.
func quoteKeyPart(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return fmt.Sprintf("%q", s)
}
