package level

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixture returns the bytes of testdata/name.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// webhookFixtures lists the webhook bodies in testdata (not the vectors, goldens or fuzz
// corpora).
func webhookFixtures(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range paths {
		name := filepath.Base(p)
		if strings.HasSuffix(name, ".golden.json") || name == "signature-vectors.json" {
			continue
		}
		names = append(names, name)
	}
	if len(names) < 6 {
		t.Fatalf("found only %d webhook fixtures: %v", len(names), names)
	}
	return names
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestDecodeFixtures(t *testing.T) {
	t.Parallel()
	lowDisk := Alert{
		ID:             "Z2lkOi8vbGV2ZWwvQWxlcnQvNzczMDAyMQ",
		DeviceID:       "Z2lkOi8vbGV2ZWwvRGV2aWNlLzQ4MjkxMw",
		DeviceHostname: "FRONTDESK-PC01",
		Name:           "Low disk space",
		Description:    "Drive C: free space is below the 10% threshold",
		Payload:        "7.2% free (14.3 GB of 198 GB)",
		Severity:       SeverityCritical,
		StartedAt:      utc("2026-08-20T09:41:07Z"),
	}
	lowDiskResolved := lowDisk
	lowDiskResolved.Resolved = true
	lowDiskResolved.ResolvedAt = utc("2026-08-20T11:02:44Z")

	want := map[string]*Event{
		"alert_active.documented-minimal.json": {
			Type:       EventAlertActive,
			ID:         "550e8400-e29b-41d4-a716-446655440000",
			OccurredAt: utc("2025-03-15T14:30:00Z"),
			Alert:      &Alert{ID: "123456789"},
		},
		"alert_active.inferred.json": {
			Type:       EventAlertActive,
			ID:         "6f1c2b8e-4a3d-4e5f-9b7a-1c2d3e4f5a6b",
			OccurredAt: utc("2026-08-20T09:41:08.512Z"),
			Alert:      &lowDisk,
		},
		"alert_active.warning-nopayload.inferred.json": {
			Type:       EventAlertActive,
			ID:         "b3c4d5e6-f7a8-4b9c-8d0e-1f2a3b4c5d6e",
			OccurredAt: utc("2026-08-20T10:15:01.004Z"),
			Alert: &Alert{
				ID:             "Z2lkOi8vbGV2ZWwvQWxlcnQvNzczMDU0NA",
				DeviceID:       "Z2lkOi8vbGV2ZWwvRGV2aWNlLzQ4Mjk3Nw",
				DeviceHostname: "SRV-FS02",
				Name:           "Device offline",
				Description:    "Device has not checked in for 10 minutes",
				Severity:       SeverityWarning,
				StartedAt:      utc("2026-08-20T10:15:00Z"),
			},
		},
		"alert_resolved.inferred.json": {
			Type:       EventAlertResolved,
			ID:         "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
			OccurredAt: utc("2026-08-20T11:02:45.101Z"),
			Alert:      &lowDiskResolved,
		},
		"device_updated.inferred.json": {
			Type:       EventDeviceUpdated,
			ID:         "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
			OccurredAt: utc("2026-08-20T09:00:00Z"),
		},
		"level-webhook-envelope.request.json": {
			Type:       EventDeviceCreated,
			ID:         "550e8400-e29b-41d4-a716-446655440000",
			OccurredAt: utc("2025-03-15T14:30:00Z"),
		},
	}
	for _, name := range webhookFixtures(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body := fixture(t, name)
			got, err := Decode(body)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			w, ok := want[name]
			if !ok {
				t.Fatalf("no expectation for fixture %s: add one", name)
			}
			// Data is the data object exactly as sent; compare it as JSON.
			var env struct{ Data json.RawMessage }
			if err := json.Unmarshal(body, &env); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(compactJSON(t, env.Data), compactJSON(t, got.Data)); diff != "" {
				t.Errorf("Data (-want +got):\n%s", diff)
			}
			got.Data = nil
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
			if !got.Known() {
				t.Error("Known() = false for a documented event type")
			}
		})
	}
}

