package checkmk

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"strconv"
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
const notifyPrefix = "NOTIFY_"

// FromEnviron builds a Notification from environment entries in the form of os.Environ
// ("KEY=value"). It keeps the entries whose key starts with NOTIFY_, strips that prefix and
// splits each at the first "="; values are taken verbatim. When a key occurs twice the
// first entry wins, as with os.Getenv. The package never reads the process environment
// itself: pass os.Environ().
//
// Errors are those of New.
func FromEnviron(environ []string) (*Notification, error) {
	n := 0
	for _, e := range environ {
		if strings.HasPrefix(e, notifyPrefix) {
			n++
		}
	}
	m := make(map[string]string, n)
	d := newDecoder(m)
	// Backwards, so that the first occurrence of a key is the one that stays, in the map
	// and in the fields alike.
	for i := len(environ) - 1; i >= 0; i-- {
		rest, ok := strings.CutPrefix(environ[i], notifyPrefix)
		if !ok {
			continue
		}
		k, v, ok := strings.Cut(rest, "=")
		if !ok || k == "" {
			continue
		}
		m[k] = v
		d.field(k, v)
	}
	return d.finish()
}

// New builds a Notification from a notification context: variable names without the
// NOTIFY_ prefix mapped to their values. New copies ctx; the caller may change it
// afterwards.
//
// WHAT, HOSTNAME and NOTIFICATIONTYPE are required: when one is absent or empty the error
// (errors.Join of one error per variable) contains a *MissingVariableError naming it. A WHAT
// other than HOST or SERVICE gives an *InvalidVariableError, because host and service
// notifications cannot be told apart reliably otherwise. Unknown notification types and
// states are kept, not rejected. All these errors match ErrInvalidContext with errors.Is.
func New(ctx map[string]string) (*Notification, error) {
	return decode(maps.Clone(ctx))
}

// decoder turns context variables into a Notification, one variable at a time.
type decoder struct {
	n *Notification
	s Service // kept only for WHAT=SERVICE

	// The short forms stand in for absent long forms; ids for absent texts.
	hostShort, lastHostShort, prevHostShort, svcShort, lastSvcShort, prevSvcShort string
	svcSL, svcSLOld, hostTags, hostTagsOld                                        string
	what, ntype                                                                   string
}

func newDecoder(m map[string]string) decoder {
	n := &Notification{ctx: hide(m)}
	n.Host.StateID, n.Host.LastStateID, n.Host.PreviousHardStateID = -1, -1, -1
	return decoder{n: n, s: Service{StateID: -1, LastStateID: -1, PreviousHardStateID: -1}}
}

// decode builds a Notification that owns m.
func decode(m map[string]string) (*Notification, error) {
	if m == nil {
		m = map[string]string{}
	}
	d := newDecoder(m)
	for k, v := range m {
		d.field(k, v)
	}
	return d.finish()
}

