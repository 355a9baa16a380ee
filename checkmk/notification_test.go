package checkmk

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

func TestFixturesGolden(t *testing.T) {
	t.Parallel()
	for _, name := range fullFixtures {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			n, err := FromEnviron(readEnv(t, name))
			if err != nil {
				t.Fatalf("FromEnviron: %v", err)
			}
			got, err := json.Marshal(n)
			if err != nil {
				t.Fatal(err)
			}
			testutil.GoldenJSON(t, filepath.Join("testdata", name+".golden.json"), got)
		})
	}
}

func TestFixtureFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fixture   string
		what      What
		kind      NotificationType
		host      HostState
		service   ServiceState
		problemID string
	}{
		{"host-down-problem", WhatHost, TypeProblem, HostDown, ServiceStateNone, "1873"},
		{"host-ack", WhatHost, TypeAcknowledgement, HostDown, ServiceStateNone, "1873"},
		{"host-up-recovery", WhatHost, TypeRecovery, HostUp, ServiceStateNone, "1873"},
		{"host-downtimestart", WhatHost, TypeDowntimeStart, HostUp, ServiceStateNone, ""},
		{"service-warn-problem", WhatService, TypeProblem, HostUp, ServiceWarning, "5532"},
		{"service-crit-problem", WhatService, TypeProblem, HostUp, ServiceCritical, "5532"},
		{"service-ack", WhatService, TypeAcknowledgement, HostUp, ServiceCritical, "5532"},
		{"service-ok-recovery", WhatService, TypeRecovery, HostUp, ServiceOK, "5532"},
		{"service-unknown-problem", WhatService, TypeProblem, HostUp, ServiceUnknown, ""},
		{"service-flappingstart", WhatService, TypeFlappingStart, HostUp, "", ""},
		{"service-custom", WhatService, TypeCustom, HostUp, ServiceOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			n, err := FromEnviron(readEnv(t, tt.fixture))
			if err != nil {
				t.Fatal(err)
			}
			if n.What != tt.what || n.Type.Kind() != tt.kind || n.Host.State != tt.host {
				t.Errorf("got %s %s host %q, want %s %s host %q", n.What, n.Type.Kind(), n.Host.State, tt.what, tt.kind, tt.host)
			}
			if tt.service != "" && n.Service.State != tt.service {
				t.Errorf("service state %q, want %q", n.Service.State, tt.service)
			}
			if tt.problemID != "" && n.DedupProblemID() != tt.problemID {
				t.Errorf("DedupProblemID %q, want %q", n.DedupProblemID(), tt.problemID)
			}
			if !n.Type.Valid() || !n.What.Valid() {
				t.Errorf("type %q or what %q not valid", n.Type, n.What)
			}
			if n.What == WhatHost && !cmp.Equal(n.Service, Service{}) {
				t.Errorf("host notification has service fields: %+v", n.Service.Description)
			}
		})
	}
}

