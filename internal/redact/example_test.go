package redact_test

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/alertbridge/alertbridge/internal/redact"
)

func ExampleRedactor_Error() {
	key := "il1api0123456789"
	r := redact.New(key)
	err := &url.Error{
		Op:  "Post",
		URL: "https://api.ilert.com/api/v1/events/checkmk-ext/" + key,
		Err: errors.New("connection refused"),
	}
	fmt.Println(r.Error(err))
	// Output: Post "https://api.ilert.com/api/v1/events/checkmk-ext/[redacted]": connection refused
}

func ExamplePathSegment() {
	u, _ := url.Parse("https://notify.alertops.com/POSTAlert/0123-abcd/CheckMK")
	key, _ := redact.PathSegment(u, -2)
	fmt.Println(redact.New(key).URL(u))
	// Output: https://notify.alertops.com/POSTAlert/[redacted]/CheckMK
}
