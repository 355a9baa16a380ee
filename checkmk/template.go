package checkmk

import "strings"

// ExpandMacros replaces Checkmk's $MACRO$ placeholders in template with the values of
// the context variables of the same name (names without NOTIFY_), as Checkmk's own
// plug-ins do for summary templates such as
// "$NOTIFICATIONTYPE$ Host Alert: $HOSTNAME$ is $HOSTSTATE$ - $HOSTOUTPUT$".
//
// A macro whose name is not in ctx becomes empty when the name looks like a macro
// (upper-case letters, digits and "_"), as in Checkmk. Other text between two "$" is left
// alone, so "costs $5 and $HOSTNAME$" keeps "$5 and ". The template is scanned once:
// values are inserted verbatim and never expanded again, so a value containing "$X$"
// stays as it is.
func ExpandMacros(template string, ctx map[string]string) string {
	return expand(template, func(name string) (string, bool) {
		v, ok := ctx[name]
		return v, ok
	})
}

// ExpandMacros replaces $MACRO$ placeholders in template with the notification's context
// variables (see the package function ExpandMacros).
func (n *Notification) ExpandMacros(template string) string {
	return ExpandMacros(template, n.ctx.get())
}

func expand(template string, lookup func(string) (string, bool)) string {
	i := strings.IndexByte(template, '$')
	if i < 0 {
		return template
	}
	var b strings.Builder
	b.Grow(len(template) + 64)
	b.WriteString(template[:i])
	rest := template[i:] // starts with '$'
	for {
		j := strings.IndexByte(rest[1:], '$')
		if j < 0 {
			b.WriteString(rest)
			break
		}
		name := rest[1 : 1+j]
		switch v, ok := lookup(name); {
		case ok && name != "":
			b.WriteString(v)
			rest = rest[2+j:]
		case isMacroName(name):
			rest = rest[2+j:]
		default:
			// Not a macro: keep the first '$' and the text, rescan from the second '$'.
			b.WriteString(rest[:1+j])
			rest = rest[1+j:]
		}
		k := strings.IndexByte(rest, '$')
		if k < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:k])
		rest = rest[k:]
	}
	return b.String()
}

// isMacroName reports whether s looks like a Checkmk macro name: non-empty, only
// upper-case ASCII letters, digits and '_'.
func isMacroName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