func TestServiceCritDetails(t *testing.T) {
	t.Parallel()
	n, err := FromEnviron(readEnv(t, "service-crit-problem"))
	if err != nil {
		t.Fatal(err)
	}
	wantLong := "Used: 97.12% - 48.6 GiB of 50.0 GiB (warn/crit at 80.00%/90.00% used)(!!)\nFree: 1.44 GiB\nInodes used: 12.47%, Inodes available: 2.87 M\nTrend: +1.02 GiB / 24 hours\nTime left until disk full: 1 day 9 hours"
	if diff := cmp.Diff(wantLong, n.Service.LongOutput); diff != "" {
		t.Errorf("LongOutput (-want +got):\n%s", diff)
	}
	if want := time.Date(2025, 3, 20, 5, 58, 59, 880021000, time.UTC); !n.Time.Equal(want) || n.Time.Location() != time.UTC {
		t.Errorf("Time = %v, want %v UTC", n.Time, want)
	}
	if diff := cmp.Diff([]string{"alerting-bot", "jdoe"}, n.Contact.Contacts); diff != "" {
		t.Errorf("Contacts (-want +got):\n%s", diff)
	}
	if got := n.Host.Labels["cmk/os_family"]; got != "linux" {
		t.Errorf("label cmk/os_family = %q", got)
	}
	if got := n.Host.TagGroups["criticality"]; got != "prod" {
		t.Errorf("tag group criticality = %q", got)
	}
	if got := n.Service.Labels["owner"]; got != "storage" {
		t.Errorf("service label owner = %q", got)
	}
	if len(n.Host.Tags) != 11 || n.Host.Tags[0] != "/wato/servers/web/" {
		t.Errorf("Tags = %q", n.Host.Tags)
	}
	if n.Service.PreviousHardState != ServiceWarning || n.Service.PreviousHardStateID != 1 || n.Service.StateID != 2 {
		t.Errorf("previous hard %q/%d, id %d", n.Service.PreviousHardState, n.Service.PreviousHardStateID, n.Service.StateID)
	}
	if v, ok := n.Get("HOSTLABEL_cmk/site"); !ok || v != "prod" {
		t.Errorf("Get(HOSTLABEL_cmk/site) = %q, %v", v, ok)
	}
	if _, ok := n.Get("HOME"); ok {
		t.Error("a variable without NOTIFY_ prefix was kept")
	}
	raw := n.Raw()
	raw["HOSTNAME"] = "changed"
	if v, _ := n.Get("HOSTNAME"); v != "web01" {
		t.Error("Raw returned the notification's own map")
	}
	if got, want := n.String(), "SERVICE PROBLEM web01/Filesystem /var CRITICAL"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestNewRequiredVariables(t *testing.T) {
	t.Parallel()
	base := map[string]string{"WHAT": "HOST", "HOSTNAME": "h", "NOTIFICATIONTYPE": "PROBLEM"}
	tests := []struct {
		name        string
		drop        string
		set         map[string]string
		wantMissing []string
		wantInvalid string
	}{
		{name: "complete"},
		{name: "no WHAT", drop: "WHAT", wantMissing: []string{"WHAT"}},
		{name: "no HOSTNAME", drop: "HOSTNAME", wantMissing: []string{"HOSTNAME"}},
		{name: "no NOTIFICATIONTYPE", drop: "NOTIFICATIONTYPE", wantMissing: []string{"NOTIFICATIONTYPE"}},
		{name: "empty HOSTNAME", set: map[string]string{"HOSTNAME": ""}, wantMissing: []string{"HOSTNAME"}},
		{name: "bad WHAT", set: map[string]string{"WHAT": "CLUSTER"}, wantInvalid: "WHAT"},
		{name: "lower-case WHAT", set: map[string]string{"WHAT": "service"}, wantInvalid: "WHAT"},
		{name: "unknown type kept", set: map[string]string{"NOTIFICATIONTYPE": "SOMETHINGNEW"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := map[string]string{}
			for k, v := range base {
				if k != tt.drop {
					ctx[k] = v
				}
			}
			for k, v := range tt.set {
				ctx[k] = v
			}
			n, err := New(ctx)
			if len(tt.wantMissing) == 0 && tt.wantInvalid == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if n.Host.Name != "h" {
					t.Errorf("Host.Name = %q", n.Host.Name)
				}
				return
			}
			if n != nil || err == nil {
				t.Fatalf("New = %v, %v; want an error", n, err)
			}
			if !errors.Is(err, ErrInvalidContext) {
				t.Errorf("error %v does not match ErrInvalidContext", err)
			}
			var missing *MissingVariableError
			if len(tt.wantMissing) > 0 {
				if !errors.As(err, &missing) || missing.Name != tt.wantMissing[0] {
					t.Errorf("error %v: want MissingVariableError{%s}", err, tt.wantMissing[0])
				}
			}
			var invalid *InvalidVariableError
			if tt.wantInvalid != "" {
				if !errors.As(err, &invalid) || invalid.Name != tt.wantInvalid {
					t.Errorf("error %v: want InvalidVariableError{%s}", err, tt.wantInvalid)
				}
			}
		})
	}
}

