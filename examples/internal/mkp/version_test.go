package mkp

import (
	"errors"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	valid := []string{
		"0.0.0", "1.2.3", "10.20.30", "1.0.0-rc.1", "1.0.0-alpha", "1.0.0-0.3.7",
		"1.0.0-x-y-z.--", "0.0.0-20260101120000-abcdef123456", "2.5.0-beta.11",
	}
	for _, s := range valid {
		v, err := ParseVersion(s)
		if err != nil || string(v) != s || !v.Valid() {
			t.Errorf("ParseVersion(%q) = %q, %v; want it accepted", s, v, err)
		}
	}
	invalid := map[string]string{
		"":                         "three numbers",
		"1.2":                      "three numbers",
		"1.2.3.4":                  "three numbers",
		"v1.2.3":                   "major",
		"01.2.3":                   "leading zero",
		"1.02.3":                   "leading zero",
		"1.2.x":                    "patch",
		"1.2.3-":                   "empty",
		"1.2.3-a..b":               "empty",
		"1.2.3-01":                 "leading zero",
		"1.2.3+build.5":            "build metadata",
		"1.2.3-rc/1":               "ASCII letters",
		"1.2.3-ä":                  "ASCII letters",
		"1.2.99999999999999999999": "too large",
		"2.4.0p16":                 "patch",
	}
	for s, reason := range invalid {
		_, err := ParseVersion(s)
		var ve *VersionError
		if !errors.As(err, &ve) {
			t.Errorf("ParseVersion(%q): got %v, want a *VersionError", s, err)
			continue
		}
		if ve.Text != s || !strings.Contains(err.Error(), "MAJOR.MINOR.PATCH[-pre]") || !strings.Contains(ve.Reason, reason) {
			t.Errorf("ParseVersion(%q): error %q, want the text, the expected shape and %q", s, err, reason)
		}
		if Version(s).Valid() {
			t.Errorf("Version(%q).Valid() = true", s)
		}
	}
}

func TestVersionFromProgram(t *testing.T) {
	for in, want := range map[string]Version{
		"v1.2.3":                             "1.2.3",
		" v0.4.0 ":                           "0.4.0",
		"2.0.0":                              "2.0.0",
		"v0.0.0-20260101120000-abcdef123456": "0.0.0-20260101120000-abcdef123456",
	} {
		got, err := VersionFromProgram(in)
		if err != nil || got != want {
			t.Errorf("VersionFromProgram(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "(devel)", "v1.2", "v1.2.3+dirty"} {
		if _, err := VersionFromProgram(in); err == nil {
			t.Errorf("VersionFromProgram(%q) accepted it", in)
		}
	}
	_, err := VersionFromProgram("(devel)")
	if !strings.Contains(err.Error(), "explicitly") {
		t.Errorf("the error for a development build should say to give the version: %v", err)
	}
}
