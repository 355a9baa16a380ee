package mkp

import (
	_ "embed"
	"slices"
)

// The parameter form of the method "alertbridge", in two forms (see doc.go for what each
// field sends to the notification script).
var (
	//go:embed forms/legacy_notification_parameters.py
	legacyForm []byte
	//go:embed forms/ruleset_notification_parameters.py
	rulesetForm []byte
)

// Where the package puts the forms, relative to the directories of their parts.
const (
	// LegacyFormPath is the Checkmk 2.3/2.4 GUI plug-in, in part lib
	// (installed below local/lib/python3/cmk/gui/plugins/wato/).
	LegacyFormPath = "python3/cmk/gui/plugins/wato/alertbridge_notification_parameters.py"
	// RulesetFormPath is the Ruleset API v1 file for 2.5 and later, in part
	// cmk_addons_plugins (installed below local/lib/python3/cmk_addons/plugins/).
	RulesetFormPath = "alertbridge/rulesets/notification_parameters.py"
)

// LegacyForm returns the Python source of the GUI plug-in that registers the form on
// Checkmk 2.3 and 2.4 (and registers nothing on 2.5 and later).
func LegacyForm() []byte { return append([]byte(nil), legacyForm...) }

// RulesetForm returns the Python source of the Ruleset API v1 form (module-level
// rule_spec_alertbridge, a NotificationParameters named "alertbridge").
func RulesetForm() []byte { return append([]byte(nil), rulesetForm...) }

// FormKeys returns the keys of the form, in the order the form shows them. Checkmk
// passes each as NOTIFY_PARAMETER_<KEY in upper case>, nested values with further
// suffixes.
func FormKeys() []string { return slices.Clone(formKeys) }

var formKeys = []string{
	"ilert_api_key", "ilert_mode", "ilert_priority", "ilert_summary_host",
	"ilert_summary_service", "ilert_rate", "alertops_webhook_url", "url_prefix",
	"proxy_url", "ignore_ssl", "spool", "max_age", "retrier", "timeout",
}

// TimeoutKeys returns the keys inside the form's "timeout" dictionary
// (NOTIFY_PARAMETER_TIMEOUT_REQUEST, NOTIFY_PARAMETER_TIMEOUT_BUDGET).
func TimeoutKeys() []string { return []string{"request", "budget"} }
