package httpx

import (
	"errors"
	"fmt"
	"net/url"
)

// ParseHTTPURL parses raw as an absolute http or https URL with a host: the one check of
// every base URL, webhook URL and link the packages and programs accept. The error says
// what is wrong without repeating raw, which may hold a key.
func ParseHTTPURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, errors.New("it does not parse as a URL") // url's error would repeat it
	case u.Scheme != "http" && u.Scheme != "https":
		if isWord(u.Scheme) { // "ftp", "file": named, to help; a key used as a scheme is not
			return nil, fmt.Errorf("the scheme %q is not http or https", u.Scheme)
		}
		return nil, errors.New("the scheme is not http or https")
	case u.Opaque != "" || u.Host == "":
		return nil, errors.New("it is not an absolute URL: it has no host")
	}
	return u, nil
}

// isWord reports whether s is a short word of letters, as real URL schemes are.
func isWord(s string) bool {
	if s == "" || len(s) > 8 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
