package testutil_test

import (
	"testing"

	"github.com/alertbridge/alertbridge/internal/testutil"
)

// A test compares its JSON output with a golden file and checks that an error string
// carries no secret. Run the test with -update to rewrite the golden file.
func ExampleGoldenJSON() {
	_ = func(t *testing.T) {
		got := []byte(`{"eventType":"ALERT"}`)
		testutil.GoldenJSON(t, "testdata/alert.golden.json", got)
		testutil.AssertNoSecret(t, "error", "POST /api/v1/events/checkmk-ext/[redacted]: 401", "il1api-secret")
	}
}
