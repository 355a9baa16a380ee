package checkmk

import (
	"cmp"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
)

// Parameters are the parameters of the notification rule that called the script, as
// Checkmk flattens them into the context. Two families exist:
//
//   - a custom script's list "Call with the following parameters": PARAMETERS (the items
//     joined by spaces) and PARAMETER_1 … PARAMETER_n (each item verbatim); see List;
//   - a rule form's dictionary (built-in methods and plug-ins with a form):
//     PARAMETER_<KEY>, with nested values and tuples spread over _1, _2, … suffixes; see
//     Get, Password, Proxy, IgnoreSSL and URLPrefix, which know the encodings of every
//     Checkmk version from 2.0 to 2.4.
//
// Keys passed to the methods are without the "PARAMETER_" prefix ("ILERT_API_KEY").
// Parameter values may be secrets: String, %v and slog show only the number of variables.
// The zero Parameters is empty.
type Parameters struct {
	ctx hiddenMap
}

const paramPrefix = "PARAMETER_"

// newParameters returns the parameters found in ctx, a context or a bulk notification's
// parameter block (variable names without NOTIFY_). It copies what it needs.
func newParameters(ctx map[string]string) Parameters {
	m := make(map[string]string)
	for k, v := range ctx {
		if k == "PARAMETERS" || strings.HasPrefix(k, paramPrefix) {
			m[k] = v
		}
	}
	return Parameters{ctx: hide(m)}
}

// Get returns the value of PARAMETER_<key> and whether it is present.
func (p Parameters) Get(key string) (string, bool) {
	v, ok := p.ctx.get()[paramPrefix+key]
	return v, ok
}

// Has reports whether PARAMETER_<key> is present, whatever its value. Checkbox-like
// options such as IGNORE_SSL count by their presence.
func (p Parameters) Has(key string) bool {
	_, ok := p.ctx.get()[paramPrefix+key]
	return ok
}

// Keys returns the sorted keys of all PARAMETER_* variables, without the prefix.
func (p Parameters) Keys() []string {
	var keys []string
	for k := range p.ctx.get() {
		if rest, ok := strings.CutPrefix(k, paramPrefix); ok {
			keys = append(keys, rest)
		}
	}
	slices.Sort(keys)
	return keys
}

// Len returns the number of parameter variables (PARAMETERS and PARAMETER_*).
func (p Parameters) Len() int {
	n := 0
	for k := range p.ctx.get() {
		if k == "PARAMETERS" || strings.HasPrefix(k, paramPrefix) {
			n++
		}
	}
	return n
}

// Joined returns PARAMETERS, a custom script's parameter list joined by single spaces.
func (p Parameters) Joined() string { return p.ctx.get()["PARAMETERS"] }

// List returns a custom script's parameter list: the values of PARAMETER_1 …
// PARAMETER_n in numeric order (PARAMETER_10 after PARAMETER_9). Missing numbers are
// skipped, so the list has no holes; each item is verbatim (it may contain spaces and "=").
func (p Parameters) List() []string {
	type item struct {
		n int
		v string
	}
	var items []item
	for k, v := range p.ctx.get() {
		rest, ok := strings.CutPrefix(k, paramPrefix)
		if !ok || rest == "" || !isDigits(rest) {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil {
			continue
		}
		items = append(items, item{n, v})
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.n, b.n) })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IgnoreSSL reports whether PARAMETER_IGNORE_SSL is present: the rule turned TLS
// certificate verification off. Presence counts, not the value (Checkmk sets "True").
func (p Parameters) IgnoreSSL() bool { return p.Has("IGNORE_SSL") }

// TLSConfig returns a TLS configuration that skips certificate verification when
// IgnoreSSL is true, and nil (use the defaults) otherwise.
func (p Parameters) TLSConfig() *tls.Config {
	if !p.IgnoreSSL() {
		return nil
	}
	return &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12} // the rule says so
}

// Map returns a copy of the parameter variables, names with their PARAMETER_ prefix.
// The values may be secrets.
func (p Parameters) Map() map[string]string {
	out := make(map[string]string)
	for k, v := range p.ctx.get() {
		if k == "PARAMETERS" || strings.HasPrefix(k, paramPrefix) {
			out[k] = v
		}
	}
	return out
}

// String returns "checkmk.Parameters(<n> variables)", never a value.
func (p Parameters) String() string {
	return "checkmk.Parameters(" + strconv.Itoa(p.Len()) + " variables)"
}

// Format prints String for every verb.
func (p Parameters) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// LogValue makes slog log String.
func (p Parameters) LogValue() slog.Value { return slog.StringValue(p.String()) }
