package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// member is one key and raw value as a walk reports them, the key unquoted.
type member struct{ Key, Value string }

// walk collects what Members reports for data.
func walk[T string | []byte](t testing.TB, data T) ([]member, bool) {
	t.Helper()
	var got []member
	ok := Members(data, func(key, value T) {
		k, kok := Unquote(key)
		if !kok {
			k = "(does not unquote) " + string(key) // never equal to encoding/json's key
		}
		got = append(got, member{k, string(value)})
	})
	return got, ok
}

// stdMembers is what encoding/json's decoder reads as the members of the object data, in
// order, values as raw JSON; ok is false when data is not an object.
func stdMembers(t testing.TB, data []byte) ([]member, bool) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // a number of any size is a token, as it is valid JSON
	tok, err := dec.Token()
	if err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, false
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		out = append(out, member{tok.(string), string(raw)})
	}
	if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("encoding/json: %v", err)
	}
	return out, true
}

func TestMembers(t *testing.T) {
	t.Parallel()
	type walked struct {
		members []member
		object  bool
	}
	tests := []struct {
		name, in string
		want     walked
	}{
		{"empty object", `{}`, walked{nil, true}},
		{"spaces everywhere", " \t\n{ \"a\" : 1 ,\r\n\"b\":\"x\" } ", walked{[]member{{"a", "1"}, {"b", `"x"`}}, true}},
		{"nested values whole", `{"o":{"p":[1,{"q":"}"}]},"s":"a\"b","n":null}`,
			walked{[]member{{"o", `{"p":[1,{"q":"}"}]}`}, {"s", `"a\"b"`}, {"n", "null"}}, true}},
		{"literal before the brace", `{"t":true,"f":false,"x":-1.5e3}`,
			walked{[]member{{"t", "true"}, {"f", "false"}, {"x", "-1.5e3"}}, true}},
		{"escaped key", `{"a\u00e9\n":1}`, walked{[]member{{"aé\n", "1"}}, true}},
		{"duplicate keys in order", `{"k":1,"k":2}`, walked{[]member{{"k", "1"}, {"k", "2"}}, true}},
		{"array", `[{"a":1}]`, walked{nil, false}},
		{"string", `"{"`, walked{nil, false}},
		{"number", `12`, walked{nil, false}},
		{"nothing", ``, walked{nil, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, form := range []string{"string", "bytes"} {
				var got []member
				var object bool
				if form == "string" {
					got, object = walk(t, tt.in)
				} else {
					got, object = walk(t, []byte(tt.in))
				}
				if object != tt.want.object {
					t.Errorf("%s: object = %t, want %t", form, object, tt.want.object)
				}
				if diff := cmp.Diff(tt.want.members, got); diff != "" {
					t.Errorf("%s: members (-want +got):\n%s", form, diff)
				}
			}
			if json.Valid([]byte(tt.in)) {
				std, stdObject := stdMembers(t, []byte(tt.in))
				got, _ := walk(t, tt.in)
				if stdObject != tt.want.object || !cmp.Equal(std, got) {
					t.Errorf("encoding/json reads %v (object %t)", std, stdObject)
				}
			}
		})
	}
}

func TestUnquote(t *testing.T) {
	t.Parallel()
	type unquoted struct {
		s  string
		ok bool
	}
	tests := map[string]unquoted{
		`""`:                           {"", true},
		`"plain"`:                      {"plain", true},
		`"tab\tquote\"slash\/u\u00e9"`: {"tab\tquote\"slash/ué", true},
		`"bad` + "\xff" + `"`:          {"bad\ufffd", true},
		`"surrogate \ud83d\ude00"`:     {"surrogate 😀", true},
		`"lone \ud83d"`:                {"lone \ufffd", true},
		`unquoted`:                     {},
		`"`:                            {},
		`"ctl` + "\x01" + `"`:          {},
		`"bad escape \x"`:              {},
	}
	for in, want := range tests {
		got, ok := Unquote(in)
		gotB, okB := Unquote([]byte(in))
		if (unquoted{got, ok}) != want || gotB != got || okB != ok {
			t.Errorf("Unquote(%q) = %q, %t (bytes: %q, %t); want %q, %t", in, got, ok, gotB, okB, want.s, want.ok)
		}
	}
}

// FuzzMembers: on every valid JSON document Members reports what encoding/json's decoder
// reads (whether it is an object, each key and raw value, in order); on any input it
// neither panics nor loops.
func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":[true,null],"c":{"d":"e\"}"}}`, ` { "k" : "v" } `,
		`{"event_type":"alert_active","data":{"id":"1","severity":"critical"}}`, `[1,2]`, `"x"`,
		`{"name":"Nightly","tags":"prod db","grace":600,"last_ping":"2026-08-19T09:15:02+00:00"}`,
		`{"\u0000\ud800":"\ud800"}`, `{"a":1`, `{"a"}`, `{"a":}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, object := walk(t, data)
		if !json.Valid(data) {
			return // only the absence of a panic or hang counts
		}
		std, stdObject := stdMembers(t, data)
		if object != stdObject {
			t.Fatalf("object = %t, encoding/json says %t", object, stdObject)
		}
		if diff := cmp.Diff(std, got); diff != "" {
			t.Fatalf("members differ from encoding/json's (-std +got):\n%s", diff)
		}
		gotS, _ := walk(t, string(data))
		if !cmp.Equal(got, gotS) {
			t.Fatalf("the walk of a string differs from that of the bytes")
		}
	})
}

// FuzzUnquote: Unquote of any valid JSON string literal is what encoding/json decodes.
func FuzzUnquote(f *testing.F) {
	for _, s := range []string{`""`, `"a\"b\\c\/\b\f\n\r\t\u00e9"`, `"` + "\xff" + `"`, `"\ud83d"`, `x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, lit []byte) {
		got, ok := Unquote(lit)
		var want string
		err := json.Unmarshal(lit, &want)
		isString := len(bytes.TrimSpace(lit)) > 0 && bytes.TrimSpace(lit)[0] == '"' && bytes.Equal(bytes.TrimSpace(lit), lit)
		if err == nil && isString {
			if !ok || got != want {
				t.Fatalf("Unquote(%q) = %q, %t; encoding/json decodes %q", lit, got, ok, want)
			}
		} else if ok && err != nil {
			t.Fatalf("Unquote(%q) = %q, true; encoding/json fails: %v", lit, got, err)
		}
	})
}
