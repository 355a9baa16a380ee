package environ_test

import (
	"fmt"
	"testing"

	"github.com/alertbridge/alertbridge/examples/internal/environ"
)

func TestGetenv(t *testing.T) {
	t.Parallel()
	getenv := environ.Getenv([]string{"A=1", "B=x=y", "A=2", "EMPTY=", "NOEQUALS"})
	for name, want := range map[string]string{"A": "1", "B": "x=y", "EMPTY": "", "NOEQUALS": "", "MISSING": ""} {
		if got := getenv(name); got != want {
			t.Errorf("getenv(%q) = %q, want %q", name, got, want)
		}
	}
}

func ExampleGetenv() {
	getenv := environ.Getenv([]string{"OMD_ROOT=/omd/sites/prod", "NOTIFY_HOSTNAME=web01"})
	fmt.Println(getenv("OMD_ROOT"), getenv("NOTIFY_HOSTNAME"), getenv("TMPDIR") == "")
	// Output: /omd/sites/prod web01 true
}
