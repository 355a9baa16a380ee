package checkmk

import (
	"strings"
)

// Parameter keys (without PARAMETER_) whose whole group — the variable itself and every
// numbered form such as _1, _2, _3_1 — ContextWithoutSecrets removes whatever the
// encoding: the secrets of Checkmk's built-in methods, the AlertOps plug-in's webhook URL
// and the proxy setting, which can carry credentials.
var secretParameterKeys = [...]string{
	"ILERT_API_KEY",        // built-in iLert method
	"ALERTOPS_WEBHOOK_URL", // AlertOps plug-in (the URL's path holds the key)
	"ROUTING_KEY",          // built-in PagerDuty method
	"WEBHOOK_URL",          // built-in Slack, Teams, PagerDuty methods
	"PASSWORD",             // built-in Opsgenie method (its API key)
	"PROXY_URL",            // explicit proxy URL, may be user:password@host
}

// Markers that make a parameter group a password, in whichever encoding: the first member
// of a 2.0–2.3 tuple ("<kind><TAB><value>" or _1=<kind>) naming an explicit secret or a
// password store reference, and the 2.4 FormSpec marker. A 2.4 group marked
// cmk_postprocessed is always removed: Checkmk uses the marker for passwords and proxies.
var passwordKinds = [...]string{
	pwStore,         // password store reference (2.0–2.3)
	"password",      // IndividualOrStoredPassword, explicit
	"ilert_api_key", // iLert form, explicit
	"routing_key",   // PagerDuty form, explicit
	"webhook_url",   // Slack/Teams forms, explicit
	pwExplicit,      // 2.4 second member, seen as first member of a flattened tuple
	pwStored,
}

// RedactedValue replaces the value of every custom-script parameter in the output of
// ContextWithoutSecrets.
const RedactedValue = redacted

// ContextWithoutSecrets returns a copy of a notification context (variable names without
// the NOTIFY_ prefix; a NOTIFY_ prefix is tolerated) in which no secret of the rule's
// parameters is left. It is the body to hand to iLert's checkmk-ext endpoint
// (ilert.Client.SendCheckmk) and what ToILert puts in customDetails. The input is not
// modified.
//
// It removes:
//
//   - every variable of a password-form parameter in any Checkmk version's encoding
//     (see Parameters.Password): a group PARAMETER_<X>, PARAMETER_<X>_1, _2, _3, _3_1,
//     _3_2 … is removed whole when _1 is cmk_postprocessed (2.4), when _1 is "store" or a
//     password kind such as ilert_api_key, password, routing_key or webhook_url
//     (2.2/2.3), or when PARAMETER_<X> is "<kind><TAB><value>" with such a kind (2.0/2.1);
//   - the groups of the parameters known to be secret whatever their form:
//     ILERT_API_KEY, ALERTOPS_WEBHOOK_URL, ROUTING_KEY, WEBHOOK_URL, PASSWORD (Opsgenie's
//     API key) and PROXY_URL — always, because a proxy URL may carry credentials and the
//     receiver has no use for the sender's proxy;
//   - any other variable whose value contains one of the secrets found above (explicit
//     keys of 8 or more bytes), wherever a user may have copied one.
//
// A custom script's parameter list (PARAMETER_1 … PARAMETER_n and PARAMETERS) is the
// script's own configuration, and the package cannot know which items are secrets
// ("ilert=<key>", "alertops=<webhook URL>", a bare 1.x API key): every item keeps its
// name and loses its value, "ilert=<key>" becoming "ilert=[redacted]" and a bare item
// "[redacted]"; PARAMETERS is rebuilt from the redacted items.
//
// Package ilert's ScrubCheckmkContext is a second, name-pattern based line of defence
// inside the sink; this function is the primary one because it knows the encodings.
func ContextWithoutSecrets(ctx map[string]string) map[string]string {
	out, _ := scrubContext(ctx)
	return out
}

// ContextWithoutSecrets returns the notification's context without secrets (see the
// package function ContextWithoutSecrets).
func (n *Notification) ContextWithoutSecrets() map[string]string {
	if n == nil {
		return map[string]string{}
	}
	return ContextWithoutSecrets(n.ctx.get())
}

// minSecretLen is the shortest secret value that is searched for in other variables:
// shorter ones would match ordinary text.
const minSecretLen = 8

