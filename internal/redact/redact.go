package redact

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Placeholder replaces every secret.
const Placeholder = "[redacted]"

// Redactor replaces a fixed set of secrets with [Placeholder]. The zero value and a nil
// *Redactor redact nothing (but [Redactor.URL] still hides URL passwords). A Redactor is
// immutable and safe for concurrent use; its replacement table is built on first use, so
// creating one per call is cheap when nothing needs redacting.
type Redactor struct {
	secrets []string // as given, empty ones dropped

	once     sync.Once
	replacer *strings.Replacer // nil when there is nothing to replace
	longest  int               // length in bytes of the longest form replaced
}

// New returns a Redactor for the given secrets. Empty strings are ignored. Besides each
// secret as given, its URL path-escaped, query-escaped and JSON-escaped forms are redacted,
// so a key survives neither in a request URL nor in an echoed JSON body.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if s != "" {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

// build creates the replacer: every form of every secret, longest first so that a secret
// containing another is replaced whole.
func (r *Redactor) build() {
	var all []string
	for _, s := range r.secrets {
		all = append(all, s, url.PathEscape(s), url.QueryEscape(s), jsonEscape(s))
	}
	if len(all) == 0 {
		return
	}
	slices.SortFunc(all, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	all = slices.Compact(all)
	r.longest = len(all[0])
	pairs := make([]string, 0, 2*len(all))
	for _, s := range all {
		pairs = append(pairs, s, Placeholder)
	}
	r.replacer = strings.NewReplacer(pairs...)
}

// With returns a new Redactor that redacts r's secrets and the given ones.
func (r *Redactor) With(secrets ...string) *Redactor {
	if r == nil {
		return New(secrets...)
	}
	return New(append(slices.Clone(r.secrets), secrets...)...)
}

// String returns s with every secret replaced.
func (r *Redactor) String(s string) string {
	if r == nil || len(r.secrets) == 0 {
		return s
	}
	r.once.Do(r.build)
	return r.replacer.Replace(s)
}

// Body returns an answer body as valid UTF-8 text with every secret replaced, cut to at most
// limit bytes on a rune boundary; cut reports that the text is not the whole body. partial
// says that the body was read only in part (a size limit stopped the read): a secret may
// then end in the middle, where redaction cannot recognise it, so the bytes at the end that
// could hold the start of one are dropped too. Redacting before cutting, and dropping that
// tail, means no prefix of a secret survives a cut.
func (r *Redactor) Body(body []byte, partial bool, limit int) (text string, cut bool) {
	text = r.String(strings.ToValidUTF8(string(body), "\uFFFD"))
	if partial && r != nil && len(r.secrets) > 0 {
		r.once.Do(r.build)
		limit = min(limit, len(text)-min(len(text), r.longest))
	}
	if len(text) <= limit {
		return text, partial
	}
	for limit > 0 && !utf8.RuneStart(text[limit]) {
		limit--
	}
	return text[:limit], true
}

// URL returns u as a string with its user information (proxy or basic-auth credentials)
// and every secret replaced. It returns "" for a nil URL.
func (r *Redactor) URL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User(Placeholder)
	}
	return r.String(c.String())
}

// RawURL is [Redactor.URL] for a URL string. A string that does not parse is redacted as
// a plain string.
func (r *Redactor) RawURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return r.String(raw)
	}
	return r.URL(u)
}

// Error returns an error whose message is err's with every secret replaced, or nil for a
// nil err. The result unwraps to err, so errors.Is and errors.As keep working; if err is a
// *url.Error (what an http.Client returns) it is replaced in the chain by a copy whose URL
// is redacted. Errors further down the chain are the originals: callers that print
// unwrapped causes themselves must redact them too.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	if ue, ok := err.(*url.Error); ok {
		c := *ue
		c.URL = r.RawURL(ue.URL)
		err = &c
	}
	msg := err.Error()
	red := r.String(msg)
	if red == msg {
		return err
	}
	return &redactedError{msg: red, err: err}
}

// redactedError carries a redacted message and the (partly redacted) original cause.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// PathSegment returns the unescaped path segment of u at index i, counting from 0 after the
// leading slash; a negative i counts from the end (-1 is the last segment). It reports false
// when there is no such segment. Sinks use it to register the key of a webhook URL such as
// https://host/POSTAlert/{key}/CheckMK as a secret.
func PathSegment(u *url.URL, i int) (string, bool) {
	if u == nil {
		return "", false
	}
	segs := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	if i < 0 {
		i += len(segs)
	}
	if i < 0 || i >= len(segs) || segs[i] == "" {
		return "", false
	}
	seg, err := url.PathUnescape(segs[i])
	if err != nil {
		return segs[i], true
	}
	return seg, true
}

func jsonEscape(s string) string {
	b, err := json.Marshal(s)
	if err != nil || len(b) < 2 {
		return s
	}
	return string(b[1 : len(b)-1])
}
