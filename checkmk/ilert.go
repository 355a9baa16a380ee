package checkmk

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/jsonx"
)

// ILertOptions adjust ToILert. The zero value takes everything from the notification and
// its rule's parameters.
type ILertOptions struct {
	// IntegrationKey is set as the event's integration key. Leave it empty to set it
	// yourself: the key usually comes from the rule (Parameters.Password("ILERT_API_KEY")
	// and Password.Resolve, which may read the password store), which a pure mapping does
	// not do.
	IntegrationKey string
	// Priority, when HIGH or LOW, overrides the rule's PARAMETER_ILERT_PRIORITY and the
	// priority derived from the state (see ToILert). Other values are ignored.
	Priority ilert.Priority
	// URLPrefix, when set, is the base URL of the Checkmk site for links (for example
	// "https://cmk.example.com/prod" or ".../prod/check_mk/"), overriding the rule's URL
	// prefix parameter (Notification.URLPrefix).
	URLPrefix string
	// OmitContext leaves customDetails empty instead of carrying the whole context
	// without secrets (about 5 KB of JSON for a typical service notification), for alert
	// sources whose templates do not use it.
	OmitContext bool
}

// ILertEventType returns the iLert event type for a Checkmk notification type: PROBLEM →
// ALERT, ACKNOWLEDGEMENT (with any suffix) → ACCEPT, RECOVERY → RESOLVE. For every other
// type (FLAPPING*, DOWNTIME*, CUSTOM, ALERTHANDLER (…), unknown ones) it returns an error
// wrapping [ErrSkip]: iLert acts on those three only, and its own Checkmk integration
// ignores the rest.
func ILertEventType(t NotificationType) (ilert.EventType, error) {
	switch t.Kind() {
	case TypeProblem:
		return ilert.EventTypeAlert, nil
	case TypeAcknowledgement:
		return ilert.EventTypeAccept, nil
	case TypeRecovery:
		return ilert.EventTypeResolve, nil
	}
	return "", fmt.Errorf("checkmk: iLert takes PROBLEM, ACKNOWLEDGEMENT and RECOVERY, not %s: %w", safeType(t), ErrSkip)
}

// ILertAlertKey returns the alert key of the notification's object: "<site>/<host>" for
// host notifications and "<site>/<host>/<service>" for service notifications (site is
// OMD_SITE, kept even when empty so the key is never blank). It is built from identity
// only — never from problem ids, which the Nagios core sets to 0 on recoveries, nor from
// output — so WARN and then CRIT append to one iLert alert and the RECOVERY resolves it.
// Keys longer than ilert.MaxAlertKeyBytes are hashed by ilert's Event.Normalize.
func ILertAlertKey(n *Notification) string {
	var b strings.Builder
	b.Grow(len(n.Site) + len(n.Host.Name) + len(n.Service.Description) + 2)
	b.WriteString(n.Site)
	b.WriteByte('/')
	b.WriteString(n.Host.Name)
	if n.IsService() {
		b.WriteByte('/')
		b.WriteString(n.Service.Description)
	}
	return b.String()
}

