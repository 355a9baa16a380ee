package mkp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Manifest is the description of an extension package: every field of Checkmk's
// Manifest (cmk/mkp_tool/_mkp.py). It is written twice into the package, as the Python
// literal "info" and as "info.json". Build one with the fields set and call Validate, or
// let New do it.
type Manifest struct {
	// Title is the one-line name shown in the GUI and by "mkp list".
	Title string
	// Name identifies the package: a letter or "_" first, then letters, digits, "_"
	// and "-".
	Name string
	// Description is free text shown by "mkp inspect" and in the GUI.
	Description string
	// Version is the package's own version (see ParseVersion).
	Version Version
	// VersionPackaged is the Checkmk version the package was made for and checked
	// against ("version.packaged").
	VersionPackaged string
	// VersionMinRequired is the oldest Checkmk version that may install the package
	// ("version.min_required"); "mkp enable" refuses older sites.
	VersionMinRequired string
	// VersionUsableUntil is the first Checkmk version the package is no longer meant
	// for ("version.usable_until"); "" writes Python's None, no limit.
	VersionUsableUntil string
	// Author names who made the package.
	Author string
	// DownloadURL is where the package can be found.
	DownloadURL string
	// Files lists, per part, the files' paths relative to the part's directory. New
	// fills it from the package's files.
	Files map[Part][]string
}

// Validate reports the first problem of the manifest: a missing title, name, version,
// packaged or minimum version, author or download URL, an invalid name, version or
// part, a text that is not UTF-8, or a file path that is not a clean relative path.
func (m Manifest) Validate() error {
	for _, f := range []struct{ name, value string }{
		{"title", m.Title}, {"name", m.Name}, {"version.packaged", m.VersionPackaged},
		{"version.min_required", m.VersionMinRequired}, {"author", m.Author},
		{"download_url", m.DownloadURL},
	} {
		if strings.TrimSpace(f.value) == "" {
			return fmt.Errorf("mkp: manifest field %s is empty", f.name)
		}
	}
	for _, f := range []struct{ name, value string }{
		{"title", m.Title}, {"name", m.Name}, {"description", m.Description},
		{"version.packaged", m.VersionPackaged}, {"version.min_required", m.VersionMinRequired},
		{"version.usable_until", m.VersionUsableUntil}, {"author", m.Author},
		{"download_url", m.DownloadURL},
	} {
		if !utf8.ValidString(f.value) {
			return fmt.Errorf("mkp: manifest field %s is not UTF-8 text", f.name)
		}
	}
	if !validName(m.Name) {
		return fmt.Errorf("mkp: package name %q must start with a letter or \"_\" and hold only letters, digits, \"_\" and \"-\"", m.Name)
	}
	if _, err := ParseVersion(string(m.Version)); err != nil {
		return err
	}
	for part, paths := range m.Files {
		if !part.Valid() {
			return fmt.Errorf("mkp: unknown package part %q", part)
		}
		for _, p := range paths {
			if err := checkRelPath(p); err != nil {
				return fmt.Errorf("mkp: part %s: %w", part, err)
			}
		}
	}
	return nil
}

// FileName returns the name Checkmk gives the package file: <name>-<version>.mkp.
func (m Manifest) FileName() string { return m.Name + "-" + string(m.Version) + ".mkp" }

// sortedParts returns the parts that have files, in name order.
func (m Manifest) sortedParts() []Part {
	var ps []Part
	for p, files := range m.Files {
		if len(files) > 0 {
			ps = append(ps, p)
		}
	}
	slices.Sort(ps)
	return ps
}

func (m Manifest) pyDict() pyDict {
	files := pyDict{}
	for _, p := range m.sortedParts() {
		l := pyList{}
		for _, f := range m.Files[p] {
			l = append(l, pyStr(f))
		}
		files[string(p)] = l
	}
	var until pyValue = pyNone{}
	if m.VersionUsableUntil != "" {
		until = pyStr(m.VersionUsableUntil)
	}
	return pyDict{
		"title":                pyStr(m.Title),
		"name":                 pyStr(m.Name),
		"description":          pyStr(m.Description),
		"version":              pyStr(m.Version),
		"version.packaged":     pyStr(m.VersionPackaged),
		"version.min_required": pyStr(m.VersionMinRequired),
		"version.usable_until": until,
		"author":               pyStr(m.Author),
		"download_url":         pyStr(m.DownloadURL),
		"files":                files,
	}
}

// PythonLiteral returns the manifest file "info": the manifest as a Python dictionary
// literal, formatted as Python's pprint.pformat formats it, with a newline at the end
// (as Checkmk's Manifest.file_content writes it). Checkmk reads it with
// ast.literal_eval.
func (m Manifest) PythonLiteral() []byte {
	return []byte(pformat(m.pyDict()) + "\n")
}

// JSON returns the manifest file "info.json": the same fields as a compact JSON object
// in Checkmk's field order (title, name, description, version, version.packaged,
// version.min_required, version.usable_until, author, download_url, files), the parts
// of files in name order. A usable_until of "" is null.
func (m Manifest) JSON() []byte {
	var b bytes.Buffer
	field := func(first bool, key string, v any) {
		if !first {
			b.WriteByte(',')
		}
		b.Write(jsonValue(key))
		b.WriteByte(':')
		b.Write(jsonValue(v))
	}
	var until any
	if m.VersionUsableUntil != "" {
		until = m.VersionUsableUntil
	}
	b.WriteByte('{')
	field(true, "title", m.Title)
	field(false, "name", m.Name)
	field(false, "description", m.Description)
	field(false, "version", string(m.Version))
	field(false, "version.packaged", m.VersionPackaged)
	field(false, "version.min_required", m.VersionMinRequired)
	field(false, "version.usable_until", until)
	field(false, "author", m.Author)
	field(false, "download_url", m.DownloadURL)
	b.WriteString(`,"files":{`)
	for i, p := range m.sortedParts() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(jsonValue(string(p)))
		b.WriteByte(':')
		b.Write(jsonValue(m.Files[p]))
	}
	b.WriteString("}}")
	return b.Bytes()
}

// jsonValue encodes strings, nil and string slices; HTML characters stay as they are.
func jsonValue(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte("null") // unreachable for the value types used
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// validName mirrors Checkmk's PackageName (^[^\d\W][-\w]*$), restricted to ASCII.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		switch {
		case letter:
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// maxPathLen keeps every file path within one ustar header.
const maxPathLen = 100

// checkRelPath accepts clean relative paths of ASCII letters, digits, ".", "_" and "-"
// segments, as the package's tar entries use them.
func checkRelPath(p string) error {
	if p == "" || len(p) > maxPathLen {
		return fmt.Errorf("file path %q must have 1 to %d characters", p, maxPathLen)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("file path %q is not a clean relative path", p)
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
				return fmt.Errorf("file path %q may hold only ASCII letters, digits, \".\", \"_\", \"-\" and \"/\"", p)
			}
		}
	}
	return nil
}

var errNoFiles = errors.New("mkp: the package has no files")
