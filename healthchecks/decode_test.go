package healthchecks

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestDecodeFixtures(t *testing.T) {
	t.Parallel()
	const uuid = "5c2b7ef0-3d1e-4c8a-9a57-0f2d6b3e91a4"
	nightly := Check{
		Name:      "Nightly DB backup",
		Slug:      "nightly-db-backup",
		Grace:     600 * time.Second,
		Timeout:   time.Hour,
		Pings:     1432,
		Status:    StatusDown,
		LastPing:  date("2026-08-19T09:15:02Z"),
		BadgeURL:  "https://healthchecks.io/b/2/0b1f6c3e-8a42-4d55-b1a9-7e2c5d9f4a10.svg",
		UUID:      uuid,
		PingURL:   "https://hc-ping.com/" + uuid,
		UpdateURL: "https://healthchecks.io/api/v3/checks/" + uuid,
		PauseURL:  "https://healthchecks.io/api/v3/checks/" + uuid + "/pause",
		ResumeURL: "https://healthchecks.io/api/v3/checks/" + uuid + "/resume",
		Channels:  []string{"e1b0c5a2-7d3f-4e86-a1c9-2b4f6d8e0a13"},
	}
	legacy := nightly
	legacy.UUID = ""
	legacy.BadgeURL = ""
	legacy.UpdateURL = "https://healthchecks.io/api/v1/checks/" + uuid
	legacy.PauseURL = legacy.UpdateURL + "/pause"
	legacy.ResumeURL = legacy.UpdateURL + "/resume"
	readonly := nightly
	readonly.UUID, readonly.PingURL, readonly.UpdateURL, readonly.PauseURL, readonly.ResumeURL = "", "", "", "", ""
	readonly.Channels = nil
	readonly.UniqueKey = "9f8a6f8b4e2ca2542050f491227fb3158e77d6ef"

	const cronID = "9f3a1c7e-52b4-4e0d-8c61-d7a2e4b5f039"
	const backupID = "2e7d9b14-6f0a-4c3d-b8e5-a91c0d7f6e28"
	tests := []struct {
		file   string
		want   Check
		wantID string
	}{
		{"simple-down.json", nightly, uuid},
		{"legacy-v2.5-simple-down.json", legacy, uuid},
		{"api-readonly-simple-down.json", readonly, readonly.UniqueKey},
		{"cron-up.json", Check{
			Name:         "Invoice export",
			Slug:         "invoice-export",
			Tags:         []string{"prod", "billing"},
			Grace:        30 * time.Minute,
			Schedule:     "0 3 * * *",
			TimeZone:     "Europe/Riga",
			Pings:        87,
			Status:       StatusUp,
			LastPing:     date("2026-08-20T00:00:41Z"),
			NextPing:     date("2026-08-21T00:00:00Z"),
			LastDuration: 37 * time.Second,
			BadgeURL:     "https://healthchecks.io/b/2/4d8e2a6b-1c3f-4b7a-9e05-8f6a2c1d3b74.svg",
			UUID:         cronID,
			PingURL:      "https://hc-ping.com/" + cronID,
			UpdateURL:    "https://healthchecks.io/api/v3/checks/" + cronID,
			PauseURL:     "https://healthchecks.io/api/v3/checks/" + cronID + "/pause",
			ResumeURL:    "https://healthchecks.io/api/v3/checks/" + cronID + "/resume",
			Channels:     []string{"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "e1b0c5a2-7d3f-4e86-a1c9-2b4f6d8e0a13"},
		}, cronID},
		{"tags-desc-down.json", Check{
			Name:              "Backup — Zürich NAS",
			Slug:              "backup-zurich-nas",
			Tags:              []string{"prod", "backup", "nas"},
			Description:       "Runs restic to the Zürich NAS.\nOwner: ops@example.com\nRunbook: https://wiki.example.com/backup",
			Grace:             20 * time.Minute,
			Timeout:           24 * time.Hour,
			Pings:             5210,
			Status:            StatusDown,
			Started:           true,
			LastPing:          date("2026-08-18T22:00:05Z"),
			LastDuration:      2710 * time.Second,
			Methods:           "POST",
			Channels:          []string{"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"},
			BadgeURL:          "https://healthchecks.io/b/2/7c5a9e1d-2b4f-4a8c-9d6e-3f1b0a7c5e92.svg",
			ManualResume:      true,
			StartKeywords:     []string{"START"},
			SuccessKeywords:   []string{"SUCCESS", "COMPLETED"},
			FailureKeywords:   []string{"ERROR", "FAILED"},
			Subject:           []string{"SUCCESS", "COMPLETED"},
			SubjectFail:       []string{"ERROR", "FAILED"},
			FilterSubject:     true,
			FilterHTTPBody:    true,
			FilterDefaultFail: true,
			UUID:              backupID,
			PingURL:           "https://hc-ping.com/" + backupID,
			UpdateURL:         "https://healthchecks.io/api/v3/checks/" + backupID,
			PauseURL:          "https://healthchecks.io/api/v3/checks/" + backupID + "/pause",
			ResumeURL:         "https://healthchecks.io/api/v3/checks/" + backupID + "/resume",
		}, backupID},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			var got Check
			if err := json.Unmarshal(readFixture(t, tt.file), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decoded check (-want +got):\n%s", diff)
			}
			if id := got.ID(); id != tt.wantID {
				t.Errorf("ID() = %q, want %q", id, tt.wantID)
			}
		})
	}
}

