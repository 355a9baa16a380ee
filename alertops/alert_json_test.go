package alertops_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// seedAlert is the example of the AlertOps Checkmk page's payload reference.
func seedAlert() alertops.Alert {
	return alertops.Alert{
		EventKey:         "hostname_ServiceDesc",
		Source:           alertops.SourceCheckmk,
		Host:             "hostname",
		HostAddress:      "192.168.1.100",
		Service:          "CPU Load",
		State:            "CRITICAL",
		Severity:         alertops.SeverityForState("CRITICAL"),
		NotificationType: "PROBLEM",
		Summary:          "CRITICAL: CPU Load on hostname",
		Message:          "CRITICAL - 15min load 8.52 at 8 CPUs",
		Resolved:         false,
		Timestamp:        time.Date(2026, 4, 7, 16, 59, 32, 0, time.UTC),
		DetailsURL:       "https://checkmk.example.com/cmk/check_mk/view.py?...",
		LongMessage:      "Extended output from the check plugin (if available)",
	}
}

// hostAlert is a host alert without the optional fields.
func hostAlert() alertops.Alert {
	return alertops.Alert{
		EventKey:         "web01",
		Source:           alertops.SourceCheckmk,
		Host:             "web01",
		HostAddress:      "10.0.0.7",
		State:            "DOWN",
		Severity:         alertops.SeverityCritical,
		NotificationType: "PROBLEM",
		Summary:          "web01 is DOWN",
		Message:          "PING CRITICAL - Host unreachable",
		Timestamp:        time.Date(2026, 4, 7, 16, 59, 32, 0, time.UTC),
	}
}

// TestMarshalSeedExample reproduces the seed's example byte for byte, key order included:
// the golden file is the seed's JSON block, extracted verbatim.
func TestMarshalSeedExample(t *testing.T) {
	t.Parallel()
	got, err := json.Marshal(seedAlert())
	if err != nil {
		t.Fatal(err)
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, got, "", "  "); err != nil {
		t.Fatal(err)
	}
	indented.WriteByte('\n')
	testutil.GoldenText(t, "testdata/golden/seed-payload.golden.json", indented.Bytes())
}

func TestMarshalJSON(t *testing.T) {
	t.Parallel()
	const hostJSON = `{"EventKey":"web01","Source":"Checkmk","Host":"web01","HostAddress":"10.0.0.7","Service":"",` +
		`"State":"DOWN","Severity":"critical","NotificationType":"PROBLEM","Summary":"web01 is DOWN",` +
		`"Message":"PING CRITICAL - Host unreachable","Resolved":false,"Timestamp":"2026-04-07T16:59:32Z"}`
	with := func(f func(*alertops.Alert)) alertops.Alert {
		a := hostAlert()
		f(&a)
		return a
	}
	tests := []struct {
		name  string
		alert alertops.Alert
		want  string
	}{
		{"host alert, optional fields omitted", hostAlert(), hostJSON},
		{"recovery", with(func(a *alertops.Alert) {
			a.State, a.Severity, a.NotificationType, a.Resolved = "UP", alertops.SeverityInfo, "RECOVERY", true
			a.Summary = "web01 is UP"
		}), strings.NewReplacer(`"DOWN"`, `"UP"`, `"critical"`, `"info"`, `"PROBLEM"`, `"RECOVERY"`,
			`is DOWN`, `is UP`, `"Resolved":false`, `"Resolved":true`).Replace(hostJSON)},
		{"timestamp in another zone with sub-seconds: UTC, truncated", with(func(a *alertops.Alert) {
			a.Timestamp = time.Date(2026, 4, 7, 18, 59, 32, 999_999_999, time.FixedZone("CEST", 2*3600))
		}), hostJSON},
		{"zero timestamp", with(func(a *alertops.Alert) { a.Timestamp = time.Time{} }),
			strings.Replace(hostJSON, "2026-04-07T16:59:32Z", "0001-01-01T00:00:00Z", 1)},
		{"only LongMessage", with(func(a *alertops.Alert) { a.LongMessage = "line 1\nline 2" }),
			strings.TrimSuffix(hostJSON, "}") + `,"LongMessage":"line 1\nline 2"}`},
		{"escaping: quotes, controls, invalid UTF-8, U+2028; HTML left alone", with(func(a *alertops.Alert) {
			a.Message = "a \"q\" \\ <b>&</b>\t\r\x01\x7f ü \xff\xfe \u2028\u2029 😀"
		}), strings.Replace(hostJSON, `"PING CRITICAL - Host unreachable"`,
			`"a \"q\" \\ <b>&</b>\t\r\u0001`+"\x7f"+` ü \ufffd\ufffd \u2028\u2029 😀"`, 1)},
		{"extra: sorted after the fixed fields, fixed names skipped, other case kept", with(func(a *alertops.Alert) {
			a.Extra = map[string]any{
				"zeta": 1, "Alpha": []string{"x"}, "Severity": "info", "EventKey": "other", "DetailsURL": "u",
				"severity": "lower case is another key", "nested": map[string]any{"b": true, "a": nil},
				"html": "<&>", "number": json.Number("12345678901234567890"),
			}
		}), strings.TrimSuffix(hostJSON, "}") + `,"Alpha":["x"],"html":"<&>","nested":{"a":null,"b":true},` +
			`"number":12345678901234567890,"severity":"lower case is another key","zeta":1}`},
		{"extra keys written alike: the first in byte order kept", with(func(a *alertops.Alert) {
			a.Extra = map[string]any{"k\xff": 1, "k\xfe": 2, "k\ufffd": 3}
		}), strings.TrimSuffix(hostJSON, "}") + ",\"k\ufffd\":3}"},
		{"extra keys written alike, all invalid", with(func(a *alertops.Alert) {
			a.Extra = map[string]any{"k\xff": 1, "k\xfe": 2}
		}), strings.TrimSuffix(hostJSON, "}") + ",\"k\ufffd\":2}"},
		{"empty extra map", with(func(a *alertops.Alert) { a.Extra = map[string]any{} }), hostJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.alert.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("MarshalJSON (-want +got):\n%s", diff)
			}
			if !json.Valid(got) {
				t.Errorf("output is not valid JSON: %s", got)
			}
			// encoding/json uses the method for values and pointers alike.
			for _, v := range []any{tt.alert, &tt.alert} {
				viaStd, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				var a, b any
				_ = json.Unmarshal(got, &a)
				_ = json.Unmarshal(viaStd, &b)
				if diff := cmp.Diff(a, b); diff != "" {
					t.Errorf("json.Marshal(%T) differs (-method +json.Marshal):\n%s", v, diff)
				}
			}
		})
	}
}

