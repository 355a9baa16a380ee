package mkp

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"1.2.3", "1.2.3-rc.1", "01.2.3", "1.2", "1.2.3+b", "1.2.3-", "0.0.0-0a.b-c", "v1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			if v != "" || Version(s).Valid() || !strings.Contains(err.Error(), "MAJOR.MINOR.PATCH[-pre]") {
				t.Fatalf("ParseVersion(%q) failed inconsistently: %q, %v", s, v, err)
			}
			return
		}
		if string(v) != s || !v.Valid() || strings.ContainsAny(s, "+/ ") {
			t.Fatalf("ParseVersion(%q) = %q", s, v)
		}
		if n := strings.Count(strings.SplitN(s, "-", 2)[0], "."); n != 2 {
			t.Fatalf("ParseVersion(%q): %d dots in the core", s, n)
		}
		m := AlertbridgeManifest(v)
		if m.FileName() != "alertbridge-"+s+".mkp" || m.Validate() != nil {
			t.Fatalf("a valid version %q makes an invalid manifest", s)
		}
	})
}

func FuzzPyStrRepr(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // Validate refuses such manifests
		}
		r := pyStrRepr(s)
		q := r[0]
		if (q != '\'' && q != '"') || r[len(r)-1] != q || len(r) < 2 {
			t.Fatalf("repr(%q) = %s: not quoted", s, r)
		}
		body := r[1 : len(r)-1]
		for i := 0; i < len(body); i++ {
			c := body[i]
			if c < 0x20 || c == 0x7f {
				t.Fatalf("repr(%q) = %q holds a raw control character", s, r)
			}
			if c == '\\' {
				i++ // the escaped character
				continue
			}
			if c == q {
				t.Fatalf("repr(%q) = %s holds an unescaped quote", s, r)
			}
		}
		m := AlertbridgeManifest("1.0.0")
		m.Description = s
		lit := string(m.PythonLiteral())
		if !strings.HasPrefix(lit, "{") || !strings.HasSuffix(lit, "}\n") || !utf8.ValidString(lit) {
			t.Fatalf("info for description %q is not a dict literal: %q", s, lit)
		}
	})
}
