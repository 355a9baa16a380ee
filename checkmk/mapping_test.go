package checkmk

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// dummyIntegrationKey stands in for a real key in the golden files.
const dummyIntegrationKey = "il1-dummy-integration-key"

// fixtureSecrets are the secret values (and credential references) of the fixtures; none
// may appear in anything the mappings produce.
var fixtureSecrets = []string{
	"il1api0f3c2b9e0d4a4f61b2c8e5d7a9f0c1b3", // iLert API key
	"0a1b2c3d4e5f",                           // AlertOps webhook key
	"https://notify.alertops.com/POSTAlert/0a1b2c3d4e5f/CheckMK", // AlertOps webhook URL
	"ilert_prod", // password store reference
	"uuid9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f", // ad-hoc password id (2.4)
	"proxy.example.com",                        // proxy (always removed)
}

// mappingCase is one notification of the golden tests: a full fixture as it is, or a full
// fixture whose custom-script parameters are replaced by the parameters of a
// params-*.env fixture (a rule of the built-in iLert form).
type mappingCase struct {
	name    string
	environ []string
}

// paramsCombinedWith are the full fixtures each params-*.env fixture is combined with.
var paramsCombinedWith = []string{"host-down-problem", "service-crit-problem"}

func mappingCases(tb testing.TB) []mappingCase {
	tb.Helper()
	var cases []mappingCase
	for _, name := range fullFixtures {
		cases = append(cases, mappingCase{name, readEnv(tb, name)})
	}
	for _, params := range paramFixtures {
		p := readEnv(tb, params)
		for _, full := range paramsCombinedWith {
			var env []string
			for _, e := range readEnv(tb, full) {
				if !strings.HasPrefix(e, "NOTIFY_PARAMETER") {
					env = append(env, e)
				}
			}
			cases = append(cases, mappingCase{params + "+" + full, append(env, p...)})
		}
	}
	return cases
}

func (c mappingCase) notification(tb testing.TB) *Notification {
	tb.Helper()
	n, err := FromEnviron(c.environ)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func goldenPath(name, kind string) string {
	return filepath.Join("testdata", "mapping", name+"."+kind+".golden.json")
}

// TestToILertGolden maps every fixture to an iLert event and compares the normalized
// event with its golden file; the types iLert ignores must be skipped and have none.
func TestToILertGolden(t *testing.T) {
	t.Parallel()
	for _, c := range mappingCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			n := c.notification(t)
			ev, err := ToILert(n, ILertOptions{IntegrationKey: dummyIntegrationKey})
			switch n.Type.Kind() {
			case TypeProblem, TypeAcknowledgement, TypeRecovery:
				if err != nil {
					t.Fatalf("ToILert skipped a %s notification: %v", n.Type, err)
				}
			default:
				if !errors.Is(err, ErrSkip) {
					t.Fatalf("ToILert mapped a %s notification, iLert ignores it: %v, %v", n.Type, ev, err)
				}
				if ev.EventType != "" || ev.AlertKey != "" || ev.CustomDetails != nil {
					t.Errorf("skipped notification gave a non-empty event: %v", ev)
				}
				if _, err := os.Stat(goldenPath(c.name, "ilert")); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("a skipped notification has a golden file %s (stale?)", goldenPath(c.name, "ilert"))
				}
				return
			}
			if err := ev.Validate(); err != nil {
				t.Errorf("mapped event does not validate: %v", err)
			}
			norm, truncations := ev.Normalize()
			if len(truncations) > 0 {
				t.Errorf("fixture needed truncation: %v", truncations)
			}
			got, err := json.Marshal(norm)
			if err != nil {
				t.Fatal(err)
			}
			testutil.AssertNoSecret(t, "iLert event JSON", string(got), fixtureSecrets...)
			testutil.GoldenJSON(t, goldenPath(c.name, "ilert"), got)
		})
	}
}

// TestContextWithoutSecretsGolden records the checkmk-ext body of every fixture: the
// context without secrets.
func TestContextWithoutSecretsGolden(t *testing.T) {
	t.Parallel()
	for _, c := range mappingCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			n := c.notification(t)
			got, err := json.Marshal(n.ContextWithoutSecrets())
			if err != nil {
				t.Fatal(err)
			}
			testutil.AssertNoSecret(t, "checkmk-ext body", string(got), fixtureSecrets...)
			testutil.GoldenJSON(t, goldenPath(c.name, "checkmk-ext"), got)
		})
	}
}

// TestILertScrubAddsNothing checks the division of labour with the ilert sink: after
// ContextWithoutSecrets, the sink's name-pattern scrubber finds only the custom-script
// parameter list (which it drops whole, while this package keeps the names) — no secret
// the checkmk package missed.
func TestILertScrubAddsNothing(t *testing.T) {
	t.Parallel()
	for _, c := range mappingCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, removed := ilert.ScrubCheckmkContext(dummyIntegrationKey, c.notification(t).ContextWithoutSecrets())
			for _, name := range removed {
				if name != "PARAMETERS" && !isDigits(strings.TrimPrefix(name, "PARAMETER_")) {
					t.Errorf("ilert.ScrubCheckmkContext still removed %s", name)
				}
			}
		})
	}
}
