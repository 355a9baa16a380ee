package main

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
)

// ruleForm says where a rule's configuration comes from. Checkmk passes a notification
// script either a custom script's list ("Call with the following parameters": PARAMETERS
// and PARAMETER_1 … PARAMETER_n) or the dictionary of a rule form (PARAMETER_<KEY>, nested
// values spread over suffixes), never both. Which form it is shows in the keys (see
// ruleFormOf).
type ruleForm string

// The kinds of rules the notifier reads.
const (
	// formNone: no parameters at all (a custom script called without any).
	formNone ruleForm = "no parameters"
	// formScript: a custom script's parameter list, name=value items.
	formScript ruleForm = "script parameters"
	// formILert: the form of Checkmk's built-in iLert method, for the notifier installed
	// as "ilert". Always sent in checkmk mode, as the built-in method does.
	formILert ruleForm = "iLert form"
	// formAlertOps: the form of the AlertOps plug-in, for the notifier installed as
	// "alertops".
	formAlertOps ruleForm = "AlertOps form"
	// formAlertbridge: the form of the method "alertbridge" that the extension package
	// (and install --form) brings.
	formAlertbridge ruleForm = "alertbridge form"
)

// Valid reports whether f is one of the kinds above.
func (f ruleForm) Valid() bool {
	switch f {
	case formNone, formScript, formILert, formAlertOps, formAlertbridge:
		return true
	}
	return false
}

// formField is a field of the rule forms the notifier reads.
type formField struct {
	key   string     // as in PARAMETER_<key>; values of nested fields have suffixes
	title string     // as the alertbridge form shows it
	forms []ruleForm // the forms that have the field
	param string     // the script parameter it is translated into; "" for fields the mappings read themselves
}

var (
	iLertForms    = []ruleForm{formILert, formAlertbridge}
	alertOpsForms = []ruleForm{formAlertOps, formAlertbridge}
	allForms      = []ruleForm{formILert, formAlertOps, formAlertbridge}
	ownForm       = []ruleForm{formAlertbridge}
)

// formFields are the fields of the three forms, in the order of the alertbridge form.
// The keys of the built-in iLert and AlertOps forms have the same names and value shapes
// in the alertbridge form (docs/checkmk-form.md).
var formFields = []formField{
	{key: "ILERT_API_KEY", title: "iLert alert source API key", forms: iLertForms, param: "ilert"},
	{key: "ILERT_MODE", title: "iLert mode", forms: ownForm, param: "ilert_mode"},
	{key: "ILERT_PRIORITY", title: "iLert priority", forms: iLertForms, param: "ilert_priority"},
	// The summaries go to iLert in the context (checkmk mode) or are expanded by the
	// mapping (events mode, checkmk.ToILert); nothing to translate.
	{key: "ILERT_SUMMARY_HOST", title: "iLert summary for host alerts", forms: iLertForms},
	{key: "ILERT_SUMMARY_SERVICE", title: "iLert summary for service alerts", forms: iLertForms},
	{key: "ILERT_RATE", title: "iLert rate limit", forms: ownForm, param: "ilert_rate"},
	{key: "ALERTOPS_WEBHOOK_URL", title: "AlertOps webhook URL", forms: alertOpsForms, param: "alertops"},
	// The mappings read the URL prefix in every encoding (Notification.URLPrefix).
	{key: "URL_PREFIX", title: "URL prefix for links to Checkmk", forms: iLertForms},
	{key: "PROXY_URL", title: "HTTP proxy", forms: allForms, param: "proxy"},
	{key: "IGNORE_SSL", title: "Disable TLS certificate verification", forms: allForms, param: "ignore_ssl"},
	{key: "SPOOL", title: "Queue", forms: ownForm, param: "spool"},
	{key: "MAX_AGE", title: "Maximum age of queued alerts", forms: ownForm, param: "max_age"},
	{key: "RETRIER", title: "Background retrier", forms: ownForm, param: "retrier"},
	{key: "TIMEOUT_REQUEST", title: "Time limits: per request", forms: ownForm, param: "timeout"},
	{key: "TIMEOUT_BUDGET", title: "Time limits: per notification", forms: ownForm, param: "budget"},
}

// origin names the field in errors: `alertbridge form, field "Queue" (PARAMETER_SPOOL)`.
func (f formField) origin(form ruleForm) string {
	return string(form) + `, field "` + f.title + `" (PARAMETER_` + f.key + ")"
}

