package checkmk

import (
	"fmt"
	"io"
	"log/slog"
	"maps"
	"strings"
	"time"
)

// Notification is one Checkmk notification: the context Checkmk hands a notification
// script, decoded into typed fields. Every field is optional except What, Type and
// Host.Name; absent variables leave zero values (and -1 for state ids). Variables the fields
// do not cover stay reachable through Get and Raw.
//
// A Notification is not modified by this package after it is returned, and its methods are
// safe for concurrent use. Its JSON form (json.Marshal) is stable and carries the typed
// fields only; the raw context, which holds the rule's parameters and so possibly secrets,
// is never part of it, nor of its String or %v output.
type Notification struct {
	What What             `json:"what"`
	Type NotificationType `json:"notificationType"`

	Host Host `json:"host"`
	// Service is filled for WHAT=SERVICE only and is the zero value for host
	// notifications, whatever service variables they carry.
	Service Service `json:"service,omitzero"`

	// Author, AuthorName, AuthorAlias and Comment tell who triggered an acknowledgement,
	// downtime or custom notification and why (NOTIFICATIONAUTHOR, NOTIFICATIONAUTHORNAME,
	// NOTIFICATIONAUTHORALIAS, NOTIFICATIONCOMMENT).
	Author      string `json:"author,omitempty"`
	AuthorName  string `json:"authorName,omitempty"`
	AuthorAlias string `json:"authorAlias,omitempty"`
	Comment     string `json:"comment,omitempty"`

	Contact Contact `json:"contact,omitzero"`

	// Site is OMD_SITE, SiteRoot OMD_ROOT (the site's home directory, which the password
	// store is read from) and MonitoringHost the Checkmk server's host name.
	Site           string `json:"site,omitempty"`
	SiteRoot       string `json:"siteRoot,omitempty"`
	MonitoringHost string `json:"monitoringHost,omitempty"`
	// LogDir is LOGDIR, the notification spool and log directory.
	LogDir string `json:"logDir,omitempty"`

	// Time is MICROTIME in UTC, the moment of the event; zero if absent or malformed.
	Time time.Time `json:"time,omitzero"`
	// Date, ShortDateTime and LongDateTime are Checkmk's site-local renderings of the time
	// (e.g. "2025-03-18", "2025-03-18 09:14:07", "Tue Mar 18 09:14:07 CET 2025"), as given.
	Date          string `json:"date,omitempty"`
	ShortDateTime string `json:"shortDateTime,omitempty"`
	LongDateTime  string `json:"longDateTime,omitempty"`

	// EventConsole is set for notifications of the Event Console (any EC_* variable).
	EventConsole *EventConsole `json:"eventConsole,omitempty"`
	// AlertHandler is set when an ALERTHANDLER* variable is present (commercial editions).
	AlertHandler *AlertHandler `json:"alertHandler,omitempty"`

	// ctx holds the variables without the NOTIFY_ prefix.
	ctx hiddenMap
}

// hiddenMap holds a map behind a function value. fmt prints a function as an address
// whatever the verb, so a value holding a hiddenMap never shows the map's contents — not
// even nested in an unexported field of another value, where fmt cannot call Format and
// would print a map, or a pointer's target, field by field.
type hiddenMap func() map[string]string

func hide(m map[string]string) hiddenMap { return func() map[string]string { return m } }

// get returns the map, nil for the zero hiddenMap.
func (h hiddenMap) get() map[string]string {
	if h == nil {
		return nil
	}
	return h()
}

