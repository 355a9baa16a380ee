package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alertbridge/alertbridge/ilert/ilerttest"
)

// The notifier runs as Checkmk runs it: the notification context as NOTIFY_* variables, a
// custom-script rule with the parameter ilert=KEY. It sends the PROBLEM to iLert's Checkmk
// endpoint (here a fake iLert), writes one result line per destination and exits 0.
func Example() {
	il := ilerttest.Start()
	defer il.Close()
	dir, err := os.MkdirTemp("", "notify-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	environ := []string{
		envILertURL + "=" + il.URL(),
		envSpoolDir + "=" + dir + "/queue",
		envRetrier + "=off",
		"NOTIFY_WHAT=HOST",
		"NOTIFY_NOTIFICATIONTYPE=PROBLEM",
		"NOTIFY_OMD_SITE=mysite",
		"NOTIFY_HOSTNAME=web01",
		"NOTIFY_HOSTSTATE=DOWN",
		"NOTIFY_HOSTOUTPUT=CRIT - 10.0.0.1: rta nan, lost 100%",
		"NOTIFY_PARAMETERS=ilert=il1api-example",
		"NOTIFY_PARAMETER_1=ilert=il1api-example",
	}
	var out strings.Builder
	code := run(context.Background(), nil, environ, strings.NewReader(""), &out, io.Discard)
	fmt.Print(out.String())
	fmt.Println("exit code", code)
	for _, e := range il.CheckmkEvents() {
		fmt.Println("iLert received:", e.Context["NOTIFICATIONTYPE"], e.Context["HOSTNAME"], e.Context["HOSTSTATE"])
	}
	// Output:
	// iLert: sent (202, PROBLEM web01)
	// exit code 0
	// iLert received: PROBLEM web01 DOWN
}
