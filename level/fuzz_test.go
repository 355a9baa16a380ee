package level

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/internal/httpx"
	"github.com/google/go-cmp/cmp"
)

func FuzzDecode(f *testing.F) {
	for _, name := range []string{
		"alert_active.documented-minimal.json",
		"alert_active.inferred.json",
		"alert_active.warning-nopayload.inferred.json",
		"alert_resolved.inferred.json",
		"device_updated.inferred.json",
		"level-webhook-envelope.request.json",
	} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{"event_type":"alert_active","data":{"id":1,"is_resolved":"1","started_at":1787218867}}`))
	f.Add([]byte(`{"event_type":"alert_resolved","data":"x"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"event_type":"alert_active","Event_Type":"x","data":{"name":"a","na\u006de":"b","x":[{"}":"]"}]}}`))

	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := Decode(body)
		if err != nil {
			if ref := decodeReference(body); ref != nil {
				t.Fatalf("Decode failed (%v), the encoding/json reference decoded %+v", err, ref)
			}
			if !errors.Is(err, ErrInvalidPayload) || e != nil {
				t.Fatalf("Decode = %v, %v; want nil and an error wrapping ErrInvalidPayload", e, err)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("error is not one line: %q", err)
			}
			return
		}
		if e.Type == "" {
			t.Fatal("decoded an event without a type")
		}
		if diff := cmp.Diff(decodeReference(body), e); diff != "" {
			t.Fatalf("Decode differs from the encoding/json reference (-reference +Decode):\n%s", diff)
		}
		if (e.Alert != nil) != e.Type.IsAlert() {
			t.Fatalf("Alert = %v for type %q", e.Alert, e.Type)
		}
		if len(e.Data) > 0 && !json.Valid(e.Data) {
			t.Errorf("Data is not JSON: %q", e.Data)
		}
		again, err := Decode(body)
		if err != nil {
			t.Fatalf("second Decode failed: %v", err)
		}
		if diff := cmp.Diff(e, again); diff != "" {
			t.Fatalf("Decode is not deterministic (-first +second):\n%s", diff)
		}

		ev, errILert := ToILert(e)
		a, errAlertOps := ToAlertOps(e)
		if !e.Type.IsAlert() {
			if !errors.Is(errILert, ErrNotAlert) || !errors.Is(errAlertOps, ErrNotAlert) {
				t.Fatalf("mapping a %q event: %v, %v; want ErrNotAlert", e.Type, errILert, errAlertOps)
			}
			return
		}
		if e.AlertKey() == "" {
			if !errors.Is(errILert, ErrNoIdentity) || !errors.Is(errAlertOps, ErrNoIdentity) || !httpx.IsPermanent(errILert) {
				t.Fatalf("mapping an alert without any id: %v, %v; want permanent ErrNoIdentity", errILert, errAlertOps)
			}
			return
		}
		if errILert != nil || errAlertOps != nil {
			t.Fatalf("mapping an alert: %v, %v", errILert, errAlertOps)
		}
		checkILertInvariants(t, ev)
		if ev.AlertKey != a.EventKey || ev.AlertKey != e.AlertKey() {
			t.Errorf("keys differ: iLert %q, AlertOps %q, event %q", ev.AlertKey, a.EventKey, e.AlertKey())
		}
		if !a.Severity.Valid() {
			t.Errorf("AlertOps severity %q is not valid", a.Severity)
		}
		if a.Summary != ev.Summary {
			t.Errorf("summaries differ: %q, %q", a.Summary, ev.Summary)
		}
		if _, err := json.Marshal(a); err != nil {
			t.Errorf("the AlertOps alert does not marshal: %v", err)
		}
	})
}

// decodeReference is Decode built on encoding/json (objects decoded into
// map[string]json.RawMessage: exact member names, the last of repeated members), to check
// the member walker of scan.go against. It returns nil where Decode must fail.
func decodeReference(body []byte) *Event {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil || env == nil {
		return nil
	}
	e := &Event{
		Type:       EventType(textValue(env["event_type"])),
		ID:         textValue(env["event_id"]),
		OccurredAt: timeValue(env["occurred_at"]),
		Data:       env["data"],
	}
	if e.Type == "" {
		return nil
	}
	if e.Type.IsAlert() {
		var d map[string]json.RawMessage
		_ = json.Unmarshal(e.Data, &d) // not an object: an empty alert
		e.Alert = &Alert{
			ID:             textValue(d["id"]),
			DeviceID:       textValue(d["device_id"]),
			DeviceHostname: textValue(d["device_hostname"]),
			Name:           textValue(d["name"]),
			Description:    textValue(d["description"]),
			Payload:        textValue(d["payload"]),
			Severity:       Severity(textValue(d["severity"])),
			Resolved:       boolValue(d["is_resolved"]),
			StartedAt:      timeValue(d["started_at"]),
			ResolvedAt:     timeValue(d["resolved_at"]),
		}
	}
	return e
}

// verifyMessages matches every message Verify may return, with digit runs replaced by #
// (so "sha256=" reads "sha#="):
// none may echo the header, the body or the secret.
var verifyMessages = regexp.MustCompile(`^level: (` +
	`missing X-Level-Signature header|` +
	`malformed X-Level-Signature header: (it does not start with "sha#="|the digest has # characters, want #|the digest is not hexadecimal)|` +
	`X-Level-Signature does not match the body|` +
	`no secret to verify the signature with)$`)

var digits = regexp.MustCompile(`[0-9]+`)

func FuzzVerify(f *testing.F) {
	for _, v := range loadVectors(f).Vectors {
		f.Add(fixture(f, v.File), v.HeaderValue, []byte(v.Secret))
	}
	f.Add([]byte(`{}`), "sha256=", []byte("s"))
	f.Add([]byte(`{}`), "SHA256="+strings.Repeat("A", 64), []byte{})

	f.Fuzz(func(t *testing.T, body []byte, header string, secret []byte) {
		err := Verify(body, header, Secret(secret))
		if err != nil {
			if msg := digits.ReplaceAllString(err.Error(), "#"); !verifyMessages.MatchString(msg) {
				t.Fatalf("unexpected error message %q", err)
			}
		}
		if len(secret) == 0 {
			if !errors.Is(err, ErrNoSecret) {
				t.Fatalf("Verify with an empty secret = %v, want ErrNoSecret", err)
			}
			return
		}
		signature := Sign(body, Secret(secret))
		if err == nil && !strings.EqualFold(header, signature) {
			t.Fatalf("Verify accepted %q, but the signature is %q", header, signature)
		}
		if err := Verify(body, signature, Secret("other"), Secret(secret)); err != nil {
			t.Fatalf("Verify rejected Sign's own signature: %v", err)
		}
		if err := Verify(body, strings.ToUpper(signature), Secret(secret)); err != nil {
			t.Fatalf("Verify rejected the upper-case signature: %v", err)
		}
	})
}