// field decodes one variable.
func (d *decoder) field(k, v string) {
	n, h, s := d.n, &d.n.Host, &d.s
	switch k {
	case "WHAT":
		d.what = v
	case "NOTIFICATIONTYPE":
		d.ntype = v
	case "NOTIFICATIONAUTHOR":
		n.Author = v
	case "NOTIFICATIONAUTHORNAME":
		n.AuthorName = v
	case "NOTIFICATIONAUTHORALIAS":
		n.AuthorAlias = v
	case "NOTIFICATIONCOMMENT":
		n.Comment = v
	case "OMD_SITE":
		n.Site = v
	case "OMD_ROOT":
		n.SiteRoot = v
	case "MONITORING_HOST":
		n.MonitoringHost = v
	case "LOGDIR":
		n.LogDir = v
	case "MICROTIME":
		if us, err := strconv.ParseInt(v, 10, 64); err == nil && us > 0 {
			n.Time = time.UnixMicro(us).UTC()
		}
	case "DATE":
		n.Date = v
	case "SHORTDATETIME":
		n.ShortDateTime = v
	case "LONGDATETIME":
		n.LongDateTime = v

	case "CONTACTNAME":
		n.Contact.Name = v
	case "CONTACTALIAS":
		n.Contact.Alias = v
	case "CONTACTEMAIL":
		n.Contact.Email = v
	case "CONTACTPAGER":
		n.Contact.Pager = v
	case "CONTACTS":
		n.Contact.Contacts = splitList(v, ',')

	case "HOSTNAME":
		h.Name = v
	case "HOSTALIAS":
		h.Alias = v
	case "HOSTADDRESS":
		h.Address = v
	case "HOST_ADDRESS_4":
		h.AddressIPv4 = v
	case "HOST_ADDRESS_6":
		h.AddressIPv6 = v
	case "HOST_ADDRESS_FAMILY":
		h.AddressFamily = v
	case "HOSTSTATE":
		h.State = ParseHostState(v)
	case "HOSTSHORTSTATE":
		d.hostShort = v
	case "HOSTSTATEID":
		h.StateID = parseID(v)
	case "LASTHOSTSTATE":
		h.LastState = ParseHostState(v)
	case "LASTHOSTSHORTSTATE":
		d.lastHostShort = v
	case "LASTHOSTSTATEID":
		h.LastStateID = parseID(v)
	case "PREVIOUSHOSTHARDSTATE":
		h.PreviousHardState = ParseHostState(v)
	case "PREVIOUSHOSTHARDSHORTSTATE":
		d.prevHostShort = v
	case "PREVIOUSHOSTHARDSTATEID":
		h.PreviousHardStateID = parseID(v)
	case "HOSTOUTPUT":
		h.Output = v
	case "LONGHOSTOUTPUT":
		h.LongOutput = DecodeLongOutput(v)
	case "HOSTPERFDATA":
		h.PerfData = v
	case "HOSTCHECKCOMMAND":
		h.CheckCommand = v
	case "HOSTATTEMPT":
		h.Attempt = parseInt(v)
	case "MAXHOSTATTEMPTS":
		h.MaxAttempts = parseInt(v)
	case "HOSTNOTIFICATIONNUMBER":
		h.NotificationNumber = parseInt(v)
	case "HOSTPROBLEMID":
		h.ProblemID = v
	case "LASTHOSTPROBLEMID":
		h.LastProblemID = v
	case "HOSTDOWNTIME":
		h.DowntimeDepth = parseInt(v)
	case "HOSTGROUPNAMES":
		h.Groups = splitList(v, ',')
	case "HOSTCONTACTGROUPNAMES":
		h.ContactGroups = splitList(v, ',')
	case "HOSTNOTES":
		h.Notes = v
	case "HOSTNOTESURL":
		h.NotesURL = v
	case "HOSTACKAUTHOR":
		h.AckAuthor = v
	case "HOSTACKCOMMENT":
		h.AckComment = v
	case "LASTHOSTSTATECHANGE":
		h.LastStateChange = parseEpoch(v)
	case "LASTHOSTUP":
		h.LastUp = parseEpoch(v)
	case "HOST_SL":
		h.ServiceLevel = v
	case "HOSTTAGS":
		d.hostTags = v
	case "HOST_TAGS":
		d.hostTagsOld = v
	case "HOST_FILENAME":
		h.Filename = v
	case "HOST_EC_CONTACT":
		h.ECContact = v
	case "HOSTURL":
		h.URL = v
	case "HOSTFORURL":
		h.ForURL = v

	case "SERVICEDESC":
		s.Description = v
	case "SERVICEDISPLAYNAME":
		s.DisplayName = v
	case "SERVICESTATE":
		s.State = ParseServiceState(v)
	case "SERVICESHORTSTATE":
		d.svcShort = v
	case "SERVICESTATEID":
		s.StateID = parseID(v)
	case "LASTSERVICESTATE":
		s.LastState = ParseServiceState(v)
	case "LASTSERVICESHORTSTATE":
		d.lastSvcShort = v
	case "LASTSERVICESTATEID":
		s.LastStateID = parseID(v)
	case "PREVIOUSSERVICEHARDSTATE":
		s.PreviousHardState = ParseServiceState(v)
	case "PREVIOUSSERVICEHARDSHORTSTATE":
		d.prevSvcShort = v
	case "PREVIOUSSERVICEHARDSTATEID":
		s.PreviousHardStateID = parseID(v)
	case "SERVICEOUTPUT":
		s.Output = v
	case "LONGSERVICEOUTPUT":
		s.LongOutput = DecodeLongOutput(v)
	case "SERVICEPERFDATA":
		s.PerfData = v
	case "SERVICECHECKCOMMAND":
		s.CheckCommand = v
	case "SERVICEATTEMPT":
		s.Attempt = parseInt(v)
	case "MAXSERVICEATTEMPTS":
		s.MaxAttempts = parseInt(v)
	case "SERVICENOTIFICATIONNUMBER":
		s.NotificationNumber = parseInt(v)
	case "SERVICEPROBLEMID":
		s.ProblemID = v
	case "LASTSERVICEPROBLEMID":
		s.LastProblemID = v
	case "SERVICEDOWNTIME":
		s.DowntimeDepth = parseInt(v)
	case "SERVICEGROUPNAMES":
		s.Groups = splitList(v, ',')
	case "SERVICECONTACTGROUPNAMES":
		s.ContactGroups = splitList(v, ',')
	case "SERVICENOTES":
		s.Notes = v
	case "SERVICENOTESURL":
		s.NotesURL = v
	case "SERVICEACKAUTHOR":
		s.AckAuthor = v
	case "SERVICEACKCOMMENT":
		s.AckComment = v
	case "LASTSERVICESTATECHANGE":
		s.LastStateChange = parseEpoch(v)
	case "LASTSERVICEOK":
		s.LastOK = parseEpoch(v)
	case "SERVICE_SL":
		d.svcSL = v
	case "SVC_SL":
		d.svcSLOld = v
	case "SERVICE_EC_CONTACT":
		s.ECContact = v
	case "SERVICEURL":
		s.URL = v
	case "SERVICEFORURL":
		s.ForURL = v

	case "ALERTHANDLERNAME":
		n.alertHandler().Name = v
	case "ALERTHANDLEROUTPUT":
		n.alertHandler().Output = v
	case "ALERTHANDLERSTATE":
		n.alertHandler().State = v
	case "ALERTHANDLERSHORTSTATE":
		n.alertHandler().ShortState = v

	default:
		decodePrefixed(n, s, k, v)
	}
}

