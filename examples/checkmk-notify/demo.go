package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/alertops/alertopstest"
	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
)

// Demo credentials: the embedded receivers accept anything; these only look real.
const (
	demoILertKey    = "il1demo0000000000000000000000000000"
	demoAlertOpsKey = "0demo0key0"
)

// runDemo shows the notifier at work on a fresh machine, without an account or network:
// embedded receivers on loopback that behave like iLert and AlertOps, a temporary queue,
// and notifications that go through exactly the code a Checkmk run uses.
func runDemo(ctx context.Context, o options, env *environment, log *logger) checkmk.ExitCode {
	il := ilerttest.Start(ilerttest.TrackOpenAlerts())
	defer il.Close()
	ao := alertopstest.Start()
	defer ao.Close()
	tmp, err := os.MkdirTemp("", "alertbridge-demo-")
	if err != nil {
		log.warnf("demo: %v", err)
		return checkmk.ExitTemporary
	}
	defer os.RemoveAll(tmp)
	spoolDir := filepath.Join(tmp, "spool")
	alertopsURL := ao.URL(demoAlertOpsKey, "CheckMK")
	out := env.stdout
	step := 0
	// notify runs one notification the way Checkmk does: NOTIFY_* variables, no arguments.
	notify := func(title string, notifyContext map[string]string, args ...string) checkmk.ExitCode {
		step++
		fmt.Fprintf(out, "\n%d. %s\n", step, title)
		environ := []string{"OMD_SITE=demo", envILertURL + "=" + il.URL(), envSpoolDir + "=" + spoolDir}
		notifyContext["PARAMETERS"] = "ilert=" + demoILertKey + " alertops=" + alertopsURL
		notifyContext["PARAMETER_1"] = "ilert=" + demoILertKey
		notifyContext["PARAMETER_2"] = "alertops=" + alertopsURL
		for k, v := range notifyContext {
			environ = append(environ, "NOTIFY_"+k+"="+v)
		}
		if o.dryRun {
			args = append(args, "--dry-run")
		}
		w := &prefixWriter{w: out, prefix: "   | "}
		code := checkmk.ExitCode(run(ctx, args, environ, strings.NewReader(""), w, w))
		w.flush()
		fmt.Fprintf(out, "   exit code %d\n", code)
		return code
	}

	fmt.Fprintf(out, "alertbridge checkmk-notify demo\n\n"+
		"Embedded receivers on loopback: iLert at %s, AlertOps at %s.\n"+
		"Queue: %s. Each step runs the notifier as Checkmk would (NOTIFY_* variables),\n"+
		"with the script parameters ilert=<key> alertops=<webhook URL>; secrets are never printed.\n",
		il.URL(), ao.BaseURL(), spoolDir)

	var exit checkmk.ExitCode
	for _, typ := range []string{"PROBLEM", "ACKNOWLEDGEMENT", "RECOVERY"} {
		exit = exit.Combine(notify("host web01: "+typ, demoContext("HOST", typ)))
		exit = exit.Combine(notify("service web01/Filesystem /var: "+typ, demoContext("SERVICE", typ)))
	}
	// A temporary outage: both receivers answer the next requests (and the retry) with 503.
	il.FailNext(queuedRetry.MaxAttempts, ilerttest.Failure{Status: 503})
	ao.FailNext(queuedRetry.MaxAttempts, alertopstest.Failure{Status: 503})
	fmt.Fprintf(out, "\n-- both receivers now fail the next request (and its retry) with 503 Service Unavailable --\n")
	db := demoContext("HOST", "PROBLEM")
	db["HOSTNAME"], db["HOSTALIAS"], db["HOSTADDRESS"] = "db02", "db02.example.com", "10.20.40.12"
	exit = exit.Combine(notify("host db02: PROBLEM during the outage (queued, exit 0)", db))
	fmt.Fprintf(out, "\n-- in a site, the run would now start a background retrier (checkmk-notify retrier),\n"+
		"   which tries again after 5 s, 15 s, 30 s, then every minute; the demo flushes instead --\n")
	exit = exit.Combine(notify("checkmk-notify flush (by hand, from cron, or any later notification)", map[string]string{}, "flush"))

	fmt.Fprintf(out, "\nWhat iLert received (checkmk-ext endpoint, alert source type Checkmk):\n")
	for _, e := range il.CheckmkEvents() {
		c := e.Context
		obj := c["HOSTNAME"]
		state := c["HOSTSTATE"]
		if c["WHAT"] == "SERVICE" {
			obj += "/" + c["SERVICEDESC"]
			state = c["SERVICESTATE"]
		}
		fmt.Fprintf(out, "   %-16s %-24s %-9s (%d variables, no secrets)\n", c["NOTIFICATIONTYPE"], obj, state, len(c))
	}
	fmt.Fprintf(out, "\nWhat AlertOps received:\n")
	for _, r := range ao.Alerts() {
		a := r.Alert
		fmt.Fprintf(out, "   %-16s EventKey %-26s Severity %-8s Resolved %-5t %q\n", a.NotificationType, a.EventKey, a.Severity, a.Resolved, a.Summary)
	}
	fmt.Fprintf(out, "\nNext: checkmk-notify help (configuration, exit codes), checkmk-notify install (the wrapper Checkmk runs).\n")
	return exit
}