// Host holds the host variables of a notification. For service notifications they
// describe the service's host.
type Host struct {
	Name    string `json:"name"`              // HOSTNAME
	Alias   string `json:"alias,omitempty"`   // HOSTALIAS
	Address string `json:"address,omitempty"` // HOSTADDRESS
	// AddressIPv4, AddressIPv6 and AddressFamily ("4" or "6") are the custom host macros
	// HOST_ADDRESS_4, HOST_ADDRESS_6 and HOST_ADDRESS_FAMILY.
	AddressIPv4   string `json:"addressIPv4,omitempty"`
	AddressIPv6   string `json:"addressIPv6,omitempty"`
	AddressFamily string `json:"addressFamily,omitempty"`

	State HostState `json:"state,omitempty"`
	// StateID is HOSTSTATEID, -1 when absent or not a number; likewise the other ids.
	StateID             int       `json:"stateId"`
	LastState           HostState `json:"lastState,omitempty"`
	LastStateID         int       `json:"lastStateId"`
	PreviousHardState   HostState `json:"previousHardState,omitempty"`
	PreviousHardStateID int       `json:"previousHardStateId"`

	Output string `json:"output,omitempty"` // HOSTOUTPUT
	// LongOutput is LONGHOSTOUTPUT with both the literal two-character "\n" and real
	// newlines turned into newlines.
	LongOutput   string `json:"longOutput,omitempty"`
	PerfData     string `json:"perfData,omitempty"`     // HOSTPERFDATA, raw
	CheckCommand string `json:"checkCommand,omitempty"` // HOSTCHECKCOMMAND

	Attempt            int `json:"attempt,omitempty"`            // HOSTATTEMPT
	MaxAttempts        int `json:"maxAttempts,omitempty"`        // MAXHOSTATTEMPTS
	NotificationNumber int `json:"notificationNumber,omitempty"` // HOSTNOTIFICATIONNUMBER

	// ProblemID and LastProblemID are HOSTPROBLEMID and LASTHOSTPROBLEMID, opaque strings
	// ("1873", "0", "notify_test_…"); see DedupProblemID.
	ProblemID     string `json:"problemId,omitempty"`
	LastProblemID string `json:"lastProblemId,omitempty"`

	// DowntimeDepth is HOSTDOWNTIME, the number of scheduled downtimes in effect.
	DowntimeDepth int `json:"downtimeDepth,omitempty"`

	Groups        []string `json:"groups,omitempty"`        // HOSTGROUPNAMES
	ContactGroups []string `json:"contactGroups,omitempty"` // HOSTCONTACTGROUPNAMES
	Notes         string   `json:"notes,omitempty"`         // HOSTNOTES
	NotesURL      string   `json:"notesUrl,omitempty"`      // HOSTNOTESURL

	AckAuthor  string `json:"ackAuthor,omitempty"`  // HOSTACKAUTHOR
	AckComment string `json:"ackComment,omitempty"` // HOSTACKCOMMENT

	LastStateChange time.Time `json:"lastStateChange,omitzero"` // LASTHOSTSTATECHANGE, UTC
	LastUp          time.Time `json:"lastUp,omitzero"`          // LASTHOSTUP, UTC

	// ServiceLevel is HOST_SL: empty or a number.
	ServiceLevel string `json:"serviceLevel,omitempty"`
	// Tags are the tag ids of HOSTTAGS (or HOST_TAGS), including the folder path
	// "/wato/…/" and "site:<site>".
	Tags []string `json:"tags,omitempty"`
	// TagGroups maps tag group to tag id (HOSTTAG_<group>, Checkmk 2.4).
	TagGroups map[string]string `json:"tagGroups,omitempty"`
	// Labels maps label name to value (HOSTLABEL_<name>; names may contain "/").
	Labels map[string]string `json:"labels,omitempty"`

	Filename  string `json:"filename,omitempty"`  // HOST_FILENAME
	ECContact string `json:"ecContact,omitempty"` // HOST_EC_CONTACT
	// URL is HOSTURL, a site-relative path and query; see Notification.AbsoluteURLs.
	URL    string `json:"url,omitempty"`
	ForURL string `json:"forUrl,omitempty"` // HOSTFORURL
}

// DedupProblemID returns the problem id to deduplicate on: ProblemID if set and not "0",
// else LastProblemID (the Nagios core sends "0" on recoveries and keeps the id there).
func (h *Host) DedupProblemID() string { return dedupProblemID(h.ProblemID, h.LastProblemID) }

