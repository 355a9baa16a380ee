package checkmk

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

		ev, ok := ToILert(n, ILertOptions{})
		wantType, wantOK := ILertEventType(n.Type)
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

		a := ToAlertOps(n, AlertOpsOptions{Now: now})
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