// TestMarshalStringsDecodeBack checks the string encoder against encoding/json's decoder:
// every string comes back as itself, or with each invalid byte as U+FFFD.
func TestMarshalStringsDecodeBack(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"\x00\x1f\"\\/", "\x00\x1f\"\\/"},
		{"\u2028\u2029\u00e9\U0001F600", "\u2028\u2029\u00e9\U0001F600"},
		{"\xff", "\ufffd"},
		{"a\xc3", "a\ufffd"},                   // truncated 2-byte sequence
		{"\xed\xa0\x80", "\ufffd\ufffd\ufffd"}, // surrogate half
		{"\xe2\x80", "\ufffd\ufffd"},
	}
	for _, tt := range tests {
		a := alertops.Alert{Summary: tt.in}
		b, err := a.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back alertops.Alert
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		if back.Summary != tt.want {
			t.Errorf("%q came back as %q, want %q", tt.in, back.Summary, tt.want)
		}
	}
}

func TestMarshalJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		mutate  func(*alertops.Alert)
		wantMsg string
	}{
		{"year 10000", func(a *alertops.Alert) { a.Timestamp = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "Timestamp"},
		{"year -1", func(a *alertops.Alert) { a.Timestamp = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) }, "Timestamp"},
		{"extra channel", func(a *alertops.Alert) { a.Extra = map[string]any{"ch": make(chan int)} }, `Extra["ch"]`},
		{"extra NaN", func(a *alertops.Alert) { a.Extra = map[string]any{"nan": math.NaN()} }, `Extra["nan"]`},
		{"extra bad raw message", func(a *alertops.Alert) {
			a.Extra = map[string]any{"raw": json.RawMessage(`{"secret-value"`)}
		}, `Extra["raw"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := hostAlert()
			tt.mutate(&a)
			_, err := a.MarshalJSON()
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not name %s", err, tt.wantMsg)
			}
			testutil.AssertNoSecret(t, "error", err.Error(), "secret-value")
			if _, err := json.Marshal(a); err == nil {
				t.Error("json.Marshal: no error")
			}
		})
	}
}

func TestUnmarshalJSON(t *testing.T) {
	t.Parallel()
	seedJSON := `{"EventKey":"hostname_ServiceDesc","Source":"Checkmk","Host":"hostname",` +
		`"HostAddress":"192.168.1.100","Service":"CPU Load","State":"CRITICAL","Severity":"critical",` +
		`"NotificationType":"PROBLEM","Summary":"CRITICAL: CPU Load on hostname",` +
		`"Message":"CRITICAL - 15min load 8.52 at 8 CPUs","Resolved":false,"Timestamp":"2026-04-07T16:59:32Z",` +
		`"DetailsURL":"https://checkmk.example.com/cmk/check_mk/view.py?...",` +
		`"LongMessage":"Extended output from the check plugin (if available)"}`
	at := func(ts string) alertops.Alert {
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			panic(err)
		}
		return alertops.Alert{Timestamp: t.UTC()}
	}
	tests := []struct {
		name string
		in   string
		want alertops.Alert
	}{
		{"seed example", seedJSON, seedAlert()},
		{"offset and fraction kept, in UTC", `{"Timestamp":"2026-04-07T18:59:32.250+02:00"}`, at("2026-04-07T16:59:32.25Z")},
		{"offset without colon", `{"Timestamp":"2026-04-07T18:59:32+0200"}`, at("2026-04-07T16:59:32Z")},
		{"no offset means UTC", `{"Timestamp":"2026-04-07T16:59:32.123456"}`, at("2026-04-07T16:59:32.123456Z")},
		{"space separator", `{"Timestamp":"2026-04-07 16:59:32Z"}`, at("2026-04-07T16:59:32Z")},
		{"empty timestamp", `{"Timestamp":""}`, alertops.Alert{}},
		{"nulls leave zero values", `{"EventKey":null,"Resolved":null,"Timestamp":null,"Severity":null}`, alertops.Alert{}},
		{"unknown severity kept", `{"Severity":"disaster"}`, alertops.Alert{Severity: "disaster"}},
		{"unknown keys into Extra, numbers exact", `{"Host":"h","ticket":{"id":12345678901234567890,"f":1.5e300},"tags":["a",null,true]}`,
			alertops.Alert{Host: "h", Extra: map[string]any{
				"ticket": map[string]any{"id": json.Number("12345678901234567890"), "f": json.Number("1.5e300")},
				"tags":   []any{"a", nil, true},
			}}},
		{"keys differing in case are Extra", `{"eventkey":"x","EVENTKEY":"y","EventKey":"z"}`,
			alertops.Alert{EventKey: "z", Extra: map[string]any{"eventkey": "x", "EVENTKEY": "y"}}},
		{"duplicate key: the last wins", `{"Host":"a","Host":"b"}`, alertops.Alert{Host: "b"}},
		{"empty object", `{}`, alertops.Alert{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got alertops.Alert
			if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Unmarshal (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnmarshalJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, wantMsg string
	}{
		{"array", `[1]`, "decoding alert"},
		{"string", `"x"`, "decoding alert"},
		{"number for a string field", `{"Host":1}`, "Host"},
		{"string for Resolved", `{"Resolved":"true"}`, "Resolved"},
		{"number timestamp", `{"Timestamp":1775581172}`, "Timestamp"},
		{"unreadable timestamp", `{"Timestamp":"yesterday-secret"}`, "Timestamp"},
		{"date only", `{"Timestamp":"2026-04-07"}`, "Timestamp"},
		{"year 10000 in UTC", `{"Timestamp":"9999-12-31T23:00:00-02:00"}`, "outside 0-9999"},
		{"year -1 in UTC", `{"Timestamp":"0000-01-01T00:00:00+01:00"}`, "outside 0-9999"},
		{"two problems, both named", `{"Host":1,"Service":2}`, "Service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			orig := hostAlert()
			got := orig
			err := got.UnmarshalJSON([]byte(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
			testutil.AssertNoSecret(t, "error", err.Error(), "yesterday-secret")
			if diff := cmp.Diff(orig, got); diff != "" {
				t.Errorf("a failed decode changed the alert (-before +after):\n%s", diff)
			}
		})
	}
}

func TestUnmarshalNullIsNoOp(t *testing.T) {
	t.Parallel()
	a := hostAlert()
	if err := json.Unmarshal([]byte("null"), &a); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(hostAlert(), a); diff != "" {
		t.Errorf("null changed the alert (-want +got):\n%s", diff)
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	withExtra := seedAlert()
	withExtra.Extra = map[string]any{"ticket": "T-1", "count": json.Number("3"), "ok": true,
		"list": []any{"a", json.Number("1.5")}, "obj": map[string]any{"k": nil}}
	fractional := hostAlert()
	fractional.Timestamp = time.Date(2026, 4, 7, 16, 59, 32, 500_000_000, time.Local)
	collide := hostAlert()
	collide.Extra = map[string]any{"Host": "shadow", "host": "kept"}

	tests := []struct {
		name string
		in   alertops.Alert
		want alertops.Alert
	}{
		{"seed", seedAlert(), seedAlert()},
		{"host", hostAlert(), hostAlert()},
		{"extra", withExtra, withExtra},
		{"sub-seconds truncated, zone made UTC", fractional, hostAlert()},
		{"colliding extra key dropped", collide, func() alertops.Alert {
			a := hostAlert()
			a.Extra = map[string]any{"host": "kept"}
			return a
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var got alertops.Alert
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			again, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, again) {
				t.Errorf("second encoding differs:\n%s\n%s", b, again)
			}
		})
	}
}

func TestParseTimestamp(t *testing.T) {
	t.Parallel()
	want := time.Date(2026, 4, 7, 16, 59, 32, 0, time.UTC)
	for _, in := range []string{
		"2026-04-07T16:59:32Z", "2026-04-07T16:59:32+00:00", "2026-04-07T12:59:32-04:00",
		"2026-04-07T18:59:32+0200", "2026-04-07T16:59:32", "2026-04-07 16:59:32",
		"2026-04-07 18:59:32+02:00", "2026-04-07 18:59:32+0200",
	} {
		got, err := alertops.ParseTimestamp(in)
		if err != nil {
			t.Errorf("ParseTimestamp(%q): %v", in, err)
			continue
		}
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTimestamp(%q) = %v, want %v in UTC", in, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*alertops.Alert)
		want   []string // substrings, one per problem; nil: valid
	}{
		{"valid", func(*alertops.Alert) {}, nil},
		{"valid with unknown state and sparse fields", func(a *alertops.Alert) {
			*a = alertops.Alert{EventKey: "k", Source: "Custom", Severity: alertops.SeverityInfo, Timestamp: time.Unix(1, 0), State: "PENDING"}
		}, nil},
		{"blank EventKey", func(a *alertops.Alert) { a.EventKey = " \t" }, []string{"EventKey is empty"}},
		{"no Source", func(a *alertops.Alert) { a.Source = "" }, []string{"Source is empty"}},
		{"no Severity", func(a *alertops.Alert) { a.Severity = "" }, []string{"Severity is empty"}},
		{"upper-case Severity", func(a *alertops.Alert) { a.Severity = "CRITICAL" }, []string{`Severity "CRITICAL" is not one of`}},
		{"zero Timestamp", func(a *alertops.Alert) { a.Timestamp = time.Time{} }, []string{"Timestamp is not set"}},
		{"Timestamp out of range", func(a *alertops.Alert) { a.Timestamp = time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC) },
			[]string{"Timestamp year 12000"}},
		{"everything at once", func(a *alertops.Alert) { *a = alertops.Alert{} },
			[]string{"EventKey", "Source", "Severity", "Timestamp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := hostAlert()
			tt.mutate(&a)
			err := a.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if !errors.Is(err, alertops.ErrInvalidAlert) {
				t.Fatalf("err = %v, want one wrapping ErrInvalidAlert", err)
			}
			var joined interface{ Unwrap() []error }
			if !errors.As(err, &joined) || len(joined.Unwrap()) != len(tt.want) {
				t.Errorf("want %d joined problems, got %v", len(tt.want), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestSeverityForState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		state string
		want  alertops.Severity
	}{
		{"CRITICAL", alertops.SeverityCritical},
		{"DOWN", alertops.SeverityCritical},
		{"WARNING", alertops.SeverityWarning},
		{"UNKNOWN", alertops.SeverityError},
		{"UNREACHABLE", alertops.SeverityError},
		{"OK", alertops.SeverityInfo},
		{"UP", alertops.SeverityInfo},
		{"critical", alertops.SeverityCritical},
		{" Up\n", alertops.SeverityInfo},
		{"PENDING", alertops.SeverityForUnknownState},
		{"", alertops.SeverityForUnknownState},
		{"2", alertops.SeverityForUnknownState},
	}
	for _, tt := range tests {
		if got := alertops.SeverityForState(tt.state); got != tt.want {
			t.Errorf("SeverityForState(%q) = %q, want %q", tt.state, got, tt.want)
		}
		if !alertops.SeverityForState(tt.state).Valid() {
			t.Errorf("SeverityForState(%q) is not Valid", tt.state)
		}
	}
}

func TestSeverityValid(t *testing.T) {
	t.Parallel()
	for s, want := range map[alertops.Severity]bool{
		"critical": true, "warning": true, "error": true, "info": true,
		"": false, "Critical": false, "disaster": false,
	} {
		if got := s.Valid(); got != want {
			t.Errorf("Severity(%q).Valid() = %v, want %v", s, got, want)
		}
	}
}
