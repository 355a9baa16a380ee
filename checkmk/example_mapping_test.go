package checkmk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
)

// A service PROBLEM becomes an iLert ALERT keyed on site, host and service, so that the
// later RECOVERY resolves the same alert. Types iLert ignores are reported with an error
// wrapping ErrSkip: not a failure, nothing to send.
func ExampleToILert() {
	n, err := checkmk.New(map[string]string{
		"WHAT":                           "SERVICE",
		"NOTIFICATIONTYPE":               "PROBLEM",
		"OMD_SITE":                       "prod",
		"MONITORING_HOST":                "cmk-central",
		"HOSTNAME":                       "web01",
		"SERVICEDESC":                    "Filesystem /var",
		"SERVICESTATE":                   "CRITICAL",
		"SERVICEOUTPUT":                  "Used: 97.12%",
		"LONGSERVICEOUTPUT":              `Used: 97.12%\nFree: 1.44 GiB`,
		"SERVICEURL":                     "/check_mk/index.py?start_url=view.py?view_name%3Dservice",
		"PARAMETER_URL_PREFIX_AUTOMATIC": "https",
		"PARAMETERS":                     "ilert=il1-secret-api-key",
		"PARAMETER_1":                    "ilert=il1-secret-api-key",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The key normally comes from the rule: n.Parameters().Password("ILERT_API_KEY"),
	// resolved with the site's password store.
	ev, err := checkmk.ToILert(n, checkmk.ILertOptions{IntegrationKey: "il1-secret-api-key"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.EventType, ev.Priority, ev.AlertKey)
	fmt.Println(ev.Summary)
	fmt.Printf("%q\n", ev.Details)
	fmt.Println(ev.Links[0].Href)
	details, _ := json.Marshal(ev.CustomDetails)
	fmt.Println(strings.Contains(string(details), `"PARAMETER_1":"ilert=[redacted]"`))

	downtime, _ := checkmk.New(map[string]string{"WHAT": "HOST", "HOSTNAME": "db02", "NOTIFICATIONTYPE": "DOWNTIMESTART"})
	_, err = checkmk.ToILert(downtime, checkmk.ILertOptions{})
	fmt.Println("DOWNTIMESTART for iLert:", !errors.Is(err, checkmk.ErrSkip))
	// Output:
	// ALERT HIGH prod/web01/Filesystem /var
	// PROBLEM Service Alert: web01/Filesystem /var is CRITICAL - Used: 97.12%
	// "Used: 97.12%\nFree: 1.44 GiB"
	// https://cmk-central/prod/check_mk/index.py?start_url=view.py?view_name%3Dservice
	// true
	// DOWNTIMESTART for iLert: false
}

// Every notification type goes to AlertOps, with the AlertOps Checkmk plug-in's fields.
func ExampleToAlertOps() {
	n, err := checkmk.New(map[string]string{
		"WHAT":             "SERVICE",
		"NOTIFICATIONTYPE": "RECOVERY",
		"HOSTNAME":         "hostname",
		"HOSTADDRESS":      "192.168.1.100",
		"SERVICEDESC":      "CPU Load",
		"SERVICESTATE":     "OK",
		"SERVICEOUTPUT":    "OK - 15min load 0.52 at 8 CPUs",
		"MICROTIME":        "1775581172412345",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	alert, err := checkmk.ToAlertOps(n, checkmk.AlertOpsOptions{Now: time.Now()})
	if err != nil {
		fmt.Println(err)
		return
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(alert); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {
	//   "EventKey": "hostname_CPU Load",
	//   "Source": "Checkmk",
	//   "Host": "hostname",
	//   "HostAddress": "192.168.1.100",
	//   "Service": "CPU Load",
	//   "State": "OK",
	//   "Severity": "info",
	//   "NotificationType": "RECOVERY",
	//   "Summary": "OK: CPU Load on hostname",
	//   "Message": "OK - 15min load 0.52 at 8 CPUs",
	//   "Resolved": true,
	//   "Timestamp": "2026-04-07T16:59:32Z"
	// }
}

// The context without secrets is the body for iLert's checkmk-ext endpoint
// (ilert.Client.SendCheckmk).
func ExampleContextWithoutSecrets() {
	ctx := map[string]string{
		"WHAT":                        "HOST",
		"HOSTNAME":                    "web01",
		"NOTIFICATIONTYPE":            "PROBLEM",
		"PARAMETER_ILERT_API_KEY_1":   "cmk_postprocessed",
		"PARAMETER_ILERT_API_KEY_2":   "explicit_password",
		"PARAMETER_ILERT_API_KEY_3_1": "uuid9c1d2e3f",
		"PARAMETER_ILERT_API_KEY_3_2": "il1-secret-api-key",
		"PARAMETER_ILERT_PRIORITY":    "HIGH",
		"PARAMETER_PROXY_URL":         "http://user:password@proxy:3128",
	}
	body, _ := json.Marshal(checkmk.ContextWithoutSecrets(ctx))
	fmt.Println(string(body))
	// Output:
	// {"HOSTNAME":"web01","NOTIFICATIONTYPE":"PROBLEM","PARAMETER_ILERT_PRIORITY":"HIGH","WHAT":"HOST"}
}
