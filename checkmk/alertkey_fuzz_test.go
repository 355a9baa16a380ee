package checkmk

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/alertbridge/alertbridge/ilert"
)

// FuzzParseILertAlertKey: parsing never panics, fails only with the two documented errors,
// and a parsed key prints back as itself; for any site, host and service the notifier can
// send, the key it builds parses back to them.
func FuzzParseILertAlertKey(f *testing.F) {
	for _, seed := range [][4]string{
		{"prod/web01/Filesystem /var", "prod", "web01", "Filesystem /var"},
		{"prod/db02", "prod", "db02", ""},
		{"web01.example.com", "", "web01", "Interface 1/0/2"},
		{"/web01", "", "web01", ""},
		{"prod//x", "a_b", "h", "/"},
		{"x/y/z\x00", "\xff", "h\xff", "s\n"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, key, site, host, service string) {
		obj, err := ParseILertAlertKey(key)
		if err != nil {
			if !errors.Is(err, ErrNotEventsModeKey) && !errors.Is(err, ErrHashedAlertKey) {
				t.Fatalf("ParseILertAlertKey(%q): unexpected error %v", key, err)
			}
		} else if obj.String() != key {
			t.Fatalf("ParseILertAlertKey(%q) = %+v, prints as %q", key, obj, obj.String())
		}
		// The other direction: what the notifier would build for a valid object.
		if !validSiteName(site) || host == "" || strings.ContainsAny(host, "/ \t\r\n\v\f\u0085\u00a0") ||
			!utf8.ValidString(host+service) || strings.TrimSpace(service) != service {
			return
		}
		want := AlertKeyObject{Site: site, Host: host, Service: service}
		built := want.String()
		if len(built) > ilert.MaxAlertKeyBytes {
			return // ilert hashes it; covered by ErrHashedAlertKey
		}
		got, err := ParseILertAlertKey(built)
		if err != nil {
			if strings.ContainsFunc(host+service, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }) {
				return // control characters are rejected on purpose
			}
			if strings.ContainsFunc(host, func(r rune) bool { return r > 0x7f }) {
				return // exotic white space in host names is rejected too
			}
			t.Fatalf("%q built from %+v does not parse: %v", built, want, err)
		}
		if got != want {
			t.Fatalf("%q parses to %+v, want %+v", built, got, want)
		}
	})
}

// FuzzKeyChecks: validSiteName and hashedKey, loops written for a fast start, say what
// the regular expressions of OMD's site names and of ilert's shortened keys say.
func FuzzKeyChecks(f *testing.F) {
	siteName := regexp.MustCompile(`^[a-zA-Z_][a-zA-Z_0-9]{0,15}$`)
	hashed := regexp.MustCompile(`#[0-9a-f]{64}$`)
	for _, s := range []string{"prod", "_a1", "1prod", "", "abcdefghijklmnop", "abcdefghijklmnopq", "a-b",
		"k#" + strings.Repeat("ab", 32), "#" + strings.Repeat("0", 64), "#" + strings.Repeat("A", 64), strings.Repeat("f", 65)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validSiteName(s), siteName.MatchString(s); got != want {
			t.Errorf("validSiteName(%q) = %v, the expression says %v", s, got, want)
		}
		if got, want := hashedKey(s), hashed.MatchString(s); got != want {
			t.Errorf("hashedKey(%q) = %v, the expression says %v", s, got, want)
		}
	})
}