// Service holds the service variables of a service notification.
type Service struct {
	Description string `json:"description"`           // SERVICEDESC
	DisplayName string `json:"displayName,omitempty"` // SERVICEDISPLAYNAME

	State ServiceState `json:"state,omitempty"`
	// StateID is SERVICESTATEID, -1 when absent or not a number; likewise the other ids.
	StateID             int          `json:"stateId"`
	LastState           ServiceState `json:"lastState,omitempty"`
	LastStateID         int          `json:"lastStateId"`
	PreviousHardState   ServiceState `json:"previousHardState,omitempty"`
	PreviousHardStateID int          `json:"previousHardStateId"`

	Output string `json:"output,omitempty"` // SERVICEOUTPUT
	// LongOutput is LONGSERVICEOUTPUT with both the literal two-character "\n" and real
	// newlines turned into newlines.
	LongOutput   string `json:"longOutput,omitempty"`
	PerfData     string `json:"perfData,omitempty"`     // SERVICEPERFDATA, raw
	CheckCommand string `json:"checkCommand,omitempty"` // SERVICECHECKCOMMAND

	Attempt            int `json:"attempt,omitempty"`            // SERVICEATTEMPT
	MaxAttempts        int `json:"maxAttempts,omitempty"`        // MAXSERVICEATTEMPTS
	NotificationNumber int `json:"notificationNumber,omitempty"` // SERVICENOTIFICATIONNUMBER

	// ProblemID and LastProblemID are SERVICEPROBLEMID and LASTSERVICEPROBLEMID, opaque
	// strings ("5532", "0", "ec-id-17", "notify_test_…"); see DedupProblemID.
	ProblemID     string `json:"problemId,omitempty"`
	LastProblemID string `json:"lastProblemId,omitempty"`

	// DowntimeDepth is SERVICEDOWNTIME, the number of scheduled downtimes in effect.
	DowntimeDepth int `json:"downtimeDepth,omitempty"`

	Groups        []string `json:"groups,omitempty"`        // SERVICEGROUPNAMES
	ContactGroups []string `json:"contactGroups,omitempty"` // SERVICECONTACTGROUPNAMES
	Notes         string   `json:"notes,omitempty"`         // SERVICENOTES
	NotesURL      string   `json:"notesUrl,omitempty"`      // SERVICENOTESURL

	AckAuthor  string `json:"ackAuthor,omitempty"`  // SERVICEACKAUTHOR
	AckComment string `json:"ackComment,omitempty"` // SERVICEACKCOMMENT

	LastStateChange time.Time `json:"lastStateChange,omitzero"` // LASTSERVICESTATECHANGE, UTC
	LastOK          time.Time `json:"lastOk,omitzero"`          // LASTSERVICEOK, UTC

	// ServiceLevel is SERVICE_SL, or SVC_SL when SERVICE_SL is empty: empty or a number.
	ServiceLevel string `json:"serviceLevel,omitempty"`
	// Labels maps label name to value (SERVICELABEL_<name>).
	Labels map[string]string `json:"labels,omitempty"`

	ECContact string `json:"ecContact,omitempty"` // SERVICE_EC_CONTACT
	// URL is SERVICEURL, a site-relative path and query; see Notification.AbsoluteURLs.
	URL    string `json:"url,omitempty"`
	ForURL string `json:"forUrl,omitempty"` // SERVICEFORURL
}

// DedupProblemID returns the problem id to deduplicate on: ProblemID if set and not "0",
// else LastProblemID.
func (s *Service) DedupProblemID() string { return dedupProblemID(s.ProblemID, s.LastProblemID) }

func dedupProblemID(id, last string) string {
	if id != "" && id != "0" {
		return id
	}
	return last
}

// Contact is the contact the notification is for. Checkmk runs a notification script once
// per contact, so these fields hold that one contact; Contacts lists all contacts of the
// object.
type Contact struct {
	Name  string `json:"name,omitempty"`  // CONTACTNAME
	Alias string `json:"alias,omitempty"` // CONTACTALIAS
	Email string `json:"email,omitempty"` // CONTACTEMAIL
	Pager string `json:"pager,omitempty"` // CONTACTPAGER
	// Contacts is CONTACTS split at commas ("?" when the Nagios core could not tell).
	Contacts []string `json:"contacts,omitempty"`
	// Attributes holds the custom user attributes CONTACT_<ATTR>, keyed by <ATTR>.
	Attributes map[string]string `json:"attributes,omitempty"`
}

