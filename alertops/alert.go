package alertops

import "time"

// SourceCheckmk is the [Alert.Source] of every alert that comes from Checkmk.
const SourceCheckmk = "Checkmk"

// Alert is the JSON body posted to an AlertOps inbound integration, with the field names,
// order and value formats of the AlertOps Checkmk plugin's payload reference:
//
//	{
//	  "EventKey": "hostname_ServiceDesc",
//	  "Source": "Checkmk",
//	  "Host": "hostname",
//	  "HostAddress": "192.168.1.100",
//	  "Service": "CPU Load",
//	  "State": "CRITICAL",
//	  "Severity": "critical",
//	  "NotificationType": "PROBLEM",
//	  "Summary": "CRITICAL: CPU Load on hostname",
//	  "Message": "CRITICAL - 15min load 8.52 at 8 CPUs",
//	  "Resolved": false,
//	  "Timestamp": "2026-04-07T16:59:32Z",
//	  "DetailsURL": "https://checkmk.example.com/cmk/check_mk/view.py?...",
//	  "LongMessage": "Extended output from the check plugin (if available)"
//	}
//
// The vendor page lost several value lists in extraction; for alerts from Checkmk the
// project fixes them as documented on each field below. The encoding is [Alert.MarshalJSON]:
// the fields in the order above, then the [Alert.Extra] keys.
//
// AlertOps has no fixed schema: the receiving integration maps the keys it is told to
// (Source Name, Source Id, status field and its open/close values). Point its Source Id at
// EventKey and its status field at Resolved, NotificationType or State.
type Alert struct {
	// EventKey is the deduplication key: <host> for host alerts and <host>_<service> for
	// service alerts (host and service as configured in Checkmk). Required.
	EventKey string `json:"EventKey"`
	// Source names the sending system; always [SourceCheckmk] for Checkmk. Required.
	Source string `json:"Source"`
	// Host is the host name as configured in Checkmk.
	Host string `json:"Host"`
	// HostAddress is the host's address (normally its IP address).
	HostAddress string `json:"HostAddress"`
	// Service is the service description; "" for host alerts.
	Service string `json:"Service"`
	// State is the Checkmk state as Checkmk spells it: OK, WARNING, CRITICAL or UNKNOWN
	// (the service state) for service alerts, UP, DOWN or UNREACHABLE (the host state)
	// for host alerts. Other values are kept as they are.
	State string `json:"State"`
	// Severity is State normalised by [SeverityForState]: critical, warning, error or
	// info. Required and one of those four.
	Severity Severity `json:"Severity"`
	// NotificationType is Checkmk's notification type verbatim: PROBLEM, RECOVERY,
	// ACKNOWLEDGEMENT, FLAPPINGSTART, DOWNTIMESTART, CUSTOM, ...
	NotificationType string `json:"NotificationType"`
	// Summary is a one-line summary: "<STATE>: <service> on <host>" for service alerts,
	// "<host> is <STATE>" for host alerts.
	Summary string `json:"Summary"`
	// Message is the check plugin's output (Checkmk's SERVICEOUTPUT or HOSTOUTPUT).
	Message string `json:"Message"`
	// Resolved is true exactly for RECOVERY notifications.
	Resolved bool `json:"Resolved"`
	// Timestamp is the time of the notification. It is sent in UTC with second precision
	// ("2026-04-07T16:59:32Z"); sub-seconds are truncated. [Client.Send] fills a zero
	// Timestamp with the time of sending.
	Timestamp time.Time `json:"Timestamp"`
	// DetailsURL is the absolute URL of the host or service in the Checkmk GUI, set only
	// when a Checkmk URL prefix is configured; omitted from the JSON when empty.
	DetailsURL string `json:"DetailsURL,omitempty"`
	// LongMessage is the long plugin output (LONGSERVICEOUTPUT or LONGHOSTOUTPUT),
	// decoded: Checkmk's literal \n turned into line breaks. Omitted from the JSON when
	// empty.
	LongMessage string `json:"LongMessage,omitempty"`

	// Extra carries further top-level fields for users who map more in AlertOps, encoded
	// after the fixed fields in sorted key order. A key that is exactly the name of one of
	// the fields above (for example "Severity") is ignored when encoding; keys differing
	// only in case are distinct JSON keys and are kept.
	Extra map[string]any `json:"-"`
}
