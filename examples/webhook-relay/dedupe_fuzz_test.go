package main

import (
	"strings"
	"testing"
)

// FuzzDedupeParse: parseDedupe never panics, keeps only well-formed entries, counts at
// least as many lines as entries, and reads its own output back unchanged.
func FuzzDedupeParse(f *testing.F) {
	f.Add([]byte(dedupeHeader + "1800000000 0123456789abcdef0123456789abcdef\n"))
	f.Add([]byte("1800000000 0123456789ABCDEF0123456789abcdef\n-1 x\n\n# comment\n"))
	f.Add([]byte("01 0123456789abcdef0123456789abcdef\n+5 0123456789abcdef0123456789abcdef"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, lines := parseDedupe(data)
		if lines < len(entries) {
			t.Fatalf("%d lines, %d entries", lines, len(entries))
		}
		var b strings.Builder
		for _, e := range entries {
			if e.at <= 0 || len(e.hash) != 32 || strings.Trim(e.hash, "0123456789abcdef") != "" {
				t.Fatalf("bad entry %+v", e)
			}
			b.WriteString(formatDedupeLine(e))
		}
		again, n := parseDedupe([]byte(b.String()))
		if n != len(entries) || len(again) != len(entries) {
			t.Fatalf("re-parse: %d lines, %d entries; want %d", n, len(again), len(entries))
		}
		for i := range again {
			if again[i] != entries[i] {
				t.Fatalf("entry %d: %+v, want %+v", i, again[i], entries[i])
			}
		}
	})
}

// FuzzSiteOfURL: siteOfURL never panics and returns only OMD site names.
func FuzzSiteOfURL(f *testing.F) {
	f.Add("https://cmk.example.com/prod/")
	f.Add("https://cmk/Prod_2/check_mk/")
	f.Fuzz(func(t *testing.T, raw string) {
		site, err := siteOfURL(raw)
		if err == nil && !validSiteName(site) {
			t.Fatalf("siteOfURL(%q) = %q, not a site name", raw, site)
		}
		if err != nil && site != "" {
			t.Fatalf("siteOfURL(%q) = %q with error %v", raw, site, err)
		}
	})
}
