package alertops

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/alertbridge/alertbridge/internal/httpx"
	"github.com/alertbridge/alertbridge/internal/redact"
)

// ErrInvalidWebhookURL is wrapped by every error about a webhook URL that cannot be used.
// The error never repeats the URL (it carries the account key). It is permanent.
var ErrInvalidWebhookURL = errors.New("alertops: invalid webhook URL")

// minGuessedSecret is the shortest path segment or query value of a webhook URL of unknown
// shape that is treated as a possible key and redacted from error texts. Shorter strings
// ("v1", "api") cannot be keys worth the name, and replacing them in error texts would
// make those unreadable; the whole path and query of such URLs are redacted regardless.
const minGuessedSecret = 8

// webhook is a parsed, validated webhook URL with what it takes to keep its key secret.
type webhook struct {
	url      string           // as sent
	display  string           // with the key, an unknown path and the query replaced
	redactor *redact.Redactor // the key (or guessed secrets), for error texts
}

// ValidateWebhookURL reports whether raw can be used as an AlertOps webhook URL: an
// absolute http or https URL with a host and a path, without user information or
// fragment. AlertOps' own URLs look like https://notify.alertops.com/POSTAlert/<key>/<integration>.
// The error wraps [ErrInvalidWebhookURL] and never contains the URL.
func ValidateWebhookURL(raw string) error {
	_, err := parseWebhook(raw)
	return err
}

// RedactWebhookURL returns raw with its secret parts replaced by "[redacted]", fit for
// logs and messages: the account key of AlertOps' URL shapes
// (https://notify.alertops.com/POSTAlert/[redacted]/CheckMK, and the legacy
// .../POSTAlertv2/generic/[redacted]/...), the whole path of any other shape, any query and
// user information. A string that is not an absolute URL with a host becomes "[redacted]".
func RedactWebhookURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return redact.Placeholder
	}
	display, _ := redactedURL(u)
	return display
}

// parseWebhook validates raw and prepares its redaction.
func parseWebhook(raw string) (webhook, error) {
	invalid := func(why string) (webhook, error) {
		return webhook{}, fmt.Errorf("%w: %s", ErrInvalidWebhookURL, why)
	}
	if strings.TrimSpace(raw) == "" {
		return invalid("it is empty")
	}
	u, err := httpx.ParseHTTPURL(raw)
	switch {
	case err != nil:
		return invalid(err.Error())
	case u.User != nil:
		return invalid("it must not contain user information (use a proxy option for proxy credentials)")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return invalid("it must not have a fragment")
	case strings.Trim(u.Path, "/") == "":
		return invalid("it has no path (want e.g. https://notify.alertops.com/POSTAlert/<key>/<integration>)")
	}
	display, secrets := redactedURL(u)
	return webhook{url: u.String(), display: display, redactor: redact.New(secrets...)}, nil
}

// redactedURL returns the display form of u and the strings to redact from error texts.
func redactedURL(u *url.URL) (display string, secrets []string) {
	c := *u
	c.User = nil
	c.Fragment, c.RawFragment = "", ""
	segs := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	if i := keyIndex(segs); i >= 0 {
		secrets = append(secrets, segs[i])
		if key, err := url.PathUnescape(segs[i]); err == nil {
			secrets = append(secrets, key)
		}
		segs[i] = redact.Placeholder
		c.RawPath = "/" + strings.Join(segs, "/")
	} else {
		// Unknown shape: the key could be anywhere in the path.
		secrets = appendGuessed(secrets, strings.TrimPrefix(u.EscapedPath(), "/"), strings.TrimPrefix(u.Path, "/"))
		for _, s := range segs {
			un, _ := url.PathUnescape(s)
			secrets = appendGuessed(secrets, s, un)
		}
		c.RawPath = "/" + redact.Placeholder
	}
	c.Path, _ = url.PathUnescape(c.RawPath)
	if u.RawQuery == "" && !u.ForceQuery {
		return c.String(), secrets
	}
	secrets = appendGuessed(secrets, u.RawQuery)
	for _, vs := range u.Query() {
		secrets = appendGuessed(secrets, vs...)
	}
	c.RawQuery, c.ForceQuery = "", false
	return c.String() + "?" + redact.Placeholder, secrets
}

// appendGuessed appends the candidates long enough to be treated as secrets.
func appendGuessed(secrets []string, candidates ...string) []string {
	for _, s := range candidates {
		if len(s) >= minGuessedSecret {
			secrets = append(secrets, s)
		}
	}
	return secrets
}

// keyIndex returns the index of the key segment in AlertOps' URL shapes, or -1:
// .../POSTAlert/{key}/... and the legacy .../POSTAlertv2/generic/{key}/....
func keyIndex(segs []string) int {
	for i, s := range segs {
		switch {
		case strings.EqualFold(s, "POSTAlert") && i+1 < len(segs) && segs[i+1] != "":
			return i + 1
		case strings.EqualFold(s, "POSTAlertv2") && i+2 < len(segs) &&
			strings.EqualFold(segs[i+1], "generic") && segs[i+2] != "":
			return i + 2
		}
	}
	return -1
}