// finish resolves fallbacks and checks the required variables.
func (d *decoder) finish() (*Notification, error) {
	n, h, s := d.n, &d.n.Host, d.s
	if h.State == HostStateNone {
		h.State = hostStateFallback(d.hostShort, h.StateID)
	}
	if h.LastState == HostStateNone {
		h.LastState = hostStateFallback(d.lastHostShort, h.LastStateID)
	}
	if h.PreviousHardState == HostStateNone {
		h.PreviousHardState = hostStateFallback(d.prevHostShort, h.PreviousHardStateID)
	}
	if d.hostTags == "" {
		d.hostTags = d.hostTagsOld
	}
	h.Tags = splitList(d.hostTags, ' ')

	n.What = What(d.what)
	n.Type = NotificationType(d.ntype)
	if n.What == WhatService {
		if s.State == ServiceStateNone {
			s.State = serviceStateFallback(d.svcShort, s.StateID)
		}
		if s.LastState == ServiceStateNone {
			s.LastState = serviceStateFallback(d.lastSvcShort, s.LastStateID)
		}
		if s.PreviousHardState == ServiceStateNone {
			s.PreviousHardState = serviceStateFallback(d.prevSvcShort, s.PreviousHardStateID)
		}
		s.ServiceLevel = d.svcSL
		if s.ServiceLevel == "" {
			s.ServiceLevel = d.svcSLOld
		}
		n.Service = s
	}

	var errs []error
	switch {
	case d.what == "":
		errs = append(errs, &MissingVariableError{Name: "WHAT"})
	case !n.What.Valid():
		errs = append(errs, &InvalidVariableError{Name: "WHAT", Reason: fmt.Sprintf("%.40q is neither HOST nor SERVICE", d.what)})
	}
	if h.Name == "" {
		errs = append(errs, &MissingVariableError{Name: "HOSTNAME"})
	}
	if d.ntype == "" {
		errs = append(errs, &MissingVariableError{Name: "NOTIFICATIONTYPE"})
	}
	if errs != nil {
		return nil, errors.Join(errs...)
	}
	return n, nil
}