// ToILert maps a Checkmk notification to an event of iLert's Events API (an alert source
// of type "API"). For notification types iLert does not act on (see ILertEventType) it
// returns the zero event and an error wrapping [ErrSkip]: the notification is simply not
// for iLert. A nil notification is an error.
//
// The fields:
//
//   - eventType: see ILertEventType; alertKey: see ILertAlertKey;
//
//   - integrationKey: opts.IntegrationKey (may be empty, for the caller to fill);
//
//   - summary: the rule's PARAMETER_ILERT_SUMMARY_HOST or _SERVICE template with its
//     $MACRO$s filled in (ExpandMacros), when set and not blank after expansion; else
//     Checkmk's default, "<TYPE> Host Alert: <HOSTNAME> is <HOSTSTATE> - <HOSTOUTPUT>" or
//     "<TYPE> Service Alert: <HOSTALIAS or HOSTNAME>/<SERVICEDESC> is <SERVICESTATE> -
//     <SERVICEOUTPUT>" (parts whose value is empty are left out);
//
//   - details: the long output (LONGSERVICEOUTPUT or LONGHOSTOUTPUT, decoded), then who
//     acknowledged or commented and the comment (NOTIFICATIONAUTHOR*/NOTIFICATIONCOMMENT,
//     for acknowledgements falling back to *ACKAUTHOR/*ACKCOMMENT);
//
//   - priority, ALERT events only: opts.Priority, else the rule's PARAMETER_ILERT_PRIORITY
//     (HIGH or LOW), else from the state:
//
//     state                          priority
//     CRITICAL, DOWN, UNREACHABLE    HIGH
//     WARNING, UNKNOWN               LOW
//     anything else                  none (the alert source decides)
//
//     iLert honours a priority only where the alert source allows it;
//
//   - links: the Checkmk service page (service notifications) and host page, when a URL
//     prefix is known (opts.URLPrefix or the rule's, see Notification.URLPrefix);
//
//   - labels: the host labels, overlaid by the service labels (HOSTLABEL_*,
//     SERVICELABEL_*), names as in Checkmk ("cmk/os_family");
//
//   - customDetails: the whole context without secrets (ContextWithoutSecrets) as one
//     object of strings under CustomDetailsKey ("checkmk"), for iLert's templates
//     (customDetails.checkmk.HOSTNAME).
//
// The event is not normalized: ilert's Client.Send does that (Event.Normalize: summary
// length, long keys hashed) and reports what it cut.
func ToILert(n *Notification, opts ILertOptions) (ilert.Event, error) {
	if n == nil {
		return ilert.Event{}, errNilNotification
	}
	typ, err := ILertEventType(n.Type)
	if err != nil {
		return ilert.Event{}, err
	}
	ev := ilert.Event{
		IntegrationKey: opts.IntegrationKey,
		EventType:      typ,
		Summary:        ilertSummary(n),
		Details:        ilertDetails(n),
		AlertKey:       ILertAlertKey(n),
		Links:          ilertLinks(n, opts.URLPrefix),
		Labels:         ilertLabels(n),
	}
	if !opts.OmitContext {
		ev.CustomDetails = customDetails(n)
	}
	if typ == ilert.EventTypeAlert {
		ev.Priority = ilertPriority(n, opts.Priority)
	}
	return ev, nil
}

// errNilNotification is the error of a mapping given no notification.
var errNilNotification = errors.New("checkmk: no notification to map")

// safeType is a notification type for an error message: Checkmk's word, cut short.
func safeType(t NotificationType) string {
	const n = 40
	if s := string(t); len(s) <= n {
		return strconv.Quote(s)
	}
	return strconv.Quote(string(t)[:n]) + "…"
}

// ilertSummary expands the rule's summary template or builds Checkmk's default summary.
func ilertSummary(n *Notification) string {
	param := "ILERT_SUMMARY_HOST"
	if n.IsService() {
		param = "ILERT_SUMMARY_SERVICE"
	}
	if tmpl, _ := n.Parameters().Get(param); strings.TrimSpace(tmpl) != "" {
		if s := n.ExpandMacros(tmpl); strings.TrimSpace(s) != "" {
			return s
		}
	}
	var b strings.Builder
	b.Grow(128)
	b.WriteString(string(n.Type))
	var state, output string
	if n.IsService() {
		b.WriteString(" Service Alert: ")
		b.WriteString(cmp.Or(n.Host.Alias, n.Host.Name))
		b.WriteByte('/')
		b.WriteString(n.Service.Description)
		state, output = string(n.Service.State), n.Service.Output
	} else {
		b.WriteString(" Host Alert: ")
		b.WriteString(n.Host.Name)
		state, output = string(n.Host.State), n.Host.Output
	}
	if state != "" {
		b.WriteString(" is ")
		b.WriteString(state)
	}
	if output != "" {
		b.WriteString(" - ")
		b.WriteString(output)
	}
	return b.String()
}

// ilertDetails joins the long output and the author's comment.
func ilertDetails(n *Notification) string {
	long, ackAuthor, ackComment := n.Host.LongOutput, n.Host.AckAuthor, n.Host.AckComment
	if n.IsService() {
		long, ackAuthor, ackComment = n.Service.LongOutput, n.Service.AckAuthor, n.Service.AckComment
	}
	author := authorText(n)
	comment := n.Comment
	isAck := n.Type.Kind() == TypeAcknowledgement
	if isAck {
		author = cmp.Or(author, ackAuthor)
		comment = cmp.Or(comment, ackComment)
	}
	long = strings.TrimRight(long, "\n")
	if author == "" && comment == "" {
		return long
	}
	var b strings.Builder
	b.Grow(len(long) + len(author) + len(comment) + 24)
	if long != "" {
		b.WriteString(long)
		b.WriteString("\n\n")
	}
	if isAck {
		b.WriteString("Acknowledged")
	} else {
		b.WriteString("Comment")
	}
	if author != "" {
		b.WriteString(" by ")
		b.WriteString(author)
	}
	if comment != "" {
		b.WriteString(": ")
		b.WriteString(comment)
	}
	return b.String()
}

