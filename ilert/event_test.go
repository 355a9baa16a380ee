package ilert_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

// decoded is what the fixture decode test records per fixture.
type decoded struct {
	Event    ilert.Event `json:"event"`
	Problems []string    `json:"problems"`
}

func problems(err error) []string {
	if err == nil {
		return []string{}
	}
	return strings.Split(err.Error(), "\n")
}

// TestDecodeFixtures decodes every request body of iLert's docs and OpenAPI and compares
// the decoded event (re-encoded with the current field names) and its validation problems
// with a golden file.
func TestDecodeFixtures(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/*.request.json")
	if err != nil || len(files) != 10 {
		t.Fatalf("found %d fixtures (%v), want 10", len(files), err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".request.json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var e ilert.Event
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatalf("decode: %v", err)
			}
			got, err := json.Marshal(decoded{Event: e, Problems: problems(e.Validate())})
			if err != nil {
				t.Fatal(err)
			}
			testutil.GoldenJSON(t, filepath.Join("testdata", "golden", name+".golden.json"), got)
		})
	}
}

func TestUnmarshalLegacyNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want ilert.Event
	}{
		{"current names", `{"integrationKey":"k","eventType":"ALERT","alertKey":"a"}`,
			ilert.Event{IntegrationKey: "k", EventType: ilert.EventTypeAlert, AlertKey: "a"}},
		{"legacy names", `{"apiKey":"k","eventType":"RESOLVE","incidentKey":"a"}`,
			ilert.Event{IntegrationKey: "k", EventType: ilert.EventTypeResolve, AlertKey: "a"}},
		{"current names win", `{"apiKey":"old","integrationKey":"new","incidentKey":"old","alertKey":"new"}`,
			ilert.Event{IntegrationKey: "new", AlertKey: "new"}},
		{"unknown values kept", `{"eventType":"SNOOZE","priority":"MEDIUM","extra":1}`,
			ilert.Event{EventType: "SNOOZE", Priority: "MEDIUM"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got ilert.Event
			if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decoded event mismatch (-want +got):\n%s", diff)
			}
		})
	}
	var e ilert.Event
	if err := json.Unmarshal([]byte(`{"severity":"high"}`), &e); err == nil {
		t.Error("a string severity decoded without error")
	}
}

func TestMarshalUsesCurrentNames(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(ilert.Event{IntegrationKey: "k", EventType: ilert.EventTypeAccept, AlertKey: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"integrationKey":"k","eventType":"ACCEPT","alertKey":"a"}`, string(b)); diff != "" {
		t.Errorf("encoding mismatch (-want +got):\n%s", diff)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	valid := ilert.Event{IntegrationKey: "k", EventType: ilert.EventTypeAlert, Summary: "s"}
	with := func(f func(*ilert.Event)) ilert.Event { e := valid; f(&e); return e }
	tests := []struct {
		name string
		e    ilert.Event
		want []string
	}{
		{"valid alert", valid, nil},
		{"accept without summary", ilert.Event{IntegrationKey: "k", EventType: ilert.EventTypeAccept, AlertKey: "a"}, nil},
		{"resolve without summary", ilert.Event{IntegrationKey: "k", EventType: ilert.EventTypeResolve, AlertKey: "a"}, nil},
		{"comment", ilert.Event{IntegrationKey: "k", EventType: ilert.EventTypeComment, AlertKey: "a",
			Comments: []ilert.Comment{{Content: "c"}}}, nil},
		{"all valid optional fields", with(func(e *ilert.Event) {
			e.Priority, e.Severity = ilert.PriorityLow, 5
			e.Images = []ilert.Image{{Src: "https://i"}}
			e.Links = []ilert.Link{{Href: "https://l"}}
		}), nil},
		{"empty event", ilert.Event{}, []string{"integrationKey is empty", "eventType is empty"}},
		{"blank key", with(func(e *ilert.Event) { e.IntegrationKey = "  " }), []string{"integrationKey is empty"}},
		{"unknown type", with(func(e *ilert.Event) { e.EventType = "SNOOZE" }),
			[]string{`eventType "SNOOZE" is not one of ALERT, ACCEPT, RESOLVE, COMMENT`}},
		{"alert without summary", with(func(e *ilert.Event) { e.Summary = " " }), []string{"summary is required for ALERT"}},
		{"accept without key", ilert.Event{IntegrationKey: "k", EventType: ilert.EventTypeAccept},
			[]string{"alertKey is required for ACCEPT"}},
		{"resolve without key", ilert.Event{IntegrationKey: "k", EventType: ilert.EventTypeResolve},
			[]string{"alertKey is required for RESOLVE"}},
		{"comment without key or comments", ilert.Event{IntegrationKey: "k", EventType: ilert.EventTypeComment},
			[]string{"alertKey is required for COMMENT", "comments are required for COMMENT"}},
		{"bad priority", with(func(e *ilert.Event) { e.Priority = "high" }), []string{`priority "high" is not HIGH or LOW`}},
		{"severity 6", with(func(e *ilert.Event) { e.Severity = 6 }), []string{"severity 6 is not between 1 and 5"}},
		{"severity -1", with(func(e *ilert.Event) { e.Severity = -1 }), []string{"severity -1 is not between 1 and 5"}},
		{"image without src", with(func(e *ilert.Event) { e.Images = []ilert.Image{{Src: "x"}, {Alt: "a"}} }),
			[]string{"images[1].src is empty"}},
		{"link without href", with(func(e *ilert.Event) { e.Links = []ilert.Link{{Text: "t"}} }),
			[]string{"links[0].href is empty"}},
		{"comment without content", with(func(e *ilert.Event) { e.Comments = []ilert.Comment{{Creator: "c"}} }),
			[]string{"comments[0].content is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.e.Validate()
			if tt.want == nil {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ilert.ErrInvalidEvent) {
				t.Fatalf("Validate() = %v, want an error wrapping ErrInvalidEvent", err)
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, "ilert: invalid event: "+w)
			}
			if diff := cmp.Diff(want, problems(err)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventFormattingRedactsKey(t *testing.T) {
	t.Parallel()
	const key = "il1api0f3c2b9e0d4a4f61b2c8e5d7a9f0c1b3"
	e := ilert.Event{IntegrationKey: key, EventType: ilert.EventTypeAlert, Summary: "disk full",
		CustomDetails: map[string]any{"echo": "key=" + key}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%T %v"} {
		t.Run(verb, func(t *testing.T) {
			t.Parallel()
			for _, v := range []any{e, &e, []ilert.Event{e}} {
				out := fmt.Sprintf(verb, v)
				testutil.AssertNoSecret(t, "formatted event", out, key)
				if verb == "%v" && !strings.Contains(out, "disk full") {
					t.Errorf("%s output lost the summary: %s", verb, out)
				}
			}
		})
	}
	if got := fmt.Sprintf("%#v", e); !strings.HasPrefix(got, "ilert.Event{IntegrationKey:\"[redacted]\"") {
		t.Errorf("GoString = %s", got)
	}
}
