package main

import (
	"context"
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/google/go-cmp/cmp"
)

// FuzzDecodeRequest: a queued request file's payload, whatever it holds, decodes or is
// refused without a panic, and what decodes survives a round trip.
func FuzzDecodeRequest(f *testing.F) {
	n, err := checkmk.FromEnviron(loadEnv(f, "service-crit-problem.env"))
	if err != nil {
		f.Fatal(err)
	}
	for _, t := range []target{
		{kind: kindILertCheckmk, key: fixtureILertKey, baseURL: "https://api.ilert.com"},
		{kind: kindILertEvents, key: fixtureILertKey, baseURL: "https://api.ilert.com", proxy: "NO_PROXY"},
		{kind: kindAlertOps, webhookURL: fixtureAlertOpsURL, proxy: "http://u:p@proxy:3128", ignoreSSL: true},
	} {
		req, _, err := buildRequest(n, t, time.Now)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(mustPayload(req))
	}
	f.Add([]byte(`{"v":1,"kind":"alertops","webhookURL":"x","label":"","body":null}`))
	f.Add([]byte(`{"v":2}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := decodeRequest(b)
		if err != nil {
			return
		}
		again, err := decodeRequest(mustPayload(req))
		if err != nil {
			t.Fatalf("a decoded request does not decode again: %v", err)
		}
		if diff := cmp.Diff(req, again); diff != "" {
			t.Errorf("round trip changed the request (-first +second):\n%s", diff)
		}
	})
}

// canary marks parameter values in FuzzScriptParameters.
const canary = "-c4n4ry9"

// FuzzScriptParameters: any list of custom script parameters configures or fails with a
// configuration error, never a panic, and no error shows a long parameter value.
func FuzzScriptParameters(f *testing.F) {
	f.Add("ilert=" + fixtureILertKey + "\nalertops=" + fixtureAlertOpsURL)
	f.Add(fixtureILertKey)
	f.Add("ilert=k\nilert_mode=events\nilert_priority=low\nspool=off\ntimeout=5\nproxy=NO_PROXY")
	f.Add("alertops=" + fixtureAlertOpsURL + "\nproxy=http://user:secretpassword@proxy:3128\nignore_ssl=yes")
	f.Add("colour=blue-secret-value-xyz\nilert=k")
	f.Add("ilert=k\nspool_dir=relative\nurl_prefix=ftp://x\nmax_age=-1s")
	env := &environment{getenv: func(string) string { return "" }}
	f.Fuzz(func(t *testing.T, list string) {
		ctx := map[string]string{"WHAT": "HOST", "HOSTNAME": "web01", "NOTIFICATIONTYPE": "PROBLEM"}
		items := strings.Split(list, "\n")
		for i, it := range items {
			ctx["PARAMETER_"+strconv.Itoa(i+1)] = it
		}
		ctx["PARAMETERS"] = strings.Join(items, " ")
		n, err := checkmk.New(ctx)
		if err != nil {
			return
		}
		cfg, err := configure(context.Background(), n, env)
		if err != nil {
			if _, ok := err.(*configError); !ok {
				t.Fatalf("error of type %T, want *configError: %v", err, err)
			}
			// The same list with a marker in every value: no error may show the marker.
			marked := maps.Clone(ctx)
			for i := range items {
				marked["PARAMETER_"+strconv.Itoa(i+1)] += canary
			}
			mn, merr := checkmk.New(marked)
			if merr != nil {
				return
			}
			if _, err := configure(context.Background(), mn, env); err != nil && strings.Contains(err.Error(), canary) {
				t.Errorf("configuration error %q shows a parameter value", err)
			}
			return
		}
		if len(cfg.targets) == 0 {
			t.Errorf("configured without a destination")
		}
		for _, tg := range cfg.targets {
			if b, err := json.Marshal(tg.spoolName()); err != nil || len(b) < 3 {
				t.Errorf("bad destination name %q", tg.spoolName())
			}
		}
	})
}
