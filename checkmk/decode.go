package checkmk

import (
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"
)

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
		h.State = parseHostState(v)
	case "HOSTSHORTSTATE":
		d.hostShort = v
	case "HOSTSTATEID":
		h.StateID = parseID(v)
	case "LASTHOSTSTATE":
		h.LastState = parseHostState(v)
	case "LASTHOSTSHORTSTATE":
		d.lastHostShort = v
	case "LASTHOSTSTATEID":
		h.LastStateID = parseID(v)
	case "PREVIOUSHOSTHARDSTATE":
		h.PreviousHardState = parseHostState(v)
	case "PREVIOUSHOSTHARDSHORTSTATE":
		d.prevHostShort = v
	case "PREVIOUSHOSTHARDSTATEID":
		h.PreviousHardStateID = parseID(v)
	case "HOSTOUTPUT":
		h.Output = v
	case "LONGHOSTOUTPUT":
		h.LongOutput = decodeLongOutput(v)
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
		s.State = parseServiceState(v)
	case "SERVICESHORTSTATE":
		d.svcShort = v
	case "SERVICESTATEID":
		s.StateID = parseID(v)
	case "LASTSERVICESTATE":
		s.LastState = parseServiceState(v)
	case "LASTSERVICESHORTSTATE":
		d.lastSvcShort = v
	case "LASTSERVICESTATEID":
		s.LastStateID = parseID(v)
	case "PREVIOUSSERVICEHARDSTATE":
		s.PreviousHardState = parseServiceState(v)
	case "PREVIOUSSERVICEHARDSHORTSTATE":
		d.prevSvcShort = v
	case "PREVIOUSSERVICEHARDSTATEID":
		s.PreviousHardStateID = parseID(v)
	case "SERVICEOUTPUT":
		s.Output = v
	case "LONGSERVICEOUTPUT":
		s.LongOutput = decodeLongOutput(v)
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
	if name, ok := strings.CutPrefix(k, "HOSTLABEL_"); ok {
		n.Host.Labels = put(n.Host.Labels, name, v)
	} else if name, ok := strings.CutPrefix(k, "SERVICELABEL_"); ok {
		s.Labels = put(s.Labels, name, v)
	} else if name, ok := strings.CutPrefix(k, "HOSTTAG_"); ok {
		n.Host.TagGroups = put(n.Host.TagGroups, name, v)
	} else if name, ok := strings.CutPrefix(k, "CONTACT_"); ok {
		n.Contact.Attributes = put(n.Contact.Attributes, name, v)
	} else if strings.HasPrefix(k, "EC_") {
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
	if st := parseHostState(short); st != HostStateNone {
		return st
	}
	return hostStateFromID(id)
}

func serviceStateFallback(short string, id int) ServiceState {
	if st := parseServiceState(short); st != ServiceStateNone {
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

// decodeLongOutput turns the line separators of a LONGHOSTOUTPUT or LONGSERVICEOUTPUT
// value into newlines: the literal two-character sequence backslash-n the core hands over,
// and real newlines (kept). Carriage returns before newlines are dropped.
func decodeLongOutput(s string) string {
	if !strings.Contains(s, `\n`) && !strings.Contains(s, "\r\n") {
		return s
	}
	s = strings.ReplaceAll(s, `\n`, "\n")
	return strings.ReplaceAll(s, "\r\n", "\n")
}
