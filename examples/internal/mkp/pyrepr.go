package mkp

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file writes the manifest file "info" the way Checkmk writes it: Python's
// pprint.pformat of the manifest dictionary (cmk/mkp_tool/_mkp.py, Manifest.file_content:
// pprint.pformat with its defaults width=80, indent=1, sorted keys, plus a newline). Only
// the value types a manifest has are supported: str, None, list of str and dict with str
// keys. The algorithm follows CPython's Lib/pprint.py (_format, _pprint_dict,
// _format_dict_items, _pprint_list, _format_items, _pprint_str) and the str repr of
// Objects/unicodeobject.c; the tests compare the output with python3 byte for byte.

// pyValue is a Python value of a manifest.
type pyValue interface{ isPyValue() }

type (
	pyStr  string
	pyNone struct{}
	pyList []pyValue
	pyDict map[string]pyValue
)

func (pyStr) isPyValue()  {}
func (pyNone) isPyValue() {}
func (pyList) isPyValue() {}
func (pyDict) isPyValue() {}

const pprintWidth = 80

// pformat returns pprint.pformat(v).
func pformat(v pyValue) string {
	var b strings.Builder
	ppFormat(&b, v, 0, 0, 0)
	return b.String()
}

// pyRepr returns repr(v) as Python's _safe_repr writes it inside pprint (sorted keys).
func pyRepr(v pyValue) string {
	switch v := v.(type) {
	case pyStr:
		return pyStrRepr(string(v))
	case pyNone:
		return "None"
	case pyList:
		items := make([]string, len(v))
		for i, e := range v {
			items[i] = pyRepr(e)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case pyDict:
		keys := sortedKeys(v)
		items := make([]string, len(keys))
		for i, k := range keys {
			items[i] = pyStrRepr(k) + ": " + pyRepr(v[k])
		}
		return "{" + strings.Join(items, ", ") + "}"
	}
	return "None" // unreachable: the four types above are all there are
}

func sortedKeys(d pyDict) []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys) // byte order of UTF-8 is code point order, as Python sorts str
	return keys
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

func ppFormat(b *strings.Builder, v pyValue, indent, allowance, level int) {
	rep := pyRepr(v)
	if runeLen(rep) <= pprintWidth-indent-allowance {
		b.WriteString(rep)
		return
	}
	switch v := v.(type) {
	case pyDict:
		b.WriteByte('{')
		if len(v) > 0 {
			ppDictItems(b, v, indent, allowance+1, level+1)
		}
		b.WriteByte('}')
	case pyList:
		b.WriteByte('[')
		ppListItems(b, v, indent, allowance+1, level+1)
		b.WriteByte(']')
	case pyStr:
		ppStr(b, string(v), indent, allowance, level+1)
	default:
		b.WriteString(rep)
	}
}

func ppDictItems(b *strings.Builder, d pyDict, indent, allowance, level int) {
	indent++
	delim := ",\n" + strings.Repeat(" ", indent)
	keys := sortedKeys(d)
	for i, k := range keys {
		last := i == len(keys)-1
		rep := pyStrRepr(k)
		b.WriteString(rep)
		b.WriteString(": ")
		a := 1
		if last {
			a = allowance
		}
		ppFormat(b, d[k], indent+runeLen(rep)+2, a, level)
		if !last {
			b.WriteString(delim)
		}
	}
}

func ppListItems(b *strings.Builder, l pyList, indent, allowance, level int) {
	indent++
	delim := ",\n" + strings.Repeat(" ", indent)
	for i, e := range l {
		if i > 0 {
			b.WriteString(delim)
		}
		a := 1
		if i == len(l)-1 {
			a = allowance
		}
		ppFormat(b, e, indent, a, level)
	}
}

func ppStr(b *strings.Builder, s string, indent, allowance, level int) {
	if s == "" {
		b.WriteString(pyStrRepr(s))
		return
	}
	lines := pySplitLinesKeepEnds(s)
	if level == 1 {
		indent++
		allowance++
	}
	maxWidth := pprintWidth - indent
	maxWidth1 := maxWidth
	var chunks []string
	var rep string
	for i, line := range lines {
		rep = pyStrRepr(line)
		lastLine := i == len(lines)-1
		if lastLine {
			maxWidth1 -= allowance
		}
		if runeLen(rep) <= maxWidth1 {
			chunks = append(chunks, rep)
			continue
		}
		parts := pySplitWords(line)
		maxWidth2 := maxWidth
		current := ""
		for j, part := range parts {
			candidate := current + part
			if j == len(parts)-1 && lastLine {
				maxWidth2 -= allowance
			}
			if runeLen(pyStrRepr(candidate)) > maxWidth2 {
				if current != "" {
					chunks = append(chunks, pyStrRepr(current))
				}
				current = part
			} else {
				current = candidate
			}
		}
		if current != "" {
			chunks = append(chunks, pyStrRepr(current))
		}
	}
	if len(chunks) == 1 {
		b.WriteString(rep)
		return
	}
	if level == 1 {
		b.WriteByte('(')
	}
	for i, c := range chunks {
		if i > 0 {
			b.WriteString("\n" + strings.Repeat(" ", indent))
		}
		b.WriteString(c)
	}
	if level == 1 {
		b.WriteByte(')')
	}
}

// pyIsLineBreak reports the characters str.splitlines splits at.
func pyIsLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// pySplitLinesKeepEnds is str.splitlines(True).
func pySplitLinesKeepEnds(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !pyIsLineBreak(r) {
			i += n
			continue
		}
		end := i + n
		if r == '\r' && end < len(s) && s[end] == '\n' {
			end++
		}
		lines = append(lines, s[start:end])
		start, i = end, end
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

// pyIsSpace is str.isspace for one character, which is what \s matches in a str pattern.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pySplitWords is re.findall(r'\S*\s*', line) without the empty match at the end:
// alternating runs of non-space and space characters, each run of non-space followed by
// the spaces after it.
func pySplitWords(line string) []string {
	var parts []string
	i := 0
	for i < len(line) {
		start := i
		for i < len(line) {
			r, n := utf8.DecodeRuneInString(line[i:])
			if pyIsSpace(r) {
				break
			}
			i += n
		}
		for i < len(line) {
			r, n := utf8.DecodeRuneInString(line[i:])
			if !pyIsSpace(r) {
				break
			}
			i += n
		}
		parts = append(parts, line[start:i])
	}
	return parts
}

// pyStrRepr is Python's repr of a str: single quotes unless the text holds a single
// quote and no double quote; backslash, the quote, \t, \n and \r escaped; other
// non-printable characters as \xNN, \uNNNN or \UNNNNNNNN; printable characters (also
// non-ASCII ones) as they are. s must be valid UTF-8.
func pyStrRepr(s string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteString(hex2(int(r)))
		case r < 0x7f || strconv.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			b.WriteString(`\x` + hex2(int(r)))
		case r < 0x10000:
			b.WriteString(`\u` + hex2(int(r)>>8) + hex2(int(r)&0xff))
		default:
			b.WriteString(`\U` + hex2(int(r)>>24) + hex2(int(r)>>16&0xff) + hex2(int(r)>>8&0xff) + hex2(int(r)&0xff))
		}
	}
	b.WriteByte(quote)
	return b.String()
}

func hex2(n int) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[n>>4&0xf], digits[n&0xf]})
}