func TestNewAllMissing(t *testing.T) {
	t.Parallel()
	_, err := New(nil)
	for _, name := range []string{"WHAT", "HOSTNAME", "NOTIFICATIONTYPE"} {
		if !strings.Contains(fmt.Sprint(err), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
}

func TestNewCopiesContext(t *testing.T) {
	t.Parallel()
	ctx := map[string]string{"WHAT": "HOST", "HOSTNAME": "h", "NOTIFICATIONTYPE": "PROBLEM"}
	n, err := New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ctx["HOSTNAME"] = "other"
	if v, _ := n.Get("HOSTNAME"); v != "h" {
		t.Errorf("Get(HOSTNAME) = %q after the caller changed its map", v)
	}
}

// A host notification from the Nagios core carries empty service variables; WHAT decides.
func TestWhatDecidesNotServiceDesc(t *testing.T) {
	t.Parallel()
	n, err := New(map[string]string{
		"WHAT": "HOST", "HOSTNAME": "h", "NOTIFICATIONTYPE": "PROBLEM", "HOSTSTATE": "DOWN",
		"SERVICEDESC": "CPU load", "SERVICESTATE": "CRITICAL",
	})
	if err != nil {
		t.Fatal(err)
	}
	if n.IsService() || n.Service.Description != "" || n.Service.State != "" {
		t.Errorf("host notification decoded service fields: %+v", n.Service.Description)
	}
	n, err = New(map[string]string{"WHAT": "SERVICE", "HOSTNAME": "h", "NOTIFICATIONTYPE": "PROBLEM"})
	if err != nil {
		t.Fatal(err)
	}
	if !n.IsService() {
		t.Error("WHAT=SERVICE without SERVICEDESC is not a service notification")
	}
}

func TestFromEnviron(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		environ []string
		want    map[string]string
	}{
		{
			name: "prefix stripped, others dropped, split at first =",
			environ: []string{"PATH=/bin", "NOTIFY_WHAT=HOST", "NOTIFY_HOSTNAME=h", "NOTIFY_NOTIFICATIONTYPE=PROBLEM",
				"NOTIFY_PARAMETER_1=ilert=a=b", "NOTIFYX=1", "notify_lower=1"},
			want: map[string]string{"WHAT": "HOST", "HOSTNAME": "h", "NOTIFICATIONTYPE": "PROBLEM", "PARAMETER_1": "ilert=a=b"},
		},
		{
			name:    "first of duplicates wins, entries without = and empty names skipped",
			environ: []string{"NOTIFY_WHAT=HOST", "NOTIFY_HOSTNAME=first", "NOTIFY_HOSTNAME=second", "NOTIFY_NOTIFICATIONTYPE=PROBLEM", "NOTIFY_BROKEN", "NOTIFY_=x"},
			want:    map[string]string{"WHAT": "HOST", "HOSTNAME": "first", "NOTIFICATIONTYPE": "PROBLEM"},
		},
		{
			name:    "values verbatim",
			environ: []string{"NOTIFY_WHAT=HOST", "NOTIFY_HOSTNAME=h", "NOTIFY_NOTIFICATIONTYPE=PROBLEM", `NOTIFY_HOSTOUTPUT= a\nb `, "NOTIFY_HOSTLABEL_cmk/os=linux"},
			want:    map[string]string{"WHAT": "HOST", "HOSTNAME": "h", "NOTIFICATIONTYPE": "PROBLEM", "HOSTOUTPUT": ` a\nb `, "HOSTLABEL_cmk/os": "linux"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := FromEnviron(tt.environ)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, n.Raw()); diff != "" {
				t.Errorf("Raw() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNotificationTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        NotificationType
		kind      NotificationType
		valid     bool
		handler   string
		isHandler bool
	}{
		{"PROBLEM", TypeProblem, true, "", false},
		{"RECOVERY", TypeRecovery, true, "", false},
		{"ACKNOWLEDGEMENT", TypeAcknowledgement, true, "", false},
		{"ACKNOWLEDGEMENT (CRITICAL)", TypeAcknowledgement, true, "", false},
		{"FLAPPINGSTART", TypeFlappingStart, true, "", false},
		{"FLAPPINGSTOP", TypeFlappingStop, true, "", false},
		{"FLAPPINGDISABLED", TypeFlappingDisabled, true, "", false},
		{"DOWNTIMESTART", TypeDowntimeStart, true, "", false},
		{"DOWNTIMEEND", TypeDowntimeEnd, true, "", false},
		{"DOWNTIMECANCELLED", TypeDowntimeCancelled, true, "", false},
		{"CUSTOM", TypeCustom, true, "", false},
		{"ALERTHANDLER (OK)", TypeAlertHandler, true, "OK", true},
		{"ALERTHANDLER (CRITICAL)", TypeAlertHandler, true, "CRITICAL", true},
		{"ALERTHANDLERX", "ALERTHANDLERX", false, "", false},
		{"ACKNOWLEDGMENT", "ACKNOWLEDGMENT", false, "", false},
		{"", "", false, "", false},
		{"problem", "problem", false, "", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.in), func(t *testing.T) {
			t.Parallel()
			if got := tt.in.Kind(); got != tt.kind {
				t.Errorf("Kind() = %q, want %q", got, tt.kind)
			}
			if got := tt.in.Valid(); got != tt.valid {
				t.Errorf("Valid() = %v, want %v", got, tt.valid)
			}
			state, ok := tt.in.AlertHandlerState()
			if state != tt.handler || ok != tt.isHandler {
				t.Errorf("AlertHandlerState() = %q, %v; want %q, %v", state, ok, tt.handler, tt.isHandler)
			}
		})
	}
}

func TestStates(t *testing.T) {
	t.Parallel()
	hostTests := []struct {
		in    string
		want  HostState
		valid bool
		id    int
		short string
	}{
		{"UP", HostUp, true, 0, "UP"},
		{"DOWN", HostDown, true, 1, "DOWN"},
		{"UNREACHABLE", HostUnreachable, true, 2, "UNRE"},
		{"UNRE", HostUnreachable, true, 2, "UNRE"},
		{"PENDING", HostPending, true, -1, "PEND"},
		{"PEND", HostPending, true, -1, "PEND"},
		{"?", HostStateNone, false, -1, ""},
		{"", HostStateNone, false, -1, ""},
		{"SLEEPING", "SLEEPING", false, -1, "SLEE"},
	}
	for _, tt := range hostTests {
		t.Run("host "+tt.in, func(t *testing.T) {
			t.Parallel()
			got := parseHostState(tt.in)
			if got != tt.want || got.Valid() != tt.valid || got.ID() != tt.id || got.Short() != tt.short {
				t.Errorf("parseHostState(%q) = %q valid %v id %d short %q", tt.in, got, got.Valid(), got.ID(), got.Short())
			}
		})
	}
	serviceTests := []struct {
		in    string
		want  ServiceState
		valid bool
		id    int
		short string
	}{
		{"OK", ServiceOK, true, 0, "OK"},
		{"WARNING", ServiceWarning, true, 1, "WARN"},
		{"WARN", ServiceWarning, true, 1, "WARN"},
		{"CRITICAL", ServiceCritical, true, 2, "CRIT"},
		{"CRIT", ServiceCritical, true, 2, "CRIT"},
		{"UNKNOWN", ServiceUnknown, true, 3, "UNKN"},
		{"UNKN", ServiceUnknown, true, 3, "UNKN"},
		{"PENDING", ServicePending, true, -1, "PEND"},
		{"PEND", ServicePending, true, -1, "PEND"},
		{"?", ServiceStateNone, false, -1, ""},
		{"", ServiceStateNone, false, -1, ""},
		{"DEGRADED", "DEGRADED", false, -1, "DEGR"},
		{"ÄÖÜßX", "ÄÖÜßX", false, -1, "ÄÖÜß"},
	}
	for _, tt := range serviceTests {
		t.Run("service "+tt.in, func(t *testing.T) {
			t.Parallel()
			got := parseServiceState(tt.in)
			if got != tt.want || got.Valid() != tt.valid || got.ID() != tt.id || got.Short() != tt.short {
				t.Errorf("parseServiceState(%q) = %q valid %v id %d short %q", tt.in, got, got.Valid(), got.ID(), got.Short())
			}
		})
	}
}

// Short forms and ids stand in for absent long forms.
func TestStateFallbacks(t *testing.T) {
	t.Parallel()
	n, err := New(map[string]string{
		"WHAT": "SERVICE", "HOSTNAME": "h", "NOTIFICATIONTYPE": "PROBLEM",
		"HOSTSHORTSTATE": "UNRE", "LASTHOSTSTATEID": "1", "PREVIOUSHOSTHARDSTATE": "?",
		"SERVICESHORTSTATE": "CRIT", "LASTSERVICESTATEID": "3", "PREVIOUSSERVICEHARDSTATE": "?",
		"SERVICESTATEID": "x",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{string(n.Host.State), string(n.Host.LastState), string(n.Host.PreviousHardState),
		string(n.Service.State), string(n.Service.LastState), string(n.Service.PreviousHardState)}
	want := []string{"UNREACHABLE", "DOWN", "", "CRITICAL", "UNKNOWN", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	if n.Service.StateID != -1 || n.Host.StateID != -1 {
		t.Errorf("state ids %d %d, want -1 for malformed and absent", n.Service.StateID, n.Host.StateID)
	}
}

func TestDedupProblemID(t *testing.T) {
	t.Parallel()
	tests := []struct{ id, last, want string }{
		{"1873", "1873", "1873"},
		{"0", "1873", "1873"},
		{"", "1873", "1873"},
		{"notify_test_1742450339880021", "0", "notify_test_1742450339880021"},
		{"ec-id-17", "", "ec-id-17"},
		{"0", "0", "0"},
		{"", "", ""},
	}
	for _, tt := range tests {
		h := Host{ProblemID: tt.id, LastProblemID: tt.last}
		s := Service{ProblemID: tt.id, LastProblemID: tt.last}
		if got := h.DedupProblemID(); got != tt.want {
			t.Errorf("Host{%q,%q}.DedupProblemID() = %q, want %q", tt.id, tt.last, got, tt.want)
		}
		if got := s.DedupProblemID(); got != tt.want {
			t.Errorf("Service{%q,%q}.DedupProblemID() = %q, want %q", tt.id, tt.last, got, tt.want)
		}
	}
}

func TestEventConsoleAndAlertHandler(t *testing.T) {
	t.Parallel()
	n, err := New(map[string]string{
		"WHAT": "SERVICE", "HOSTNAME": "h", "NOTIFICATIONTYPE": "ALERTHANDLER (OK)",
		"SERVICEDESC": "Event Console", "SERVICEPROBLEMID": "ec-id-17", "LASTSERVICEPROBLEMID": "0",
		"EC_ID": "17", "EC_RULE_ID": "disk", "EC_PRIORITY": "2", "EC_MATCH_GROUPS": "a\tb c\t",
		"EC_CONTACT_GROUPS": "admins", "EC_ORIG_HOST": "10.0.0.1", "EC_PHASE": "open",
		"ALERTHANDLERNAME": "restart", "ALERTHANDLEROUTPUT": "done", "ALERTHANDLERSTATE": "OK", "ALERTHANDLERSHORTSTATE": "OK",
	})
	if err != nil {
		t.Fatal(err)
	}
	wantEC := &EventConsole{ID: "17", RuleID: "disk", Priority: "2", Phase: "open", MatchGroups: []string{"a", "b c"}, ContactGroups: "admins", OrigHost: "10.0.0.1"}
	if diff := cmp.Diff(wantEC, n.EventConsole); diff != "" {
		t.Errorf("EventConsole (-want +got):\n%s", diff)
	}
	wantAH := &AlertHandler{Name: "restart", Output: "done", State: "OK", ShortState: "OK"}
	if diff := cmp.Diff(wantAH, n.AlertHandler); diff != "" {
		t.Errorf("AlertHandler (-want +got):\n%s", diff)
	}
	if got := n.DedupProblemID(); got != "ec-id-17" {
		t.Errorf("DedupProblemID = %q", got)
	}
	plain, err := New(map[string]string{"WHAT": "HOST", "HOSTNAME": "h", "NOTIFICATIONTYPE": "PROBLEM"})
	if err != nil {
		t.Fatal(err)
	}
	if plain.EventConsole != nil || plain.AlertHandler != nil {
		t.Error("EventConsole or AlertHandler set without their variables")
	}
}

func TestContactAttributesAndLists(t *testing.T) {
	t.Parallel()
	n, err := New(map[string]string{
		"WHAT": "HOST", "HOSTNAME": "h", "NOTIFICATIONTYPE": "PROBLEM",
		"CONTACT_PHONE": "+49 1", "CONTACT_TEAM": "ops", "CONTACTS": "a, b,,c", "HOSTGROUPNAMES": "",
		"HOST_TAGS": "x y", "HOST_SL": "10", "LONGHOSTOUTPUT": "a\\nb\nc\r\nd",
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"PHONE": "+49 1", "TEAM": "ops"}, n.Contact.Attributes); diff != "" {
		t.Errorf("Attributes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, n.Contact.Contacts); diff != "" {
		t.Errorf("Contacts (-want +got):\n%s", diff)
	}
	if n.Host.Groups != nil {
		t.Errorf("Groups = %q, want nil for an empty value", n.Host.Groups)
	}
	if diff := cmp.Diff([]string{"x", "y"}, n.Host.Tags); diff != "" {
		t.Errorf("Tags from HOST_TAGS (-want +got):\n%s", diff)
	}
	if n.Host.ServiceLevel != "10" {
		t.Errorf("ServiceLevel = %q", n.Host.ServiceLevel)
	}
	if got := n.Host.LongOutput; got != "a\nb\nc\nd" {
		t.Errorf("LongOutput = %q", got)
	}
}

func TestServiceLevelFallback(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ctx  map[string]string
		want string
	}{
		{map[string]string{"SERVICE_SL": "20", "SVC_SL": "10"}, "20"},
		{map[string]string{"SERVICE_SL": "", "SVC_SL": "10"}, "10"},
		{map[string]string{"SVC_SL": "10"}, "10"},
		{map[string]string{}, ""},
	} {
		ctx := map[string]string{"WHAT": "SERVICE", "HOSTNAME": "h", "NOTIFICATIONTYPE": "PROBLEM"}
		for k, v := range tt.ctx {
			ctx[k] = v
		}
		n, err := New(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n.Service.ServiceLevel != tt.want {
			t.Errorf("%v: ServiceLevel = %q, want %q", tt.ctx, n.Service.ServiceLevel, tt.want)
		}
	}
}

func TestNotificationNeverPrintsParameters(t *testing.T) {
	t.Parallel()
	env := append(readEnv(t, "service-crit-problem"), readEnv(t, "params-ilert-2.4")...)
	n, err := FromEnviron(env)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"il1api0f3c2b9e0d4a4f61b2c8e5d7a9f0c1b3", "0a1b2c3d4e5f"}
	type wrapper struct {
		n   Notification
		ptr *Notification
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		testutil.AssertNoSecret(t, verb+" of *Notification", fmt.Sprintf(verb, n), secrets...)
		testutil.AssertNoSecret(t, verb+" of Notification", fmt.Sprintf(verb, *n), secrets...)
		testutil.AssertNoSecret(t, verb+" of a struct holding one", fmt.Sprintf(verb, wrapper{*n, n}), secrets...)
		testutil.AssertNoSecret(t, verb+" of Parameters", fmt.Sprintf(verb, n.Parameters()), secrets...)
	}
	js, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	testutil.AssertNoSecret(t, "JSON", string(js), secrets...)
}
