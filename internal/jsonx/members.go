package jsonx

import (
	"encoding/json"
	"unicode/utf8"
)

// Members calls fn with the raw key (its quotes and escapes included; see [Unquote]) and
// the raw value of each member of the JSON object data, in order, and reports whether
// data is an object; for any other value it returns false without calling fn. Keys and
// values are slices of data, so a walk over a string allocates nothing.
//
// data must be valid JSON (check it with json.Valid first): Members finds member
// boundaries and never judges syntax, which keeps it short and fast. On invalid input it
// never panics and always ends, but what it reports is unspecified. FuzzMembers compares it
// with encoding/json's decoder on every valid object.
func Members[T string | []byte](data T, fn func(key, value T)) bool {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	for i < len(data) && data[i] == '"' {
		keyEnd := stringEnd(data, i)
		key := data[i:keyEnd]
		i = skipSpace(data, keyEnd) // at ':'
		if i >= len(data) || data[i] != ':' {
			return true // not valid JSON
		}
		i = skipSpace(data, i+1) // at the value
		end := valueEnd(data, i) // just after the value
		if end <= i {
			return true // not valid JSON
		}
		fn(key, data[i:end])
		i = skipSpace(data, end) // at ',' or '}'
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return true
}

// Unquote returns the string the JSON string literal lit denotes (quotes included, as
// [Members] passes keys and values), with invalid UTF-8 replaced by U+FFFD as
// encoding/json does; ok is false if lit is not a valid string literal. A literal without
// escapes and with valid UTF-8, nearly every one, is copied, not decoded.
func Unquote[T string | []byte](lit T) (string, bool) {
	if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
		return "", false
	}
	inner := lit[1 : len(lit)-1]
	plain := true
	for i := 0; i < len(inner); i++ {
		if inner[i] == '\\' || inner[i] == '"' || inner[i] < 0x20 {
			plain = false
			break
		}
	}
	if plain && valid(inner) {
		return string(inner), true
	}
	return decodeString([]byte(lit))
}

// decodeString is encoding/json's reading of a string literal; its own variable, so that
// the one Unquote returns on the fast path does not move to the heap.
func decodeString(lit []byte) (string, bool) {
	var s string
	if err := json.Unmarshal(lit, &s); err != nil {
		return "", false
	}
	return s, true
}

// valid reports whether b is valid UTF-8, without converting it (which would allocate).
func valid[T string | []byte](b T) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		var buf [utf8.UTFMax]byte
		n := copy(buf[:], b[i:])
		r, size := utf8.DecodeRune(buf[:n])
		if r == utf8.RuneError && size <= 1 {
			return false
		}
		i += size
	}
	return true
}

// skipSpace returns the index of the first byte at or after i that is not JSON
// whitespace.
func skipSpace[T string | []byte](b T, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// stringEnd returns the index just after the string that starts at b[i] == '"'.
func stringEnd[T string | []byte](b T, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++ // the escaped byte cannot end the string
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// valueEnd returns the index just after the value that starts at b[i].
func valueEnd[T string | []byte](b T, i int) int {
	if i >= len(b) {
		return len(b)
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = stringEnd(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(b)
	}
	// A number, true, false or null: it ends at a delimiter.
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ':', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}
