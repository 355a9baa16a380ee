package checkmk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/alertbridge/alertbridge/internal/testutil"
)

const topSecret = "k3y-0f-the-integration"

var allVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10s", "%-20v", "%.3s"}

func TestSecretRedactedEverywhere(t *testing.T) {
	t.Parallel()
	s := NewSecret(topSecret)
	pw := explicitPassword(s)
	proxy, err := ParseProxy("http://user:"+topSecret+"@proxy:8080", true)
	if err != nil {
		t.Fatal(err)
	}
	params := newParameters(map[string]string{"PARAMETER_K": topSecret})
	values := map[string]any{
		"Secret":           s,
		"*Secret":          &s,
		"Password":         pw,
		"Proxy":            proxy,
		"Parameters":       params,
		"nested exported":  struct{ S Secret }{s},
		"nested private":   struct{ s Secret }{s},
		"nested password":  struct{ p Password }{pw},
		"nested proxy":     struct{ p Proxy }{proxy},
		"nested params":    struct{ p Parameters }{params},
		"slice of secrets": []Secret{s},
		"map of secrets":   map[string]Secret{"k": s},
	}
	for name, v := range values {
		for _, verb := range allVerbs {
			testutil.AssertNoSecret(t, name+" "+verb, fmt.Sprintf(verb, v), topSecret)
		}
		testutil.AssertNoSecret(t, name+" Sprint", fmt.Sprint(v), topSecret)
		testutil.AssertNoSecret(t, name+" Sprintln", fmt.Sprintln(v), topSecret)
		if js, err := json.Marshal(v); err == nil {
			testutil.AssertNoSecret(t, name+" JSON", string(js), topSecret)
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("msg", "v", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("msg", "v", v)
		testutil.AssertNoSecret(t, name+" slog", buf.String(), topSecret)
	}
}

func TestSecretForms(t *testing.T) {
	t.Parallel()
	s := NewSecret(topSecret)
	checks := map[string]string{
		"String":   s.String(),
		"GoString": s.GoString(),
		"%v":       fmt.Sprintf("%v", s),
		"%#v":      fmt.Sprintf("%#v", s),
		"%q":       fmt.Sprintf("%q", s),
	}
	for name, got := range checks {
		if got != "[redacted]" {
			t.Errorf("%s = %q, want [redacted]", name, got)
		}
	}
	js, _ := json.Marshal(s)
	if string(js) != `"[redacted]"` {
		t.Errorf("JSON = %s", js)
	}
	txt, _ := s.MarshalText()
	if string(txt) != "[redacted]" {
		t.Errorf("MarshalText = %s", txt)
	}
	if s.LogValue().String() != "[redacted]" {
		t.Errorf("LogValue = %v", s.LogValue())
	}
	if s.Reveal() != topSecret || s.IsZero() {
		t.Error("Reveal does not give the value")
	}
	var zero Secret
	if zero.Reveal() != "" || !zero.IsZero() || !NewSecret("").IsZero() {
		t.Error("zero or empty Secret not IsZero")
	}
	if got := storedPassword("ilert_prod").String(); got != `password store entry "ilert_prod"` {
		t.Errorf("stored Password String = %q", got)
	}
	if got := explicitPassword(s).String(); got != "explicit password [redacted]" {
		t.Errorf("explicit Password String = %q", got)
	}
}
