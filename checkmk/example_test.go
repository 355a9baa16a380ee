package checkmk_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/alertbridge/alertbridge/checkmk"
)

// A notification script reads its notification from the environment. Pass os.Environ();
// here a few entries stand in for it.
func ExampleFromEnviron() {
	environ := []string{
		"HOME=/omd/sites/prod",
		"NOTIFY_WHAT=SERVICE",
		"NOTIFY_NOTIFICATIONTYPE=PROBLEM",
		"NOTIFY_HOSTNAME=web01",
		"NOTIFY_SERVICEDESC=Filesystem /var",
		"NOTIFY_SERVICESTATE=CRITICAL",
		"NOTIFY_LASTSERVICESTATE=WARNING",
		"NOTIFY_SERVICEPROBLEMID=5532",
		`NOTIFY_LONGSERVICEOUTPUT=Used: 97%\nFree: 1.44 GiB`,
		"NOTIFY_HOSTLABEL_cmk/os_family=linux",
		"NOTIFY_MICROTIME=1742450339880021",
	}
	n, err := checkmk.FromEnviron(environ)
	if err != nil {
		var missing *checkmk.MissingVariableError
		if errors.As(err, &missing) {
			fmt.Println("missing", missing.Name)
		}
		return
	}
	fmt.Println(n)
	fmt.Println(n.Type.Kind() == checkmk.TypeProblem, n.Service.State.Short(), n.Service.LastState)
	fmt.Println(n.DedupProblemID(), n.Host.Labels["cmk/os_family"], n.Time)
	fmt.Printf("%q\n", n.Service.LongOutput)
	// Output:
	// SERVICE PROBLEM web01/Filesystem /var CRITICAL
	// true CRIT WARNING
	// 5532 linux 2025-03-20 05:58:59.880021 +0000 UTC
	// "Used: 97%\nFree: 1.44 GiB"
}

// Called with --bulk, a script reads many notifications from standard input.
func ExampleNewBulkReader() {
	stdin := strings.NewReader("PARAMETER_1=ilert=KEY\n" +
		"\nWHAT=HOST\nNOTIFICATIONTYPE=PROBLEM\nHOSTNAME=db02\nHOSTSTATE=DOWN\n" +
		"\nWHAT=SERVICE\nNOTIFICATIONTYPE=RECOVERY\nHOSTNAME=web01\nSERVICEDESC=CPU load\nSERVICESTATE=OK\n" +
		"\nWHAT=HOST\nthis line has no equals sign\n")
	br := checkmk.NewBulkReader(stdin)
	results := []checkmk.ExitCode{}
	for n, err := range br.Notifications() {
		if err != nil {
			fmt.Println("skipped:", err)
			results = append(results, checkmk.ExitPermanent)
			continue
		}
		fmt.Println(n, "with", len(n.Parameters().List()), "parameter")
		results = append(results, checkmk.ExitSent)
	}
	fmt.Println(br.InvalidLines())
	fmt.Println("exit", checkmk.CombineExitCodes(results...))
	// Output:
	// HOST PROBLEM db02 DOWN with 1 parameter
	// SERVICE RECOVERY web01/CPU load OK with 1 parameter
	// skipped: checkmk: bulk context 3 (line 14): checkmk: required variable HOSTNAME is missing or empty
	// checkmk: required variable NOTIFICATIONTYPE is missing or empty
	// [line 15: no '=' in the line]
	// exit permanent failure (2)
}

// ExpandMacros fills a summary template as Checkmk's own plug-ins do.
func ExampleExpandMacros() {
	ctx := map[string]string{"NOTIFICATIONTYPE": "PROBLEM", "HOSTNAME": "web01", "HOSTSTATE": "DOWN"}
	fmt.Println(checkmk.ExpandMacros("$NOTIFICATIONTYPE$ Host Alert: $HOSTNAME$ is $HOSTSTATE$ - $HOSTOUTPUT$", ctx))
	// Output:
	// PROBLEM Host Alert: web01 is DOWN -
}

