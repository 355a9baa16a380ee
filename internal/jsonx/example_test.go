package jsonx_test

import (
	"fmt"

	"github.com/alertbridge/alertbridge/internal/jsonx"
)

func ExampleAppendString() {
	b := []byte(`{"output":`)
	b = jsonx.AppendString(b, "CRIT - <disk> \"/var\" 97%\n\xff")
	b = append(b, '}')
	fmt.Println(string(b))
	// Output:
	// {"output":"CRIT - <disk> \"/var\" 97%\n\ufffd"}
}

// Walk the members of an object json.Valid accepted: raw keys and values, in order.
func ExampleMembers() {
	body := `{"event_type": "alert_active", "data": {"id": "7"}, "n\u00e4me": 1}`
	isObject := jsonx.Members(body, func(key, value string) {
		name, _ := jsonx.Unquote(key)
		fmt.Printf("%s = %s\n", name, value)
	})
	fmt.Println(isObject, jsonx.Members(`[1]`, func(string, string) {}))
	// Output:
	// event_type = "alert_active"
	// data = {"id": "7"}
	// näme = 1
	// true false
}
