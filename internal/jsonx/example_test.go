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
