// Command baseline is the yardstick of BenchmarkNotifyProcess: the least a Go program can do
// to deliver one notification, posting one body to a URL and reporting the status.
package main

import (
	"fmt"
	"net/http"
	"os"
	"strings"
)

func main() {
	res, err := http.Post(os.Args[1], "application/json", strings.NewReader(os.Getenv("BASELINE_BODY")))
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	res.Body.Close()
	fmt.Println(res.Status)
	if res.StatusCode/100 != 2 {
		os.Exit(1)
	}
}