func TestEveryFixtureDecodes(t *testing.T) {
	t.Parallel()
	for _, f := range bodyFixtures {
		t.Run(f.file, func(t *testing.T) {
			t.Parallel()
			var c Check
			if err := c.decode(readFixture(t, f.file)); err != nil {
				t.Fatal(err)
			}
			if c.Extra != nil {
				t.Errorf("Extra = %v, want nil: every key of the fixture is known", c.Extra)
			}
			if c.Name == "" || c.ID() == "" || c.LastPing.IsZero() {
				t.Errorf("name %q, id %q, last ping %v: want all set", c.Name, c.ID(), c.LastPing)
			}
		})
	}
}

func TestDecodeTolerance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		body      string
		want      Check
		wantExtra map[string]string
	}{
		{
			name: "only name",
			body: `{"name": ""}`,
			want: Check{},
		},
		{
			name: "nulls everywhere",
			body: `{"name": null, "tags": null, "grace": null, "n_pings": null, "started": null,
				"last_ping": null, "next_ping": null, "channels": null, "timeout": null}`,
			want: Check{},
		},
		{
			name: "numbers and booleans as strings",
			body: `{"name": "n", "grace": "600", "n_pings": " 12 ", "timeout": "3600.0",
				"started": "true", "manual_resume": "False", "filter_body": "1"}`,
			want: Check{Name: "n", Grace: 10 * time.Minute, Pings: 12, Timeout: time.Hour, Started: true, FilterBody: true},
		},
		{
			name: "strings as numbers and booleans",
			body: `{"name": 42, "slug": true, "filter_subject": 1, "started": 0}`,
			want: Check{Name: "42", Slug: "true", FilterSubject: true},
		},
		{
			name: "fractional seconds",
			body: `{"name": "n", "last_duration": 1.5, "n_pings": 3.0}`,
			want: Check{Name: "n", LastDuration: 1500 * time.Millisecond, Pings: 3},
		},
		{
			name: "lists as arrays and messy separators",
			body: `{"name": "n", "tags": ["a", " b ", ""], "success_kw": " OK ,, DONE,", "channels": ["x"]}`,
			want: Check{Name: "n", Tags: []string{"a", "b"}, SuccessKeywords: []string{"OK", "DONE"}, Channels: []string{"x"}},
		},
		{
			name: "timestamps with Z, fraction and offset",
			body: `{"name": "n", "last_ping": "2026-08-19T09:15:02.5Z", "next_ping": "2026-08-19T11:15:02+02:00"}`,
			want: Check{Name: "n", LastPing: date("2026-08-19T09:15:02.5Z"), NextPing: date("2026-08-19T09:15:02Z")},
		},
		{
			name: "escaped key and value",
			body: `{"na\u006de": "caf\u00e9 \"x\"", "status": "\u0064own"}`,
			want: Check{Name: `café "x"`, Status: StatusDown},
		},
		{
			name: "unknown status kept",
			body: `{"name": "n", "status": "degraded"}`,
			want: Check{Name: "n", Status: "degraded"},
		},
		{
			name:      "unknown keys and unconvertible values kept in Extra",
			body:      `{"name": "n", "new_key": {"a": [1, "}"]}, "grace": "soon", "last_ping": "yesterday", "tags": {"x": 1}, "n_pings": 1e30, "timeout": 1e300}`,
			want:      Check{Name: "n"},
			wantExtra: map[string]string{"new_key": `{"a": [1, "}"]}`, "grace": `"soon"`, "last_ping": `"yesterday"`, "tags": `{"x": 1}`, "n_pings": `1e30`, "timeout": `1e300`},
		},
		{
			name: "byte order mark and white space",
			body: "\xef\xbb\xbf \n{ \"name\" : \"n\" , \"grace\":60 }\n",
			want: Check{Name: "n", Grace: time.Minute},
		},
		{
			name: "later duplicate wins",
			body: `{"name": "a", "name": "b"}`,
			want: Check{Name: "b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got Check
			if err := got.decode([]byte(tt.body)); err != nil {
				t.Fatal(err)
			}
			extra := map[string]string{}
			for k, v := range got.Extra {
				extra[k] = string(v)
			}
			got.Extra = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("check (-want +got):\n%s", diff)
			}
			if tt.wantExtra == nil {
				tt.wantExtra = map[string]string{}
			}
			if diff := cmp.Diff(tt.wantExtra, extra); diff != "" {
				t.Errorf("Extra (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want error
	}{
		{"empty", "", ErrEmptyBody},
		{"white space", " \n", ErrEmptyBody},
		{"not JSON", "Nightly DB backup is down", ErrMalformedBody},
		{"truncated", `{"name": "n"`, ErrMalformedBody},
		{"array", `[{"name": "n"}]`, ErrMalformedBody},
		{"string", `"$JSON"`, ErrMalformedBody},
		{"no name", `{"slug": "s", "uuid": "u"}`, ErrNotCheck},
		{"empty object", `{}`, ErrNotCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c Check
			err := c.decode([]byte(tt.body))
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		check Check
		want  string
	}{
		{"uuid first", Check{UUID: "u", UpdateURL: "https://h/api/v1/checks/x", Slug: "s"}, "u"},
		{"update url", Check{UpdateURL: "https://h/api/v1/checks/x/", PingURL: "https://p/y", Slug: "s"}, "x"},
		{"ping url", Check{PingURL: "https://p/y?create=0", Slug: "s"}, "y"},
		{"unique key", Check{UniqueKey: "k", Slug: "s"}, "k"},
		{"slug", Check{Slug: "s", UpdateURL: "::"}, "s"},
		{"nothing", Check{Name: "n"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.check.ID(); got != tt.want {
				t.Errorf("ID() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDetailsURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		update string
		want   string
	}{
		{"https://healthchecks.io/api/v3/checks/abc", "https://healthchecks.io/checks/abc/details/"},
		{"http://hc.example.com:8000/sub/api/v1/checks/abc/", "http://hc.example.com:8000/sub/checks/abc/details/"},
		{"https://user:secret@hc.example.com/api/v3/checks/abc?x=1", "https://hc.example.com/checks/abc/details/"},
		{"https://hc.example.com/api/vX/checks/abc", ""},
		{"https://hc.example.com/api/v3/checks/", ""},
		{"https://hc.example.com/api/v3/checks/abc/pause", ""},
		{"ftp://hc.example.com/api/v3/checks/abc", ""},
		{"/api/v3/checks/abc", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.update, func(t *testing.T) {
			t.Parallel()
			c := Check{UpdateURL: tt.update}
			if got := c.detailsURL(); got != tt.want {
				t.Errorf("detailsURL() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStatusValid(t *testing.T) {
	t.Parallel()
	for _, s := range []Status{StatusNew, StatusUp, StatusGrace, StatusDown, StatusPaused, StatusStarted} {
		if !s.Valid() {
			t.Errorf("%q.Valid() = false", s)
		}
	}
	for _, s := range []Status{"", "UP", "degraded"} {
		if s.Valid() {
			t.Errorf("%q.Valid() = true", s)
		}
	}
}

// Check works as a field of the embedder's own types.
func TestCheckInsideOtherJSON(t *testing.T) {
	t.Parallel()
	var v struct {
		Check   Check  `json:"check"`
		Missing *Check `json:"missing"`
		Null    Check  `json:"null"`
	}
	in := `{"check": {"name": "n", "grace": "60"}, "null": null}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Check{Name: "n", Grace: time.Minute}, v.Check); diff != "" {
		t.Errorf("check (-want +got):\n%s", diff)
	}
	if v.Missing != nil || v.Null.Name != "" {
		t.Errorf("missing %v, null %+v: want nil and zero", v.Missing, v.Null)
	}
	err := json.Unmarshal([]byte(`{"check": {"slug": "s"}}`), &v)
	if !errors.Is(err, ErrNotCheck) {
		t.Errorf("error %v, want ErrNotCheck", err)
	}
}
