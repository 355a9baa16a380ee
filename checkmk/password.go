package checkmk

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
)

// Password is a password-like rule parameter (an API key, a routing key, a webhook URL):
// either an explicit secret typed into the rule or the id of a password store entry.
// Resolve gives the secret in both cases. Printing a Password never shows the secret.
type Password struct {
	secret  Secret
	storeID string
}

// explicitPassword returns a Password holding the secret itself.
func explicitPassword(secret Secret) Password { return Password{secret: secret} }

// storedPassword returns a Password referring to the password store entry id.
func storedPassword(id string) Password { return Password{storeID: id} }

// IsStored reports whether the password is a reference into the password store.
func (p Password) IsStored() bool { return p.storeID != "" }

// StoreID returns the password store id, or "" for an explicit password.
func (p Password) StoreID() string { return p.storeID }

// Explicit returns the secret of an explicit password; ok is false for a stored one.
func (p Password) Explicit() (secret Secret, ok bool) { return p.secret, !p.IsStored() }

// Resolve returns the secret: the explicit one, or the one the password store holds under
// the id. store may be nil when the password is explicit.
func (p Password) Resolve(ctx context.Context, store *PasswordStore) (Secret, error) {
	if !p.IsStored() {
		return p.secret, nil
	}
	if store == nil {
		return Secret{}, fmt.Errorf("checkmk: password store id %q: no password store given", p.storeID)
	}
	return store.Lookup(ctx, p.storeID)
}

// String describes the password without its secret: `explicit password [redacted]` or
// `password store entry "<id>"`.
func (p Password) String() string {
	if p.IsStored() {
		return "password store entry " + strconv.Quote(p.storeID)
	}
	return "explicit password " + redacted
}

// Format prints String for every verb.
func (p Password) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// LogValue makes slog log String.
func (p Password) LogValue() slog.Value { return slog.StringValue(p.String()) }

// Markers of the password encodings (see Parameters.Password).
const (
	pwPostprocessed = "cmk_postprocessed"
	pwExplicit      = "explicit_password"
	pwStored        = "stored_password"
	pwStore         = "store"
)

// Password decodes the password parameter PARAMETER_<key> in whichever form the Checkmk
// version wrote it:
//
//   - 2.4 (FormSpec): _1=cmk_postprocessed, _2=explicit_password with the secret in _3_2,
//     or _2=stored_password with the store id in _3_1 (_3, "<id><TAB><secret>", is used
//     when _3_1/_3_2 are absent);
//   - 2.2/2.3: _1=<kind> and _2=<value>: kind "store" means _2 is a store id, any other
//     kind (such as "ilert_api_key" or "password") means _2 is the secret;
//   - 2.0/2.1: the single variable "<kind><TAB><value>" with the same meaning, or a bare
//     value without TAB, which is the secret itself (legacy).
//
// The forms are tried in that order, looking at the numbered variables explicitly rather
// than at the order of the environment. A missing parameter gives *MissingVariableError,
// an empty secret or id or an unknown 2.4 marker *InvalidVariableError; neither error
// contains the value.
func (p Parameters) Password(key string) (Password, error) {
	name := paramPrefix + key
	if v1, ok := p.Get(key + "_1"); ok {
		v2, _ := p.Get(key + "_2")
		if v1 == pwPostprocessed {
			return p.password24(key, v2)
		}
		if v1 == pwStore {
			return storedOrErr(name+"_2", v2)
		}
		return explicitOrErr(name+"_2", v2)
	}
	v, ok := p.Get(key)
	if !ok {
		return Password{}, &MissingVariableError{Name: name}
	}
	kind, value, tab := strings.Cut(v, "\t")
	switch {
	case !tab:
		return explicitOrErr(name, v)
	case kind == pwStore:
		return storedOrErr(name, value)
	default:
		return explicitOrErr(name, value)
	}
}

// password24 decodes the 2.4 FormSpec form after _1=cmk_postprocessed.
func (p Parameters) password24(key, how string) (Password, error) {
	name := paramPrefix + key
	id, hasID := p.Get(key + "_3_1")
	secret, hasSecret := p.Get(key + "_3_2")
	if joined, ok := p.Get(key + "_3"); ok && (!hasID || !hasSecret) {
		jid, jsecret, _ := strings.Cut(joined, "\t")
		if !hasID {
			id = jid
		}
		if !hasSecret {
			secret = jsecret
		}
	}
	switch how {
	case pwExplicit:
		return explicitOrErr(name+"_3_2", secret)
	case pwStored:
		return storedOrErr(name+"_3_1", id)
	}
	shown := "the value"
	if markerWord(how) {
		shown = strconv.Quote(how)
	}
	return Password{}, &InvalidVariableError{
		Name:   name + "_2",
		Reason: fmt.Sprintf("%s is neither %s nor %s", shown, pwExplicit, pwStored),
	}
}

// markerWord reports whether s looks like one of Checkmk's marker words (such as
// "explicit_password"): 1 to 32 lower-case letters and "_". Only such a value is quoted
// in an error; anything else could be a misplaced secret.
func markerWord(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

func explicitOrErr(name, secret string) (Password, error) {
	if secret == "" {
		return Password{}, &InvalidVariableError{Name: name, Reason: "the password is empty"}
	}
	return explicitPassword(NewSecret(secret)), nil
}

func storedOrErr(name, id string) (Password, error) {
	if id == "" {
		return Password{}, &InvalidVariableError{Name: name, Reason: "the password store id is empty"}
	}
	return storedPassword(id), nil
}
