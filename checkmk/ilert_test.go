package checkmk

import (
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/google/go-cmp/cmp"
)

// mustNew builds a notification from a context, failing the test on error.
func mustNew(tb testing.TB, ctx map[string]string) *Notification {
	tb.Helper()
	n, err := New(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func hostCtx(extra map[string]string) map[string]string {
	m := map[string]string{
		"WHAT": "HOST", "NOTIFICATIONTYPE": "PROBLEM", "OMD_SITE": "prod", "HOSTNAME": "web01",
		"HOSTSTATE": "DOWN", "HOSTOUTPUT": "CRITICAL - lost 100%",
	}
	maps.Copy(m, extra)
	return m
}

func serviceCtx(extra map[string]string) map[string]string {
	m := map[string]string{
		"WHAT": "SERVICE", "NOTIFICATIONTYPE": "PROBLEM", "OMD_SITE": "prod", "HOSTNAME": "web01",
		"HOSTALIAS": "web01.example.com", "SERVICEDESC": "Filesystem /var", "SERVICESTATE": "CRITICAL",
		"SERVICEOUTPUT": "Used: 97%",
	}
	maps.Copy(m, extra)
	return m
}

func TestILertEventType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   NotificationType
		want ilert.EventType
		ok   bool
	}{
		{TypeProblem, ilert.EventTypeAlert, true},
		{TypeAcknowledgement, ilert.EventTypeAccept, true},
		{"ACKNOWLEDGEMENT (jdoe)", ilert.EventTypeAccept, true},
		{TypeRecovery, ilert.EventTypeResolve, true},
		{TypeFlappingStart, "", false},
		{TypeFlappingStop, "", false},
		{TypeFlappingDisabled, "", false},
		{TypeDowntimeStart, "", false},
		{TypeDowntimeEnd, "", false},
		{TypeDowntimeCancelled, "", false},
		{TypeCustom, "", false},
		{"ALERTHANDLER (OK)", "", false},
		{"SOMETHINGNEW", "", false},
		{"problem", "", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.in), func(t *testing.T) {
			t.Parallel()
			got, err := ILertEventType(tt.in)
			ok := err == nil
			if err != nil && !errors.Is(err, ErrSkip) {
				t.Errorf("ILertEventType(%q) = %v, want ErrSkip", tt.in, err)
			}
			if got != tt.want || ok != tt.ok {
				t.Errorf("ILertEventType(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// The alert key must be the same for a problem and its recovery, whatever the problem ids
// (the Nagios core sends 0 on recoveries), and differ between objects.
func TestILertAlertKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ctx  map[string]string
		want string
	}{
		{"host problem", hostCtx(map[string]string{"HOSTPROBLEMID": "17"}), "prod/web01"},
		{"host recovery nagios", hostCtx(map[string]string{"NOTIFICATIONTYPE": "RECOVERY", "HOSTPROBLEMID": "0", "LASTHOSTPROBLEMID": "17"}), "prod/web01"},
		{"service", serviceCtx(map[string]string{"SERVICEPROBLEMID": "5532"}), "prod/web01/Filesystem /var"},
		{"service recovery nagios", serviceCtx(map[string]string{"NOTIFICATIONTYPE": "RECOVERY", "SERVICEPROBLEMID": "0"}), "prod/web01/Filesystem /var"},
		{"host notification with service variables (Nagios)", hostCtx(map[string]string{"SERVICEDESC": "", "SERVICESTATE": ""}), "prod/web01"},
		{"no site", hostCtx(map[string]string{"OMD_SITE": ""}), "/web01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ILertAlertKey(mustNew(t, tt.ctx)); got != tt.want {
				t.Errorf("ILertAlertKey = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestToILertSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ctx  map[string]string
		want string
	}{
		{"host default", hostCtx(nil), "PROBLEM Host Alert: web01 is DOWN - CRITICAL - lost 100%"},
		{"service default uses alias", serviceCtx(nil), "PROBLEM Service Alert: web01.example.com/Filesystem /var is CRITICAL - Used: 97%"},
		{"service default without alias", serviceCtx(map[string]string{"HOSTALIAS": ""}), "PROBLEM Service Alert: web01/Filesystem /var is CRITICAL - Used: 97%"},
		{"no state, no output", hostCtx(map[string]string{"HOSTSTATE": "", "HOSTOUTPUT": ""}), "PROBLEM Host Alert: web01"},
		{"ack type verbatim", hostCtx(map[string]string{"NOTIFICATIONTYPE": "ACKNOWLEDGEMENT"}), "ACKNOWLEDGEMENT Host Alert: web01 is DOWN - CRITICAL - lost 100%"},
		{
			"host template",
			hostCtx(map[string]string{"PARAMETER_ILERT_SUMMARY_HOST": "$HOSTNAME$ $HOSTSTATE$ ($OMD_SITE$)", "PARAMETER_ILERT_SUMMARY_SERVICE": "wrong"}),
			"web01 DOWN (prod)",
		},
		{
			"service template",
			serviceCtx(map[string]string{"PARAMETER_ILERT_SUMMARY_SERVICE": "$SERVICEDESC$@$HOSTNAME$: $NOPE$$SERVICESTATE$", "PARAMETER_ILERT_SUMMARY_HOST": "wrong"}),
			"Filesystem /var@web01: CRITICAL",
		},
		{"blank template", hostCtx(map[string]string{"PARAMETER_ILERT_SUMMARY_HOST": "  "}), "PROBLEM Host Alert: web01 is DOWN - CRITICAL - lost 100%"},
		{"template expanding to blank", hostCtx(map[string]string{"PARAMETER_ILERT_SUMMARY_HOST": "$UNSET$ "}), "PROBLEM Host Alert: web01 is DOWN - CRITICAL - lost 100%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := ToILert(mustNew(t, tt.ctx), ILertOptions{})
			if err != nil {
				t.Fatalf("ToILert: %v", err)
			}
			if ev.Summary != tt.want {
				t.Errorf("summary = %q, want %q", ev.Summary, tt.want)
			}
		})
	}
}

func TestToILertPriority(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ctx  map[string]string
		opt  ilert.Priority
		want ilert.Priority
	}{
		{"service CRITICAL", serviceCtx(nil), "", ilert.PriorityHigh},
		{"service WARNING", serviceCtx(map[string]string{"SERVICESTATE": "WARNING"}), "", ilert.PriorityLow},
		{"service UNKNOWN", serviceCtx(map[string]string{"SERVICESTATE": "UNKN"}), "", ilert.PriorityLow},
		{"service OK", serviceCtx(map[string]string{"SERVICESTATE": "OK"}), "", ""},
		{"service PENDING", serviceCtx(map[string]string{"SERVICESTATE": "PENDING"}), "", ""},
		{"service odd state", serviceCtx(map[string]string{"SERVICESTATE": "BROKEN"}), "", ""},
		{"host DOWN", hostCtx(nil), "", ilert.PriorityHigh},
		{"host UNREACHABLE", hostCtx(map[string]string{"HOSTSTATE": "UNRE"}), "", ilert.PriorityHigh},
		{"host UP", hostCtx(map[string]string{"HOSTSTATE": "UP"}), "", ""},
		{"rule LOW beats state", serviceCtx(map[string]string{"PARAMETER_ILERT_PRIORITY": "LOW"}), "", ilert.PriorityLow},
		{"rule high, any case", serviceCtx(map[string]string{"SERVICESTATE": "WARNING", "PARAMETER_ILERT_PRIORITY": " high"}), "", ilert.PriorityHigh},
		{"invalid rule value ignored", serviceCtx(map[string]string{"PARAMETER_ILERT_PRIORITY": "P1"}), "", ilert.PriorityHigh},
		{"option beats rule", serviceCtx(map[string]string{"PARAMETER_ILERT_PRIORITY": "HIGH"}), ilert.PriorityLow, ilert.PriorityLow},
		{"invalid option ignored", serviceCtx(map[string]string{"PARAMETER_ILERT_PRIORITY": "LOW"}), "URGENT", ilert.PriorityLow},
		{"no priority on ACCEPT", serviceCtx(map[string]string{"NOTIFICATIONTYPE": "ACKNOWLEDGEMENT"}), ilert.PriorityHigh, ""},
		{"no priority on RESOLVE", serviceCtx(map[string]string{"NOTIFICATIONTYPE": "RECOVERY", "PARAMETER_ILERT_PRIORITY": "HIGH"}), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := ToILert(mustNew(t, tt.ctx), ILertOptions{Priority: tt.opt})
			if err != nil {
				t.Fatalf("ToILert: %v", err)
			}
			if ev.Priority != tt.want {
				t.Errorf("priority = %q, want %q", ev.Priority, tt.want)
			}
		})
	}
}

func TestToILertDetails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ctx  map[string]string
		want string
	}{
		{"none", hostCtx(nil), ""},
		{"long output decoded", serviceCtx(map[string]string{"LONGSERVICEOUTPUT": `line 1\nline 2\n`}), "line 1\nline 2"},
		{"host long output on a host", hostCtx(map[string]string{"LONGHOSTOUTPUT": `a\nb`, "LONGSERVICEOUTPUT": "not this"}), "a\nb"},
		{
			"acknowledgement by notification author",
			serviceCtx(map[string]string{
				"NOTIFICATIONTYPE": "ACKNOWLEDGEMENT", "NOTIFICATIONAUTHOR": "jdoe", "NOTIFICATIONAUTHORALIAS": "Jane Doe",
				"NOTIFICATIONCOMMENT": "on it", "SERVICEACKAUTHOR": "other", "LONGSERVICEOUTPUT": "long",
			}),
			"long\n\nAcknowledged by Jane Doe (jdoe): on it",
		},
		{
			"acknowledgement falls back to ack author and comment",
			hostCtx(map[string]string{"NOTIFICATIONTYPE": "ACKNOWLEDGEMENT", "HOSTACKAUTHOR": "jdoe", "HOSTACKCOMMENT": "PSU"}),
			"Acknowledged by jdoe: PSU",
		},
		{
			"alias only",
			hostCtx(map[string]string{"NOTIFICATIONTYPE": "ACKNOWLEDGEMENT", "NOTIFICATIONAUTHORALIAS": "Jane Doe"}),
			"Acknowledged by Jane Doe",
		},
		{
			"alias equal to user",
			hostCtx(map[string]string{"NOTIFICATIONTYPE": "ACKNOWLEDGEMENT", "NOTIFICATIONAUTHORNAME": "jdoe", "NOTIFICATIONAUTHORALIAS": "jdoe"}),
			"Acknowledged by jdoe",
		},
		{
			"recovery ignores the old acknowledgement",
			hostCtx(map[string]string{"NOTIFICATIONTYPE": "RECOVERY", "HOSTACKAUTHOR": "jdoe", "HOSTACKCOMMENT": "PSU"}),
			"",
		},
		{
			"comment on a problem",
			hostCtx(map[string]string{"NOTIFICATIONCOMMENT": "forced check"}),
			"Comment: forced check",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := ToILert(mustNew(t, tt.ctx), ILertOptions{})
			if err != nil {
				t.Fatalf("ToILert: %v", err)
			}
			if ev.Details != tt.want {
				t.Errorf("details = %q, want %q", ev.Details, tt.want)
			}
		})
	}
}

