package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
)

// TestQueuedRequest: what a run queues for each kind of target (prepared: format version
// 3, the body as it is sent) decodes, with its transport settings and its label, and
// encodes again to the same bytes.
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
			payload, err := prepare(newSender(time.Second, queuedRetry), req)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(payload), "alertbridge-request 3\n") {
				t.Errorf("a run queues %q…, want format version 3", payload[:min(len(payload), 30)])
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
			if got.Ref != "PROBLEM web01/Filesystem /var" || got.Transport == nil || *got.Transport != tg.transport() || got.Wire == nil {
				t.Errorf("ref %q, transport %+v; want the label and %+v", got.Ref, got.Transport, tg.transport())
			}
		})
	}
}

// FuzzScriptParameters: any list of custom script parameters configures or fails with a
// configuration error, never a panic, and no error shows more than six bytes in a row of a
// parameter's value (issue 9 §3), compared without case: what an error holds besides its
// constant text (and the parameter names it quotes, which are part of it) never comes from
// a value.
func FuzzScriptParameters(f *testing.F) {
	f.Add("ilert=" + fixtureILertKey + "\nalertops=" + fixtureAlertOpsURL)
	f.Add("alertops=abcdefgh://notify.alertops.com/POSTAlert/" + fixtureAlertOpsKey + "/CheckMK")
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
			ce, ok := err.(*configError)
			if !ok {
				t.Fatalf("error of type %T, want *configError: %v", err, err)
			}
			// The values: what follows "=", and the whole item when there is no "=" (a
			// bare key) or when what comes before it does not look like a name (a URL with
			// a query, a key with "=" in it). Names that look like one may be shown.
			var values, names []string
			for _, it := range items {
				name, v, ok := strings.Cut(it, "=")
				name = strings.TrimSpace(name)
				switch {
				case ok && looksLikeName.MatchString(name):
					values, names = append(values, v), append(names, name)
				case ok:
					values = append(values, v, it)
				default:
					values = append(values, it)
				}
			}
			if w, ok := leakedValue(ce, values, names...); ok {
				t.Errorf("configuration error %q shows %q of a parameter value", err, w)
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

// FuzzFormParameters: any set of form fields (one KEY=value per line, passed as
// PARAMETER_KEY) configures or fails with a configuration error, never a panic, and no
// error shows more than six bytes in a row of a value that may carry a secret: the fields
// of the iLert API key, the AlertOps webhook URL and the proxy, in every encoding (but
// for the fixed words of the encodings, such as explicit_password).
func FuzzFormParameters(f *testing.F) {
	f.Add("ILERT_API_KEY_1=cmk_postprocessed\nILERT_API_KEY_2=explicit_password\nILERT_API_KEY_3_2=" + fixtureILertKey)
	env := &environment{getenv: func(string) string { return "" }}
	f.Fuzz(func(t *testing.T, fields string) {
		ctx := map[string]string{"WHAT": "HOST", "HOSTNAME": "web01", "NOTIFICATIONTYPE": "PROBLEM"}
		var secrets []string
		for _, line := range strings.Split(fields, "\n") {
			k, v, ok := strings.Cut(line, "=")
			if !ok || k == "" || strings.ContainsFunc(k, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') }) {
				continue
			}
			ctx["PARAMETER_"+k] = v
		}
		for k, v := range ctx {
			for _, g := range []string{"ILERT_API_KEY", "ALERTOPS_WEBHOOK_URL", "PROXY_URL"} {
				if hasGroup([]string{strings.TrimPrefix(k, "PARAMETER_")}, g) && !publicWords[v] {
					secrets = append(secrets, v)
				}
			}
		}
		n, err := checkmk.New(ctx)
		if err != nil {
			return
		}
		if _, err := configure(context.Background(), n, env); err != nil {
			ce, ok := err.(*configError)
			if !ok {
				t.Fatalf("error of type %T, want *configError: %v", err, err)
			}
			if w, ok := leakedValue(ce, secrets); ok {
				t.Errorf("configuration error %q shows %q of a secret", err, w)
			}
		}
	})
}

// looksLikeName is what a script parameter's name must look like for an error to quote it
// (issue 9 §3).
var looksLikeName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// leakedValue returns a run of seven bytes of one of values that the error shows
// (compared without case), if there is one, other than in the error's constant text or in
// one of the names it may quote: the error is rendered with those names left out, and a
// run found there and not in the constant text came from elsewhere.
func leakedValue(ce *configError, values []string, names ...string) (string, bool) {
	args := slices.Clone(ce.args)
	for i, a := range args {
		if s, ok := a.(string); ok && slices.Contains(names, s) {
			args[i] = "\x00"
		}
	}
	msg, format := strings.ToLower(fmt.Sprintf(ce.format, args...)), strings.ToLower(ce.format)
	for _, v := range values {
		v = strings.ToLower(v)
		for i := 0; i+maxShownValue < len(v); i++ {
			if w := v[i : i+maxShownValue+1]; strings.Contains(msg, w) && !strings.Contains(format, w) {
				return w, true
			}
		}
	}
	return "", false
}