func compactJSON(t testing.TB, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestDecodeIsLenient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		want  *Alert // nil: the event is not an alert
		known bool
	}{
		{
			name:  "no data",
			body:  `{"event_type":"alert_active","event_id":"e1"}`,
			want:  &Alert{},
			known: true,
		},
		{
			name:  "whitespace everywhere",
			body:  "\n{ \"event_type\" : \"alert_active\" ,\r\n\t\"data\" :\n { \"id\" : \"a1\" , \"is_resolved\" : true }\n }\n",
			want:  &Alert{ID: "a1", Resolved: true},
			known: true,
		},
		{
			name: "member names match exactly; the last of repeated members counts",
			body: `{"event_type":"alert_active","EVENT_TYPE":"device_created",` +
				`"data":{"Name":"other case","name":"first","name":"last","na\u006de":"escaped"}}`,
			want:  &Alert{Name: "escaped"},
			known: true,
		},
		{
			name:  "nested values with brackets and quotes in strings are skipped",
			body:  `{"event_type":"alert_active","x":{"a":["}",{"b":"\"]"}]},"data":{"y":[[]],"id":"a1","z":{"}":1}}}`,
			want:  &Alert{ID: "a1"},
			known: true,
		},
		{
			name:  "data null",
			body:  `{"event_type":"alert_resolved","data":null}`,
			want:  &Alert{},
			known: true,
		},
		{
			name:  "data is an array",
			body:  `{"event_type":"alert_active","data":[1,2]}`,
			want:  &Alert{},
			known: true,
		},
		{
			name:  "data is a string",
			body:  `{"event_type":"alert_active","data":"boom"}`,
			want:  &Alert{},
			known: true,
		},
		{
			name:  "numbers and booleans where strings belong",
			body:  `{"event_type":"alert_active","data":{"id":42,"device_id":-7.5e3,"name":true,"payload":12.5}}`,
			want:  &Alert{ID: "42", DeviceID: "-7.5e3", Name: "true", Payload: "12.5"},
			known: true,
		},
		{
			name:  "objects and arrays where strings belong",
			body:  `{"event_type":"alert_active","data":{"id":"a1","name":{"en":"x"},"description":["x"],"severity":null}}`,
			want:  &Alert{ID: "a1"},
			known: true,
		},
		{
			name:  "is_resolved as string and as number",
			body:  `{"event_type":"alert_resolved","data":{"is_resolved":"TRUE"}}`,
			want:  &Alert{Resolved: true},
			known: true,
		},
		{
			name:  "is_resolved 1",
			body:  `{"event_type":"alert_resolved","data":{"is_resolved":1}}`,
			want:  &Alert{Resolved: true},
			known: true,
		},
		{
			name:  "is_resolved nonsense",
			body:  `{"event_type":"alert_resolved","data":{"is_resolved":"maybe"}}`,
			want:  &Alert{},
			known: true,
		},
		{
			name: "times: zone-less, offset, Unix seconds, nonsense",
			body: `{"event_type":"alert_resolved","occurred_at":"garbage","data":{` +
				`"started_at":"2026-08-20T09:41:07.25","resolved_at":"2026-08-20T13:02:44+02:00"}}`,
			want:  &Alert{StartedAt: utc("2026-08-20T09:41:07.25Z"), ResolvedAt: utc("2026-08-20T11:02:44Z")},
			known: true,
		},
		{
			name:  "Unix seconds",
			body:  `{"event_type":"alert_active","data":{"started_at":1787218867}}`,
			want:  &Alert{StartedAt: utc("2026-08-20T09:41:07Z")},
			known: true,
		},
		{
			name:  "escapes and extra fields",
			body:  `{"event_type":"alert_active","data":{"name":"Disk \u00e9\"C:\"\n","extra":{"deep":[1]},"severity":"Critical"},"more":1}`,
			want:  &Alert{Name: "Disk é\"C:\"\n", Severity: "Critical"},
			known: true,
		},
		{
			name:  "invalid UTF-8 becomes U+FFFD",
			body:  "{\"event_type\":\"alert_active\",\"data\":{\"name\":\"a\xffb\"}}",
			want:  &Alert{Name: "a\uFFFDb"},
			known: true,
		},
		{
			name:  "unknown event type",
			body:  `{"event_type":"alert_acknowledged","data":{"id":"a1"}}`,
			known: false,
		},
		{
			name:  "event type that is a number",
			body:  `{"event_type":7}`,
			known: false,
		},
		{
			name:  "device event",
			body:  `{"event_type":"group_deleted","data":{"id":"g1"}}`,
			known: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := Decode([]byte(tt.body))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, e.Alert); diff != "" {
				t.Errorf("Alert (-want +got):\n%s", diff)
			}
			if got := e.Known(); got != tt.known {
				t.Errorf("Known() = %v, want %v", got, tt.known)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, wantMsg string
	}{
		{"empty", ``, "level: body is not a Level webhook: not a JSON object"},
		{"blank", " \n", "level: body is not a Level webhook: not a JSON object"},
		{"array", `[{"event_type":"alert_active"}]`, "level: body is not a Level webhook: not a JSON object"},
		{"string", `"alert_active"`, "level: body is not a Level webhook: not a JSON object"},
		{"form", `event_type=alert_active`, "level: body is not a Level webhook: not a JSON object"},
		{"truncated", `{"event_type":"alert_active"`, "level: body is not a Level webhook: invalid JSON: unexpected end of JSON input"},
		{"trailing garbage", `{"event_type":"alert_active"}x`, "level: body is not a Level webhook: invalid JSON: invalid character 'x' after top-level value"},
		{"no event type", `{"event_id":"e1","data":{}}`, "level: body is not a Level webhook: no event_type"},
		{"empty event type", `{"event_type":""}`, "level: body is not a Level webhook: no event_type"},
		{"null event type", `{"event_type":null}`, "level: body is not a Level webhook: no event_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := Decode([]byte(tt.body))
			if !errors.Is(err, ErrInvalidPayload) {
				t.Fatalf("Decode = %+v, %v; want an error wrapping ErrInvalidPayload", e, err)
			}
			if e != nil {
				t.Errorf("Decode returned an event with its error: %+v", e)
			}
			if got := err.Error(); got != tt.wantMsg {
				t.Errorf("error = %q, want %q", got, tt.wantMsg)
			}
		})
	}
}