func TestToILertLinksAndLabels(t *testing.T) {
	t.Parallel()
	ctx := serviceCtx(map[string]string{
		"MONITORING_HOST": "cmk-central", "HOSTURL": "/check_mk/index.py?host=web01", "SERVICEURL": "/check_mk/index.py?svc=1",
		"PARAMETER_URL_PREFIX_AUTOMATIC": "https", "HOSTLABEL_team": "web", "HOSTLABEL_owner": "ops",
		"SERVICELABEL_owner": "storage",
	})
	tests := []struct {
		name   string
		prefix string
		want   []ilert.Link
	}{
		{"rule prefix", "", []ilert.Link{
			{Href: "https://cmk-central/prod/check_mk/index.py?svc=1", Text: "Checkmk: Filesystem /var on web01"},
			{Href: "https://cmk-central/prod/check_mk/index.py?host=web01", Text: "Checkmk: host web01"},
		}},
		{"option prefix with /check_mk/", " https://cmk.example.com/prod/check_mk/ ", []ilert.Link{
			{Href: "https://cmk.example.com/prod/check_mk/index.py?svc=1", Text: "Checkmk: Filesystem /var on web01"},
			{Href: "https://cmk.example.com/prod/check_mk/index.py?host=web01", Text: "Checkmk: host web01"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, _ := ToILert(mustNew(t, ctx), ILertOptions{URLPrefix: tt.prefix})
			if diff := cmp.Diff(tt.want, ev.Links); diff != "" {
				t.Errorf("links (-want +got):\n%s", diff)
			}
			wantLabels := map[string]string{"team": "web", "owner": "storage"}
			if diff := cmp.Diff(wantLabels, ev.Labels); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("no prefix, no labels", func(t *testing.T) {
		t.Parallel()
		ev, _ := ToILert(mustNew(t, hostCtx(map[string]string{"HOSTURL": "/check_mk/x"})), ILertOptions{})
		if ev.Links != nil || ev.Labels != nil {
			t.Errorf("links %v, labels %v; want none", ev.Links, ev.Labels)
		}
	})
}

func TestToILertKeyAndSkip(t *testing.T) {
	t.Parallel()
	ev, err := ToILert(mustNew(t, hostCtx(nil)), ILertOptions{IntegrationKey: "k"})
	if err != nil || ev.IntegrationKey != "k" || ev.EventType != ilert.EventTypeAlert {
		t.Errorf("got %v, %v", ev, err)
	}
	ev, err = ToILert(mustNew(t, hostCtx(nil)), ILertOptions{})
	if err != nil || ev.IntegrationKey != "" {
		t.Errorf("integration key %q, want empty for the caller to set", ev.IntegrationKey)
	}
	if ev, err := ToILert(nil, ILertOptions{IntegrationKey: "k"}); err == nil || errors.Is(err, ErrSkip) || ev.IntegrationKey != "" {
		t.Errorf("nil notification: got %v, %v; want an error that is not ErrSkip", ev, err)
	}
	if ev, err := ToILert(mustNew(t, hostCtx(map[string]string{"NOTIFICATIONTYPE": "DOWNTIMESTART"})), ILertOptions{IntegrationKey: "k"}); !errors.Is(err, ErrSkip) || ev.IntegrationKey != "" {
		t.Errorf("DOWNTIMESTART: got %v, %v; want ErrSkip", ev, err)
	} else if !strings.Contains(err.Error(), `not "DOWNTIMESTART"`) {
		t.Errorf("DOWNTIMESTART: error %q does not name the type", err)
	}
}

func TestToILertCustomDetails(t *testing.T) {
	t.Parallel()
	n := mustNew(t, hostCtx(map[string]string{"PARAMETER_1": "ilert=il1api-secret-key-1234"}))
	ev, err := ToILert(n, ILertOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ev.CustomDetails)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]map[string]string
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("customDetails %s: %v", b, err)
	}
	if len(got) != 1 || got[CustomDetailsKey]["HOSTNAME"] != n.Host.Name {
		t.Errorf("customDetails = %s, want the context under %q", b, CustomDetailsKey)
	}
	if v := got[CustomDetailsKey]["PARAMETER_1"]; v != "ilert=[redacted]" {
		t.Errorf("PARAMETER_1 = %q, want the value redacted", v)
	}
	ev, err = ToILert(n, ILertOptions{OmitContext: true})
	if err != nil {
		t.Fatal(err)
	}
	if ev.CustomDetails != nil {
		t.Errorf("OmitContext: customDetails = %v, want none", ev.CustomDetails)
	}
}
