package main

import (
	"context"
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
)

// TestQueuedRequest: what a run queues for each kind of target decodes, with its transport
// settings and its label, and encodes again to the same bytes.
func TestQueuedRequest(t *testing.T) {
	t.Parallel()
	n, err := checkmk.FromEnviron(loadEnv(t, "service-crit-problem.env"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range []target{
		{sink: delivery.SinkILertCheckmk, key: fixtureILertKey, baseURL: "https://api.ilert.com"},
		{sink: delivery.SinkILert, key: fixtureILertKey, baseURL: "https://api.ilert.com", proxy: delivery.NoProxy},
		{sink: delivery.SinkILertNagios, key: fixtureILertKey, baseURL: "http://127.0.0.1:1", ignoreSSL: true},
		{sink: delivery.SinkAlertOps, webhookURL: fixtureAlertOpsURL, proxy: "http://u:p@proxy:3128", ignoreSSL: true},
	} {
		t.Run(string(tg.sink), func(t *testing.T) {
			t.Parallel()
			req, err := buildRequest(n, tg, time.Now)
			if err != nil {
				t.Fatalf("a PROBLEM was not mapped: %v", err)
			}
			payload, err := req.Encode()
			if err != nil {
				t.Fatal(err)
			}
			got, err := delivery.Decode(payload)
			if err != nil {
				t.Fatal(err)
			}
			again, err := got.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(payload), string(again)); diff != "" {
				t.Errorf("encode(decode(payload)) differs (-want +got):\n%s", diff)
			}
			if got.Ref != "PROBLEM web01/Filesystem /var" || got.Transport == nil || *got.Transport != tg.transport() {
				t.Errorf("ref %q, transport %+v; want the label and %+v", got.Ref, got.Transport, tg.transport())
			}
		})
	}
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