func TestDecodeDoesNotRetainBody(t *testing.T) {
	t.Parallel()
	body := fixture(t, "alert_active.inferred.json")
	e, err := Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	want := string(e.Data)
	for i := range body {
		body[i] = 'x'
	}
	if string(e.Data) != want || e.Alert.Name != "Low disk space" {
		t.Errorf("the event changed with the body: Data %s, Name %q", e.Data, e.Alert.Name)
	}
}

func TestEventTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		t            EventType
		valid, alert bool
	}{
		{EventAlertActive, true, true},
		{EventAlertResolved, true, true},
		{EventDeviceCreated, true, false},
		{EventDeviceUpdated, true, false},
		{EventDeviceDeleted, true, false},
		{EventGroupCreated, true, false},
		{EventGroupUpdated, true, false},
		{EventGroupDeleted, true, false},
		{"", false, false},
		{"ALERT_ACTIVE", false, false},
		{"alert_acknowledged", false, false},
	}
	for _, tt := range tests {
		if got := tt.t.Valid(); got != tt.valid {
			t.Errorf("EventType(%q).Valid() = %v, want %v", tt.t, got, tt.valid)
		}
		if got := tt.t.IsAlert(); got != tt.alert {
			t.Errorf("EventType(%q).IsAlert() = %v, want %v", tt.t, got, tt.alert)
		}
		e := &Event{Type: tt.t}
		if got := e.Known(); got != tt.valid {
			t.Errorf("Event{Type: %q}.Known() = %v, want %v", tt.t, got, tt.valid)
		}
	}
	var nilEvent *Event
	if nilEvent.Known() {
		t.Error("a nil event is Known")
	}
}

func TestSeverityValid(t *testing.T) {
	t.Parallel()
	for s, want := range map[Severity]bool{
		SeverityInformation: true, SeverityWarning: true, SeverityCritical: true, SeverityEmergency: true,
		"": false, "info": false, "Critical": false, "fatal": false,
	} {
		if got := s.Valid(); got != want {
			t.Errorf("Severity(%q).Valid() = %v, want %v", s, got, want)
		}
	}
}