// hasGroup reports whether PARAMETER_<key> is present in any encoding: the variable
// itself or one with a suffix (_1, _3_2, _MANUAL).
func hasGroup(keys []string, key string) bool {
	for _, k := range keys {
		if k == key || strings.HasPrefix(k, key+"_") {
			return true
		}
	}
	return false
}

// ruleFormOf tells which kind of rule the parameters come from:
//
//   - PARAMETER_<n> or a non-empty PARAMETERS: a custom script's list (with form fields as
//     well, the context cannot be Checkmk's: an error);
//   - a field only the alertbridge form has (ILERT_MODE, ILERT_RATE, SPOOL, MAX_AGE,
//     RETRIER, TIMEOUT_*), both destinations, or the AlertOps URL as a password (with
//     _1, _2 …): the alertbridge form;
//   - ILERT_API_KEY: the built-in iLert form (an alertbridge form with only the built-in
//     form's fields reads the same);
//   - ALERTOPS_WEBHOOK_URL: the AlertOps form;
//   - nothing of that: no parameters (and no destination).
func ruleFormOf(p checkmk.Parameters) (ruleForm, error) {
	keys := p.Keys()
	list := p.Joined() != "" // PARAMETERS; an empty one is an empty list
	var fields []string
	for _, k := range keys {
		switch {
		case k == "":
		case isDigits(k):
			list = true
		default:
			fields = append(fields, k)
		}
	}
	switch {
	case list && len(fields) > 0:
		return formNone, configErrorf("the rule has both a custom script's parameters (PARAMETER_1 …) and " +
			"form fields (PARAMETER_<KEY>); Checkmk passes one or the other: give the script " +
			"parameters or fill in the form, not both")
	case list:
		return formScript, nil
	}
	for _, f := range formFields {
		if slices.Equal(f.forms, ownForm) && hasGroup(fields, f.key) {
			return formAlertbridge, nil
		}
	}
	ilertKey, alertopsURL := hasGroup(fields, "ILERT_API_KEY"), hasGroup(fields, "ALERTOPS_WEBHOOK_URL")
	switch {
	case ilertKey && alertopsURL, hasGroup(fields, "ALERTOPS_WEBHOOK_URL_1"):
		return formAlertbridge, nil
	case ilertKey:
		return formILert, nil
	case alertopsURL:
		return formAlertOps, nil
	}
	return formNone, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// formSettings translates the fields of a rule form into settings, in the vocabulary of
// the script parameters, so that apply reads both the same way:
//
//	ilert_api_key          ilert=<key>          explicit or from the password store, any encoding
//	alertops_webhook_url   alertops=<URL>       a plain URL (AlertOps form) or a password
//	ilert_mode             ilert_mode=<mode>
//	ilert_priority         ilert_priority=<P>
//	ilert_rate             ilert_rate=<N>       requests per minute, as the script parameter
//	proxy_url              proxy=<value>        FROM_ENVIRONMENT, NO_PROXY, a URL, "" (2.0/2.1: none)
//	ignore_ssl             ignore_ssl=yes       when present, whatever its value
//	spool, retrier         spool=on|off         from True / False
//	max_age                max_age=<duration>   from seconds, whole (2.3/2.4) or decimal (2.5)
//	timeout.request        timeout=<duration>   the same
//	timeout.budget         budget=<duration>    the same
//
// The summaries and the URL prefix are read by the mappings from the context; a manual
// URL prefix of the alertbridge form must be usable. Fields of other forms, and unknown
// ones, are not read.
func formSettings(ctx context.Context, form ruleForm, n *checkmk.Notification, env *environment) ([]setting, error) {
	p := n.Parameters()
	keys := p.Keys()
	values := formValues(p)
	var out []setting
	for _, f := range formFields {
		if !slices.Contains(f.forms, form) || !hasGroup(keys, f.key) {
			continue
		}
		s := setting{name: f.param, origin: f.origin(form), values: values, fromForm: true}
		v, _ := p.Get(f.key)
		var err error
		switch f.key {
		case "ILERT_API_KEY":
			s.value, err = resolvePassword(ctx, p, f, form, n, env)
		case "ALERTOPS_WEBHOOK_URL":
			// The AlertOps plug-in's field is plain text; the alertbridge form's a password.
			if _, joined := p.Get(f.key + "_1"); joined || !strings.Contains(v, "://") || strings.Contains(v, "\t") {
				v, err = resolvePassword(ctx, p, f, form, n, env)
			}
			s.value = strings.TrimSpace(v)
		case "URL_PREFIX":
			err = checkURLPrefix(p, f, form, n)
		case "IGNORE_SSL":
			s.value = "yes" // presence counts, as in Checkmk's own plug-ins
		case "SPOOL", "RETRIER":
			s.value = onOff(v)
		case "MAX_AGE", "TIMEOUT_REQUEST", "TIMEOUT_BUDGET":
			if s.value, err = seconds(v); err != nil {
				err = s.errorf(strings.ReplaceAll(err.Error(), "%", "%%"))
			}
		default:
			s.value = strings.TrimSpace(v)
		}
		if err != nil {
			return nil, err
		}
		if s.name != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// formValues are the values of every PARAMETER_* variable of a form, which no error may
// show (see setting.detailf).
func formValues(p checkmk.Parameters) []string {
	var values []string
	for k, v := range p.Map() {
		if k != "PARAMETERS" {
			values = append(values, v)
		}
	}
	return values
}

// onOff translates a checkbox's True / False into on / off; anything else stays as it is
// for apply to reject.
func onOff(v string) string {
	switch strings.TrimSpace(v) {
	case "True":
		return "on"
	case "False":
		return "off"
	}
	return strings.TrimSpace(v)
}

// maxSeconds bounds a time span of a form: ten years.
const maxSeconds = 10 * 365 * 24 * 3600

// seconds translates a form's time span, whole seconds on 2.3/2.4 (Age: 604800) and
// decimal ones on 2.5 (TimeSpan: 604800.0, 2.5), into a duration apply reads ("168h0m0s").
func seconds(v string) (string, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	switch {
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		return "", errors.New("not a number of seconds; set the time span in the form again")
	case f <= 0:
		return "", errors.New("must be positive")
	case f > maxSeconds:
		return "", errors.New("longer than ten years; give a shorter time span")
	}
	d := time.Duration(f * float64(time.Second))
	if d <= 0 {
		return "", errors.New("must be positive")
	}
	return d.String(), nil
}

// checkURLPrefix checks the alertbridge form's URL prefix: a manual one must be a URL (the
// form's regular expression says so; the 2.5 form has none). The built-in iLert form's
// prefix is used as Checkmk's own method uses it, whatever it is.
func checkURLPrefix(p checkmk.Parameters, f formField, form ruleForm, n *checkmk.Notification) error {
	if form != formAlertbridge {
		return nil
	}
	if kind, _ := p.Get(f.key + "_1"); kind != "manual" {
		return nil
	}
	if _, ok := p.URLPrefix(n.MonitoringHost, n.Site); ok {
		return nil
	}
	return configErrorf(f.origin(form) + ": the manual prefix is not a URL; give the URL of the site, " +
		"such as https://cmk.example.com/mysite/check_mk/, or choose Automatic HTTPS")
}

// resolvePassword decodes a password field (any encoding of Checkmk 2.0 to 2.5) and reads
// it from the site's password store when the rule refers to one. Errors name the field,
// never the secret; a password store entry is named by its id.
func resolvePassword(ctx context.Context, p checkmk.Parameters, f formField, form ruleForm, n *checkmk.Notification, env *environment) (string, error) {
	s := setting{origin: f.origin(form), values: formValues(p)}
	pw, err := p.Password(f.key)
	if err != nil {
		return "", s.detailf("%s; enter the value again or choose a password store entry",
			"its encoding is not one Checkmk 2.0 to 2.5 writes", err)
	}
	var store *checkmk.PasswordStore
	if pw.IsStored() {
		root := n.SiteRoot
		if root == "" {
			root = env.getenv("OMD_ROOT")
		}
		if root == "" {
			return "", s.errorf("refers to the password store, but OMD_ROOT is not set; run in a site")
		}
		store = env.passwordStore(root)
	}
	secret, err := pw.Resolve(ctx, store)
	switch {
	case errors.Is(err, checkmk.ErrPasswordNotFound):
		return "", s.errorf("%s; add the entry in Setup > General > Passwords or choose another one", err)
	case err != nil:
		// The store's errors name files and formats, never a password.
		return "", s.errorf("%s", err.Error())
	case secret.IsZero():
		return "", s.errorf("is empty; enter the value or choose a password store entry that holds one")
	}
	return secret.Reveal(), nil
}