// The iLert API key of a Checkmk 2.4 rule, explicit or from the password store.
func ExampleParameters_Password() {
	n, err := checkmk.New(map[string]string{
		"WHAT": "HOST", "HOSTNAME": "web01", "NOTIFICATIONTYPE": "PROBLEM",
		"PARAMETER_ILERT_API_KEY_1":   "cmk_postprocessed",
		"PARAMETER_ILERT_API_KEY_2":   "explicit_password",
		"PARAMETER_ILERT_API_KEY_3_1": "uuid9c1d2e3f",
		"PARAMETER_ILERT_API_KEY_3_2": "il1api0f3c2b",
		"PARAMETER_PROXY_URL":         "http://bob:hunter2@proxy.example.com:3128",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	params := n.Parameters()
	pw, err := params.Password("ILERT_API_KEY")
	if err != nil {
		fmt.Println(err)
		return
	}
	// A stored password would be read from the site; an explicit one needs no store.
	key, err := pw.Resolve(context.Background(), checkmk.NewPasswordStore("/omd/sites/prod"))
	if err != nil {
		fmt.Println(err)
		return
	}
	proxy, _ := params.Proxy()
	fmt.Println(pw, key, len(key.Reveal()))
	fmt.Println(proxy.Mode(), proxy)
	// Output:
	// explicit password [redacted] [redacted] 12
	// explicit http://bob:xxxxx@proxy.example.com:3128
}

// A password store reference resolves against the site's store, whatever its format.
func ExamplePasswordStore_Lookup() {
	root, _ := os.MkdirTemp("", "site")
	defer os.RemoveAll(root)
	_ = os.MkdirAll(filepath.Join(root, "var", "check_mk"), 0o700)
	_ = os.WriteFile(filepath.Join(root, "var", "check_mk", "stored_passwords"), []byte("ilert_prod:il1api0f3c2b\n"), 0o600)

	store := checkmk.NewPasswordStore(root)
	key, err := store.Lookup(context.Background(), "ilert_prod")
	fmt.Println(key, len(key.Reveal()), err)
	_, err = store.Lookup(context.Background(), "nope")
	fmt.Println(errors.Is(err, checkmk.ErrPasswordNotFound))
	// Output:
	// [redacted] 12 <nil>
	// true
}

// Links to Checkmk come from the rule's URL prefix and the context's relative URLs.
func ExampleNotification_AbsoluteURLs() {
	n, _ := checkmk.New(map[string]string{
		"WHAT": "HOST", "NOTIFICATIONTYPE": "PROBLEM", "HOSTNAME": "web01",
		"OMD_SITE": "prod", "MONITORING_HOST": "cmk-central",
		"HOSTURL":                  "/check_mk/index.py?start_url=view.py?view_name%3Dhoststatus%26host%3Dweb01%26site%3Dprod",
		"PARAMETER_URL_PREFIX_1":   "automatic_https",
		"PARAMETER_URL_PREFIX_2":   "",
		"PARAMETER_ILERT_PRIORITY": "HIGH",
		"PARAMETER_IGNORE_SSL":     "True",
	})
	prefix, ok := n.URLPrefix()
	hostURL, _ := n.AbsoluteURLs(prefix)
	fmt.Println(prefix, ok)
	fmt.Println(hostURL)
	fmt.Println(n.Parameters().IgnoreSSL())
	// Output:
	// https://cmk-central/prod true
	// https://cmk-central/prod/check_mk/index.py?start_url=view.py?view_name%3Dhoststatus%26host%3Dweb01%26site%3Dprod
	// true
}

// Several results make one exit code: the worst wins.
func ExampleCombineExitCodes() {
	code := checkmk.CombineExitCodes(checkmk.ExitSent, checkmk.ExitTemporary)
	fmt.Println(code, int(code), code.Retryable())
	// Output:
	// temporary failure (1) 1 true
}