// demoContext is a realistic notification context for web01 or its service Filesystem /var.
func demoContext(what, typ string) map[string]string {
	now := time.Now()
	c := map[string]string{
		"WHAT": what, "NOTIFICATIONTYPE": typ, "OMD_SITE": "demo", "MONITORING_HOST": "cmk-demo",
		"HOSTNAME": "web01", "HOSTALIAS": "web01.example.com", "HOSTADDRESS": "10.20.30.41",
		"HOSTSTATE": "DOWN", "HOSTOUTPUT": "CRITICAL - 10.20.30.41: rta nan, lost 100%",
		"HOSTPROBLEMID": "1873", "CONTACTNAME": "alerting-bot",
		"MICROTIME":     strconv.FormatInt(now.UnixMicro(), 10),
		"SHORTDATETIME": now.Format("2006-01-02 15:04:05"),
		"HOSTURL":       "/check_mk/index.py?start_url=view.py?view_name%3Dhoststatus%26host%3Dweb01%26site%3Ddemo",
	}
	if what == "SERVICE" {
		c["HOSTSTATE"], c["HOSTOUTPUT"], c["HOSTPROBLEMID"] = "UP", "OK - 10.20.30.41: rta 0.398ms, lost 0%", "0"
		c["SERVICEDESC"], c["SERVICESTATE"], c["SERVICEPROBLEMID"] = "Filesystem /var", "CRITICAL", "5532"
		c["SERVICEOUTPUT"] = "Used: 97.12% - 48.6 GiB of 50.0 GiB (warn/crit at 80.00%/90.00% used)(!!)"
		c["LONGSERVICEOUTPUT"] = `Free: 1.44 GiB\nTime left until disk full: 1 day 9 hours`
	}
	switch typ {
	case "ACKNOWLEDGEMENT":
		c["NOTIFICATIONAUTHOR"], c["NOTIFICATIONCOMMENT"] = "jdoe", "Looking into it"
	case "RECOVERY":
		if what == "SERVICE" {
			c["SERVICESTATE"], c["SERVICEOUTPUT"] = "OK", "Used: 41.00% - 20.5 GiB of 50.0 GiB"
		} else {
			c["HOSTSTATE"], c["HOSTOUTPUT"] = "UP", "OK - 10.20.30.41: rta 0.398ms, lost 0%"
		}
	}
	return c
}

// prefixWriter indents every line written through it.
type prefixWriter struct {
	w      io.Writer
	prefix string
	buf    bytes.Buffer
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf.Write(b)
	for {
		line, err := p.buf.ReadBytes('\n')
		if err != nil {
			p.buf.Write(line)
			return len(b), nil
		}
		fmt.Fprintf(p.w, "%s%s", p.prefix, line)
	}
}

func (p *prefixWriter) flush() {
	if p.buf.Len() > 0 {
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf.String())
		p.buf.Reset()
	}
}
