package checkmk

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/ilert"
)

// FuzzMapping builds a notification from arbitrary context lines (KEY=value, names without
// NOTIFY_) and maps it to iLert and AlertOps. Invariants: no panic; a mapped iLert event
// validates once it has a key and, normalized, has a valid UTF-8 summary and a key within
// the limit; the AlertOps alert validates unless the host name is blank; no explicit
// password the parameter decoder finds is left in the context without secrets.
func FuzzMapping(f *testing.F) {
	for _, c := range mappingCases(f) {
		var lines []string
		for _, e := range c.environ {
			if rest, ok := strings.CutPrefix(e, notifyPrefix); ok {
				lines = append(lines, rest)
			}
		}
		f.Add(strings.Join(lines, "\n"))
	}
	f.Add("WHAT=SERVICE\nHOSTNAME= \nNOTIFICATIONTYPE=ACKNOWLEDGEMENT\nSERVICEDESC=\xff\nPARAMETER_ILERT_SUMMARY_SERVICE=$SERVICEDESC$")
	f.Add("WHAT=HOST\nHOSTNAME=h\nNOTIFICATIONTYPE=RECOVERY\nMICROTIME=9223372036854775807\nPARAMETER_URL_PREFIX_MANUAL= \nHOSTURL= ")
	f.Add("WHAT=HOST\nHOSTNAME=h\nNOTIFICATIONTYPE=PROBLEM\nPARAMETER_ROUTING_KEY=routing_key\tabcdefgh12\nHOSTNOTES=abcdefgh12\nabcdefgh12=x")
	now := time.Date(2026, 4, 7, 16, 59, 32, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		ctx := map[string]string{}
		for _, line := range strings.Split(text, "\n") {
			k, v, _ := strings.Cut(line, "=")
			ctx[k] = v
		}
		n, err := New(ctx)
		if err != nil {
			return
		}

		ev, err := ToILert(n, ILertOptions{})
		ok := err == nil
		if err != nil && !errors.Is(err, ErrSkip) {
			t.Fatalf("ToILert of a notification: %v, want nil or ErrSkip", err)
		}
		wantType, wantErr := ILertEventType(n.Type)
		wantOK := wantErr == nil
		if ok != wantOK || ev.EventType != wantType {
			t.Fatalf("ToILert type %q %v, ILertEventType %q %v", ev.EventType, ok, wantType, wantOK)
		}
		if ok {
			ev.IntegrationKey = "key"
			if err := ev.Validate(); err != nil {
				t.Fatalf("mapped event does not validate: %v", err)
			}
			norm, _ := ev.Normalize()
			if !utf8.ValidString(norm.Summary) || strings.TrimSpace(norm.Summary) == "" {
				t.Fatalf("bad summary %q", norm.Summary)
			}
			if len(norm.AlertKey) > ilert.MaxAlertKeyBytes {
				t.Fatalf("alert key of %d bytes", len(norm.AlertKey))
			}
			if _, err := json.Marshal(norm); err != nil {
				t.Fatal(err)
			}
		}

		a, err := ToAlertOps(n, AlertOpsOptions{Now: now})
		if err != nil {
			t.Fatalf("ToAlertOps of a notification: %v", err)
		}
		if err := a.Validate(); err != nil {
			if strings.TrimSpace(n.Host.Name) != "" || !errors.Is(err, alertops.ErrInvalidAlert) {
				t.Fatalf("mapped alert does not validate: %v", err)
			}
		}
		if _, err := json.Marshal(a); err != nil {
			t.Fatal(err)
		}

		clean := n.ContextWithoutSecrets()
		for _, key := range []string{"ILERT_API_KEY", "ROUTING_KEY", "WEBHOOK_URL", "PASSWORD"} {
			pw, err := n.Parameters().Password(key)
			if err != nil {
				continue
			}
			secret, explicit := pw.Explicit()
			if !explicit || len(secret.Reveal()) < minSecretLen {
				continue
			}
			for name, v := range clean {
				if name == "PARAMETERS" || isDigits(strings.TrimPrefix(name, paramPrefix)) {
					continue // only item names survive there, values are redacted
				}
				if strings.Contains(v, secret.Reveal()) || strings.Contains(name, secret.Reveal()) {
					t.Fatalf("secret of %s left in %s", key, name)
				}
			}
		}
	})
}

// FuzzContextJSON checks the hand-written JSON string encoder of the iLert customDetails
// against encoding/json: the encoding is valid JSON and decodes to what encoding/json's
// own encoding of the same strings decodes to.
func FuzzContextJSON(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r\x00\x1f", "é ✓ \u2028\u2029", "bad \xff\xfe utf-8", "$HOSTNAME$ <b>&</b>"} {
		f.Add("NAME", s)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		b, err := json.Marshal(map[string]any{CustomDetailsKey: contextJSON{{name, value}, {name + "2", value}}})
		if err != nil {
			t.Fatalf("encoding failed: %v", err)
		}
		var got map[string]map[string]string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("invalid JSON %q: %v", b, err)
		}
		// What encoding/json makes of the same strings (it replaces each invalid byte).
		std := func(s string) string {
			b, _ := json.Marshal(s)
			var out string
			_ = json.Unmarshal(b, &out)
			return out
		}
		want := map[string]map[string]string{CustomDetailsKey: {std(name): std(value), std(name + "2"): std(value)}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	})
}