// scrubContext does the work of ContextWithoutSecrets and also returns the secret values
// it found (for the tests' no-leak assertions and the value search).
func scrubContext(ctx map[string]string) (map[string]string, []string) {
	// Pass 1: find the secret groups (by base name, without prefixes) and list items.
	secretBases := make(map[string]bool, 4)
	for _, k := range secretParameterKeys {
		secretBases[k] = true
	}
	var secrets []string
	hasList := false
	for name, v := range ctx {
		key, ok := parameterKey(name)
		if !ok {
			continue
		}
		if isDigits(key) && key != "" {
			hasList = true
			secrets = appendSecret(secrets, listItemValue(v))
			continue
		}
		if base, ok := strings.CutSuffix(key, "_1"); ok && base != "" && isPasswordMarker(v) {
			secretBases[base] = true
			continue
		}
		if kind, _, tab := strings.Cut(v, "\t"); tab && isPasswordKind(kind) {
			secretBases[key] = true
		}
	}

	// Pass 2: collect the secret values of the groups, then copy what stays.
	out := make(map[string]string, len(ctx))
	for name, v := range ctx {
		key, ok := parameterKey(name)
		if ok {
			if base := groupBase(key, secretBases); base != "" {
				secrets = appendSecret(secrets, groupSecret(v))
				continue
			}
		}
		out[name] = v
	}
	for name, v := range out {
		key, isParam := parameterKey(name)
		switch {
		case isParam && isDigits(key) && key != "":
			out[name] = redactListItem(v)
		case name == "PARAMETERS" || name == notifyPrefix+"PARAMETERS":
			// rebuilt below
		case containsAny(v, secrets):
			delete(out, name)
		}
	}
	for _, name := range [...]string{"PARAMETERS", notifyPrefix + "PARAMETERS"} {
		v, ok := out[name]
		if !ok {
			continue
		}
		if hasList {
			out[name] = joinedList(ctx, strings.TrimSuffix(name, "PARAMETERS"))
		} else {
			out[name] = redactJoined(v)
		}
	}
	return out, secrets
}

// parameterKey returns the key of a PARAMETER_<key> variable (NOTIFY_ prefix tolerated),
// and false for any other variable, including PARAMETERS.
func parameterKey(name string) (string, bool) {
	name = strings.TrimPrefix(name, notifyPrefix)
	return strings.CutPrefix(name, paramPrefix)
}

// groupBase returns the secret base key that key belongs to — the base itself or the base
// followed by numbered suffixes (_1, _3_2, …) — or "".
func groupBase(key string, bases map[string]bool) string {
	if bases[key] {
		return key
	}
	// Strip trailing _<digits> parts one at a time: ILERT_API_KEY_3_2 → _3 → base.
	for {
		i := strings.LastIndexByte(key, '_')
		if i <= 0 || !isDigits(key[i+1:]) || i+1 == len(key) {
			return ""
		}
		key = key[:i]
		if bases[key] {
			return key
		}
	}
}

// groupSecret returns the part of a password group's variable that may be a secret: the
// member after a TAB, else the whole value. Markers and empty values give "".
func groupSecret(v string) string {
	if _, rest, tab := strings.Cut(v, "\t"); tab {
		v = rest
	}
	if isPasswordMarker(v) {
		return ""
	}
	return v
}

func isPasswordMarker(v string) bool { return v == pwPostprocessed || isPasswordKind(v) }

func isPasswordKind(v string) bool {
	for _, k := range passwordKinds {
		if v == k {
			return true
		}
	}
	return false
}

// listItemValue returns the value part of a custom-script item: after the first "=", or
// the whole item when it has none.
func listItemValue(item string) string {
	if _, v, ok := strings.Cut(item, "="); ok {
		return v
	}
	return item
}

// redactListItem keeps the name of a "name=value" item and replaces the value; a bare item
// is replaced whole. An item "name=" with an empty value stays as it is.
func redactListItem(item string) string {
	name, v, ok := strings.Cut(item, "=")
	switch {
	case !ok:
		if item == "" {
			return ""
		}
		return redacted
	case v == "":
		return item
	}
	return name + "=" + redacted
}

// joinedList rebuilds PARAMETERS from the redacted PARAMETER_1 … PARAMETER_n of ctx.
func joinedList(ctx map[string]string, prefix string) string {
	items := NewParameters(stripPrefixes(ctx, prefix)).List()
	for i, it := range items {
		items[i] = redactListItem(it)
	}
	return strings.Join(items, " ")
}

// stripPrefixes returns the PARAMETER_<digits> variables of ctx written with prefix
// (""/"NOTIFY_"), without it.
func stripPrefixes(ctx map[string]string, prefix string) map[string]string {
	m := make(map[string]string, 4)
	for name, v := range ctx {
		rest, ok := strings.CutPrefix(name, prefix+paramPrefix)
		if ok && rest != "" && isDigits(rest) {
			m[paramPrefix+rest] = v
		}
	}
	return m
}

// redactJoined redacts a PARAMETERS value that came without its numbered items: split at
// spaces (the way Checkmk joined them), each item redacted.
func redactJoined(v string) string {
	fields := strings.Split(v, " ")
	for i, f := range fields {
		fields[i] = redactListItem(f)
	}
	return strings.Join(fields, " ")
}

func appendSecret(secrets []string, s string) []string {
	if len(s) < minSecretLen {
		return secrets
	}
	return append(secrets, s)
}

func containsAny(v string, secrets []string) bool {
	if len(v) < minSecretLen {
		return false
	}
	for _, s := range secrets {
		if strings.Contains(v, s) {
			return true
		}
	}
	return false
}
