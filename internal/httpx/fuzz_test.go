package httpx

import (
	"net/http"
	"testing"
	"time"
)

// FuzzParseRetryAfter: no panic, never a negative wait, and a valid seconds value
// round-trips.
func FuzzParseRetryAfter(f *testing.F) {
	for _, seed := range []string{"", "0", "120", "-1", "1e3", "99999999999999999999",
		"Wed, 21 Oct 2015 07:28:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := ParseRetryAfter(v, fixedNow)
		if d < 0 {
			t.Errorf("ParseRetryAfter(%q) = %v", v, d)
		}
		if !ok && d != 0 {
			t.Errorf("ParseRetryAfter(%q) = %v without ok", v, d)
		}
		if ok && d > 0 && d < time.Hour {
			if _, err := http.ParseTime(v); err != nil {
				if got, _ := ParseRetryAfter(v, fixedNow.Add(time.Hour)); got != d {
					t.Errorf("seconds value %q depends on the clock", v)
				}
			}
		}
	})
}
