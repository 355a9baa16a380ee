package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/alertbridge/alertbridge/alertops"
)

// configError is a configuration problem: exit 2. It names the script parameter or form
// field and says how to fix it. Its format holds everything but the parts derived from
// values (see setting.errorf); those parts never show more than six bytes of a value.
type configError struct {
	format string
	args   []any
}

func (e *configError) Error() string { return fmt.Sprintf(e.format, e.args...) }

// configErrorf returns a *configError. format is a constant text (or one built from
// constants, see setting.errorf); args are short, safe words and names.
func configErrorf(format string, args ...any) error {
	return &configError{format: format, args: args}
}

// setting is one item of a rule's configuration in the vocabulary of the custom script's
// parameters, name=value (see builder.apply), wherever it came from: a script parameter
// itself, or a field of a rule form translated into one (formSettings). So one parser
// reads every kind of rule.
type setting struct {
	name     string   // lower case: ilert, alertops, ilert_mode, ...
	value    string   // trimmed; may be a secret
	origin   string   // how errors name it: "script parameter 3", `alertbridge form, field "Queue" (PARAMETER_SPOOL)`
	shown    string   // the script parameter's name, when errors may quote it (shownName)
	values   []string // every value of the rule, which no error may show (see detailf)
	fromForm bool
	bare     bool // an iLert API key given as a bare first script parameter (iLert 1.x)
}

// errorf returns a configuration error that starts with the setting's origin and, for a
// script parameter, its name when it may be shown. format is a constant text; args are
// what is derived from values: safeValue words (see also detailf).
func (s setting) errorf(format string, args ...any) error {
	prefix := strings.ReplaceAll(s.origin, "%", "%%")
	if s.shown != "" {
		prefix += " (%q)"
		args = append([]any{s.shown}, args...)
	}
	return configErrorf(prefix+": "+format, args...)
}

// maxShownName is the longest script parameter name an error quotes.
const maxShownName = 32

// shownName reports whether a script parameter's name may appear in an error: only when it
// looks like one ([a-z0-9_], 1 to 32 characters). Anything else may be part of a value
// (a key with "=" in it, an AlertOps URL with a query) and is left out.
func shownName(name string) bool {
	if name == "" || len(name) > maxShownName {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// scriptSettings reads a custom script's parameter list: name=value items, or a single
// bare API key first (iLert's 1.x wrapper). Names are case-insensitive.
func scriptSettings(list []string) ([]setting, error) {
	values := scriptValues(list)
	out := make([]setting, 0, len(list))
	for i, item := range list {
		pos := "script parameter " + strconv.Itoa(i+1)
		rawName, value, hasValue := strings.Cut(item, "=")
		rawName = strings.TrimSpace(rawName)
		switch {
		case strings.TrimSpace(item) == "":
			return nil, configErrorf(pos + " is empty; remove it")
		case !hasValue && i == 0:
			out = append(out, setting{name: "ilert", value: strings.TrimSpace(item), origin: pos, values: values, bare: true})
			continue
		case !hasValue:
			return nil, configErrorf(pos + " is not of the form name=value (see checkmk-notify help)")
		}
		s := setting{name: strings.ToLower(rawName), value: strings.TrimSpace(value), origin: pos, values: values}
		if shownName(rawName) {
			s.shown = rawName
		}
		out = append(out, s)
	}
	return out, nil
}

// scriptValues are the values of a script's parameters: what follows "=", and the whole
// item when there is no "=" or what comes before it is not shown as a name (it may be part
// of a value: a key with "=" in it, a URL with a query).
func scriptValues(list []string) []string {
	var values []string
	for _, item := range list {
		name, v, ok := strings.Cut(item, "=")
		if ok {
			values = append(values, v)
		}
		if !ok || !shownName(strings.TrimSpace(name)) {
			values = append(values, item)
		}
	}
	return values
}

// unknown is the error for a setting apply does not know.
func (s setting) unknown() error {
	switch {
	case s.fromForm:
		return s.errorf("this checkmk-notify does not support the field; install the package's own " +
			"checkmk-notify or untick the field")
	case s.shown != "":
		return s.errorf("unknown name; the names are listed by checkmk-notify help")
	}
	return s.errorf("unknown name (not shown: it does not look like a parameter name; a value " +
		"with \"=\" in the wrong parameter?); the names are listed by checkmk-notify help")
}

// maxShownValue is the longest value an error quotes.
const maxShownValue = 6

// safeValue quotes a value for an error message only when it is a short word of letters
// (a mistyped mode or priority), at most six, which cannot be a key; anything else is left
// out.
func safeValue(v string) string {
	if len(v) > maxShownValue || v == "" {
		return "the value (not shown)"
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') {
			return "the value (not shown)"
		}
	}
	return strconv.Quote(v)
}

// detailf is errorf with the reason of a library error, err, for the one %s of format.
// The texts of library errors are meant to leave values out; detailf makes sure of it
// before one reaches notify.log: when the reason (the text without its package prefix,
// such as "alertops: invalid webhook URL: ") holds more than six bytes in a row of one of
// the rule's values or of more, compared without case, the constant fallback takes its
// place. The fixed words of Checkmk's encodings (publicWords) are not values here.
func (s setting) detailf(format, fallback string, err error, more ...string) error {
	text := err.Error()
	for _, prefix := range []string{alertops.ErrInvalidWebhookURL.Error() + ": ", "checkmk: "} {
		text = strings.TrimPrefix(text, prefix)
	}
	lower := strings.ToLower(text)
	for _, v := range append(slices.Clone(s.values), more...) {
		if publicWords[v] {
			continue
		}
		v = strings.ToLower(v)
		for i := 0; i+maxShownValue < len(v); i++ {
			if strings.Contains(lower, v[i:i+maxShownValue+1]) {
				return s.errorf(strings.Replace(format, "%s", strings.ReplaceAll(fallback, "%", "%%"), 1))
			}
		}
	}
	return s.errorf(format, text)
}

// publicWords are the fixed words of the encodings Checkmk writes (password kinds, choices,
// checkbox values) and of the script parameters: never secrets.
var publicWords = map[string]bool{
	"cmk_postprocessed": true, "explicit_password": true, "stored_password": true, "store": true,
	"password": true, "ilert_api_key": true, "alertops_webhook_url": true, "True": true, "False": true,
	"manual": true, "automatic_http": true, "automatic_https": true, "FROM_ENVIRONMENT": true,
	"NO_PROXY": true, "checkmk": true, "events": true, "nagios": true, "HIGH": true, "LOW": true,
}