// authorText names the author of the notification: "Jane Doe (jdoe)" when the alias adds
// something, else the user name.
func authorText(n *Notification) string {
	user := cmp.Or(n.Author, n.AuthorName)
	switch {
	case n.AuthorAlias == "" || n.AuthorAlias == user:
		return user
	case user == "":
		return n.AuthorAlias
	}
	return n.AuthorAlias + " (" + user + ")"
}

// ilertPriority applies the priority table of ToILert.
func ilertPriority(n *Notification, override ilert.Priority) ilert.Priority {
	if override.Valid() {
		return override
	}
	if v, ok := n.Parameters().Get("ILERT_PRIORITY"); ok {
		if p := ilert.Priority(strings.ToUpper(strings.TrimSpace(v))); p.Valid() {
			return p
		}
	}
	if n.IsService() {
		switch n.Service.State {
		case ServiceCritical:
			return ilert.PriorityHigh
		case ServiceWarning, ServiceUnknown:
			return ilert.PriorityLow
		}
		return ""
	}
	switch n.Host.State {
	case HostDown, HostUnreachable:
		return ilert.PriorityHigh
	}
	return ""
}

// ilertLinks returns the links to the Checkmk GUI, service page first.
func ilertLinks(n *Notification, override string) []ilert.Link {
	prefix, ok := urlPrefix(n, override)
	if !ok {
		return nil
	}
	hostURL, serviceURL := n.AbsoluteURLs(prefix)
	var links []ilert.Link
	if serviceURL != "" {
		links = append(links, ilert.Link{Href: serviceURL, Text: "Checkmk: " + n.Service.Description + " on " + n.Host.Name})
	}
	if hostURL != "" {
		links = append(links, ilert.Link{Href: hostURL, Text: "Checkmk: host " + n.Host.Name})
	}
	return links
}

// urlPrefix returns the override (cleaned like a rule's manual prefix) or the rule's
// prefix.
func urlPrefix(n *Notification, override string) (string, bool) {
	if strings.TrimSpace(override) != "" {
		return cleanURLPrefix(strings.TrimSpace(override))
	}
	return n.URLPrefix()
}

// ilertLabels merges host and service labels; nil when there are none.
func ilertLabels(n *Notification) map[string]string {
	if len(n.Host.Labels) == 0 && len(n.Service.Labels) == 0 {
		return nil
	}
	labels := make(map[string]string, len(n.Host.Labels)+len(n.Service.Labels))
	for k, v := range n.Host.Labels {
		labels[k] = v
	}
	for k, v := range n.Service.Labels {
		labels[k] = v
	}
	return labels
}

// CustomDetailsKey is the key under which ToILert puts the notification's context (without
// secrets) in the event's customDetails: iLert templates reach a variable as
// customDetails.checkmk.HOSTNAME.
const CustomDetailsKey = "checkmk"

// customDetails returns iLert's customDetails: the context without secrets under
// CustomDetailsKey, encoded once by contextJSON rather than as a map of a hundred
// interface values.
func customDetails(n *Notification) map[string]any {
	ctx := n.ctx.get()
	if len(ctx) == 0 {
		return nil
	}
	vars := make(contextJSON, 0, len(ctx))
	scrubContext(ctx, func(name, value string) { vars = append(vars, contextVar{name, value}) })
	slices.SortFunc(vars, func(a, b contextVar) int { return strings.Compare(a.name, b.name) })
	return map[string]any{CustomDetailsKey: vars}
}

// contextVar is one variable of a context.
type contextVar struct{ name, value string }

// contextJSON is a context, sorted by name, that encodes itself as a JSON object of
// strings.
type contextJSON []contextVar

// MarshalJSON encodes the variables as one JSON object, in order.
func (c contextJSON) MarshalJSON() ([]byte, error) {
	size := 2
	for _, v := range c {
		size += len(v.name) + len(v.value) + 6
	}
	b := make([]byte, 0, size+size/16)
	b = append(b, '{')
	for i, v := range c {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonx.AppendString(b, v.name)
		b = append(b, ':')
		b = jsonx.AppendString(b, v.value)
	}
	return append(b, '}'), nil
}
