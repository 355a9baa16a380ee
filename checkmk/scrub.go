package checkmk

import (
	"cmp"
	"slices"
	"strconv"
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
//   - any other variable whose value or name contains one of the secrets found above
//     (values of 8 or more bytes), wherever a user may have copied one.
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
	out := make(map[string]string, len(ctx))
	scrubContext(ctx, func(name, value string) { out[name] = value })
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

// scrubContext does the work of ContextWithoutSecrets: it calls emit for every variable
// that stays, with its value redacted where needed.
func scrubContext(ctx map[string]string, emit func(name, value string)) {
	// Pass 1: the parameter variables only (a handful), to find the secret groups, the
	// secret values and whether a custom script's list is present.
	var params [16]paramVar
	ps := params[:0]
	for name, v := range ctx {
		if key, ok := parameterKey(name); ok {
			ps = append(ps, paramVar{name, key, v})
		}
	}
	var basesArr [len(secretParameterKeys) + 4]string
	bases := append(basesArr[:0], secretParameterKeys[:]...)
	hasList := false
	for _, p := range ps {
		switch {
		case isListKey(p.key):
			hasList = true
		case strings.HasSuffix(p.key, "_1") && len(p.key) > 2 && isPasswordMarker(p.v):
			bases = append(bases, p.key[:len(p.key)-2])
		default:
			if kind, _, tab := strings.Cut(p.v, "\t"); tab && isPasswordKind(kind) {
				bases = append(bases, p.key)
			}
		}
	}
	var secretsArr [8]string
	secrets := secretsArr[:0]
	for _, p := range ps {
		switch {
		case isListKey(p.key):
			secrets = appendSecret(secrets, listItemValue(p.v))
		case inGroup(p.key, bases):
			secrets = appendSecret(secrets, groupSecret(p.v))
		}
	}

	// Pass 2: copy what stays.
	for name, v := range ctx {
		if key, ok := parameterKey(name); ok {
			switch {
			case isListKey(key):
				emit(name, redactListItem(v))
			case !inGroup(key, bases) && !containsAny(v, secrets) && !containsAny(name, secrets):
				emit(name, v)
			}
			continue
		}
		switch {
		case name == "PARAMETERS" || name == notifyPrefix+"PARAMETERS":
			if hasList {
				emit(name, joinedList(ps, name != "PARAMETERS"))
			} else {
				emit(name, redactJoined(v))
			}
		case !containsAny(v, secrets) && !containsAny(name, secrets):
			emit(name, v)
		}
	}
}

// paramVar is a PARAMETER_<key> variable: its name, key and value.
type paramVar struct{ name, key, v string }

func isListKey(key string) bool { return key != "" && isDigits(key) }

// parameterKey returns the key of a PARAMETER_<key> variable (NOTIFY_ prefix tolerated),
// and false for any other variable, including PARAMETERS.
func parameterKey(name string) (string, bool) {
	name = strings.TrimPrefix(name, notifyPrefix)
	return strings.CutPrefix(name, paramPrefix)
}

// inGroup reports whether key is one of bases or a base followed by numbered suffixes
// (_1, _3_2, …).
func inGroup(key string, bases []string) bool {
	for {
		for _, b := range bases {
			if key == b {
				return true
			}
		}
		// Strip one trailing _<digits>: ILERT_API_KEY_3_2 → ILERT_API_KEY_3 → ILERT_API_KEY.
		i := strings.LastIndexByte(key, '_')
		if i <= 0 || !isListKey(key[i+1:]) {
			return false
		}
		key = key[:i]
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

// joinedList rebuilds PARAMETERS from the redacted items of the list in ps (those written
// with the NOTIFY_ prefix or those without) in numeric order, as Parameters.List does.
func joinedList(ps []paramVar, notify bool) string {
	type item struct {
		n int
		v string
	}
	var itemsArr [8]item
	items := itemsArr[:0]
	for _, p := range ps {
		if !isListKey(p.key) || notify != strings.HasPrefix(p.name, notifyPrefix) {
			continue
		}
		if n, err := strconv.Atoi(p.key); err == nil {
			items = append(items, item{n, p.v})
		}
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.n, b.n) })
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(redactListItem(it.v))
	}
	return b.String()
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