// decodePrefixed handles the variables whose names carry a part chosen by the user.
func decodePrefixed(n *Notification, s *Service, k, v string) {
	switch {
	case strings.HasPrefix(k, "HOSTLABEL_"):
		n.Host.Labels = put(n.Host.Labels, k[len("HOSTLABEL_"):], v)
	case strings.HasPrefix(k, "SERVICELABEL_"):
		s.Labels = put(s.Labels, k[len("SERVICELABEL_"):], v)
	case strings.HasPrefix(k, "HOSTTAG_"):
		n.Host.TagGroups = put(n.Host.TagGroups, k[len("HOSTTAG_"):], v)
	case strings.HasPrefix(k, "CONTACT_"):
		n.Contact.Attributes = put(n.Contact.Attributes, k[len("CONTACT_"):], v)
	case strings.HasPrefix(k, "EC_"):
		decodeEventConsole(n, k, v)
	}
}

func decodeEventConsole(n *Notification, k, v string) {
	if n.EventConsole == nil {
		n.EventConsole = &EventConsole{}
	}
	ec := n.EventConsole
	switch k {
	case "EC_ID":
		ec.ID = v
	case "EC_RULE_ID":
		ec.RuleID = v
	case "EC_PRIORITY":
		ec.Priority = v
	case "EC_FACILITY":
		ec.Facility = v
	case "EC_PHASE":
		ec.Phase = v
	case "EC_COMMENT":
		ec.Comment = v
	case "EC_OWNER":
		ec.Owner = v
	case "EC_CONTACT":
		ec.Contact = v
	case "EC_PID":
		ec.PID = v
	case "EC_MATCH_GROUPS":
		ec.MatchGroups = splitList(v, '\t')
	case "EC_CONTACT_GROUPS":
		ec.ContactGroups = v
	case "EC_ORIG_HOST":
		ec.OrigHost = v
	}
}

func (n *Notification) alertHandler() *AlertHandler {
	if n.AlertHandler == nil {
		n.AlertHandler = &AlertHandler{}
	}
	return n.AlertHandler
}

func put(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = make(map[string]string, 8)
	}
	m[k] = v
	return m
}

func hostStateFallback(short string, id int) HostState {
	if st := ParseHostState(short); st != HostStateNone {
		return st
	}
	return hostStateFromID(id)
}

func serviceStateFallback(short string, id int) ServiceState {
	if st := ParseServiceState(short); st != ServiceStateNone {
		return st
	}
	return serviceStateFromID(id)
}

// parseID parses a state id; -1 when empty or not a small non-negative number.
func parseID(v string) int {
	id, err := strconv.Atoi(v)
	if err != nil || id < 0 {
		return -1
	}
	return id
}

// parseInt parses a counter; 0 when empty or not a number.
func parseInt(v string) int {
	i, err := strconv.Atoi(v)
	if err != nil {
		return 0
	}
	return i
}

// parseEpoch parses epoch seconds; the zero time when empty, 0 or malformed.
func parseEpoch(v string) time.Time {
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil || sec <= 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// splitList splits a comma-, space- or TAB-separated list, dropping empty items; nil for
// an empty string.
func splitList(v string, sep byte) []string {
	if v == "" {
		return nil
	}
	count := strings.Count(v, string(sep)) + 1
	out := make([]string, 0, count)
	for v != "" {
		item, rest, _ := strings.Cut(v, string(sep))
		if sep != '\t' {
			item = strings.TrimSpace(item)
		}
		if item != "" {
			out = append(out, item)
		}
		v = rest
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// DecodeLongOutput turns the line separators of a LONGHOSTOUTPUT or LONGSERVICEOUTPUT
// value into newlines: the literal two-character sequence backslash-n the core hands over,
// and real newlines (kept). Carriage returns before newlines are dropped.
func DecodeLongOutput(s string) string {
	if !strings.Contains(s, `\n`) && !strings.Contains(s, "\r\n") {
		return s
	}
	s = strings.ReplaceAll(s, `\n`, "\n")
	return strings.ReplaceAll(s, "\r\n", "\n")
}

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
