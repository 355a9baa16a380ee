package mkp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Version is a package version of the form MAJOR.MINOR.PATCH with an optional
// pre-release suffix (-rc.1, -0.20260101120000-abcdef123456), as semantic versioning
// defines it without build metadata. Checkmk's mkp tool refuses to package a version
// that is not shaped like this, and the version is part of the file name
// (<name>-<version>.mkp). Make one with ParseVersion; the zero Version is invalid.
type Version string

// VersionError says why a text is not a package version. Its message quotes the text,
// which is never a secret.
type VersionError struct {
	Text   string // the rejected text, as given
	Reason string // what is wrong with it
}

// Error returns the text, quoted, and the reason.
func (e *VersionError) Error() string {
	return fmt.Sprintf("mkp: version %q is not MAJOR.MINOR.PATCH[-pre]: %s", e.Text, e.Reason)
}

// ParseVersion returns s as a Version when it is MAJOR.MINOR.PATCH[-pre]: three decimal
// numbers without leading zeros, optionally followed by "-" and dot-separated
// identifiers of ASCII letters, digits and "-" (numeric identifiers without leading
// zeros). Anything else, build metadata ("+...") included, gives a *VersionError.
func ParseVersion(s string) (Version, error) {
	if strings.Contains(s, "+") {
		return "", &VersionError{s, "build metadata (\"+...\") is not allowed"}
	}
	core, pre, hasPre := strings.Cut(s, "-")
	nums := strings.Split(core, ".")
	if len(nums) != 3 {
		return "", &VersionError{s, "it needs exactly three numbers separated by dots"}
	}
	for i, n := range nums {
		if err := checkNumeric(n); err != nil {
			return "", &VersionError{s, fmt.Sprintf("%s part %q %v", [...]string{"major", "minor", "patch"}[i], n, err)}
		}
	}
	if hasPre {
		if pre == "" {
			return "", &VersionError{s, "the pre-release after \"-\" is empty"}
		}
		for _, id := range strings.Split(pre, ".") {
			if err := checkPreID(id); err != nil {
				return "", &VersionError{s, fmt.Sprintf("pre-release identifier %q %v", id, err)}
			}
		}
	}
	return Version(s), nil
}

// VersionFromProgram turns a Go program's module version ("v1.2.3", "v0.0.0-2026…-abc")
// into a package version by removing the leading "v". A development build ("(devel)"
// or "") has no usable version; the error says to give one explicitly.
func VersionFromProgram(v string) (Version, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "(devel)" {
		return "", &VersionError{v, "this binary was built without a module version; give the package version explicitly"}
	}
	return ParseVersion(strings.TrimPrefix(v, "v"))
}

// Valid reports whether v is a version ParseVersion accepts.
func (v Version) Valid() bool {
	_, err := ParseVersion(string(v))
	return err == nil
}

// String returns the version text.
func (v Version) String() string { return string(v) }

var errLeadingZero = errors.New("has a leading zero")

func checkNumeric(n string) error {
	if n == "" {
		return errors.New("is empty")
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return errors.New("is not a decimal number")
		}
	}
	if len(n) > 1 && n[0] == '0' {
		return errLeadingZero
	}
	if _, err := strconv.ParseUint(n, 10, 63); err != nil {
		return errors.New("is too large")
	}
	return nil
}

func checkPreID(id string) error {
	if id == "" {
		return errors.New("is empty")
	}
	numeric := true
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-':
			numeric = false
		default:
			return errors.New("may hold only ASCII letters, digits and \"-\"")
		}
	}
	if numeric && len(id) > 1 && id[0] == '0' {
		return errLeadingZero
	}
	return nil
}