// EventConsole holds the EC_* variables of an Event Console notification. Such a
// notification is always WHAT=SERVICE; its service problem id looks like "ec-id-<n>".
type EventConsole struct {
	ID       string `json:"id,omitempty"`       // EC_ID
	RuleID   string `json:"ruleId,omitempty"`   // EC_RULE_ID
	Priority string `json:"priority,omitempty"` // EC_PRIORITY
	Facility string `json:"facility,omitempty"` // EC_FACILITY
	Phase    string `json:"phase,omitempty"`    // EC_PHASE
	Comment  string `json:"comment,omitempty"`  // EC_COMMENT
	Owner    string `json:"owner,omitempty"`    // EC_OWNER
	Contact  string `json:"contact,omitempty"`  // EC_CONTACT
	PID      string `json:"pid,omitempty"`      // EC_PID
	// MatchGroups is EC_MATCH_GROUPS split at TABs.
	MatchGroups   []string `json:"matchGroups,omitempty"`
	ContactGroups string   `json:"contactGroups,omitempty"` // EC_CONTACT_GROUPS, as given
	OrigHost      string   `json:"origHost,omitempty"`      // EC_ORIG_HOST
}

// AlertHandler holds the ALERTHANDLER* variables (commercial editions).
type AlertHandler struct {
	Name       string `json:"name,omitempty"`       // ALERTHANDLERNAME
	Output     string `json:"output,omitempty"`     // ALERTHANDLEROUTPUT
	State      string `json:"state,omitempty"`      // ALERTHANDLERSTATE
	ShortState string `json:"shortState,omitempty"` // ALERTHANDLERSHORTSTATE
}

// notifyPrefix is the prefix Checkmk puts before every context variable in the
// environment of a notification script.
// Get returns the value of the context variable name (without the NOTIFY_ prefix) and
// whether it is present. It reaches every variable, including those no field covers,
// such as custom host macros (HOST_<X>) and parameters.
func (n *Notification) Get(name string) (string, bool) {
	v, ok := n.ctx.get()[name]
	return v, ok
}

// Raw returns a copy of the whole context: variable names without the NOTIFY_ prefix
// mapped to their values, verbatim. It includes the rule's parameters, which may hold
// secrets.
func (n *Notification) Raw() map[string]string { return maps.Clone(n.ctx.get()) }

// Parameters returns the rule's parameters carried in the context (PARAMETERS and
// PARAMETER_*).
func (n *Notification) Parameters() Parameters { return Parameters{ctx: n.ctx} }

// IsService reports whether the notification is about a service (WHAT=SERVICE).
func (n *Notification) IsService() bool { return n.What == WhatService }

// DedupProblemID returns the problem id to deduplicate on, the service's for a service
// notification and the host's otherwise (see Host.DedupProblemID).
func (n *Notification) DedupProblemID() string {
	if n.IsService() {
		return n.Service.DedupProblemID()
	}
	return n.Host.DedupProblemID()
}

// String returns a one-line summary such as "SERVICE PROBLEM web01/Filesystem /var
// CRITICAL". It never contains parameters.
func (n Notification) String() string {
	var b strings.Builder
	b.WriteString(string(n.What))
	b.WriteByte(' ')
	b.WriteString(string(n.Type))
	b.WriteByte(' ')
	b.WriteString(n.Host.Name)
	if n.IsService() {
		b.WriteByte('/')
		b.WriteString(n.Service.Description)
		b.WriteByte(' ')
		b.WriteString(string(n.Service.State))
	} else {
		b.WriteByte(' ')
		b.WriteString(string(n.Host.State))
	}
	return b.String()
}

// Format prints the String summary for every verb, so that fmt never prints the raw
// context with its parameters.
func (n Notification) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, n.String()) }

// LogValue makes slog log the summary only.
func (n Notification) LogValue() slog.Value { return slog.StringValue(n.String()) }
