package checkmk

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fullFixtures are the complete environments of single notifications.
var fullFixtures = []string{
	"host-ack",
	"host-down-problem",
	"host-downtimestart",
	"host-up-recovery",
	"service-ack",
	"service-crit-problem",
	"service-custom",
	"service-flappingstart",
	"service-ok-recovery",
	"service-unknown-problem",
	"service-warn-problem",
}

// paramFixtures hold only NOTIFY_PARAMETER_* lines, one per Checkmk encoding.
var paramFixtures = []string{
	"params-ilert-2.0-2.1",
	"params-ilert-2.2-2.3",
	"params-ilert-2.4",
	"params-ilert-2.4-stored",
}

// readEnv reads testdata/<name>.env as os.Environ-style entries, skipping comments.
func readEnv(tb testing.TB, name string) []string {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".env"))
	if err != nil {
		tb.Fatal(err)
	}
	return parseEnvFile(data)
}

func parseEnvFile(data []byte) []string {
	var env []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		env = append(env, line)
	}
	return env
}

// envMap turns environ entries into a context map (NOTIFY_ stripped).
func envMap(environ []string) map[string]string {
	m := map[string]string{}
	for _, e := range environ {
		if rest, ok := strings.CutPrefix(e, "NOTIFY_"); ok {
			k, v, _ := strings.Cut(rest, "=")
			m[k] = v
		}
	}
	return m
}
