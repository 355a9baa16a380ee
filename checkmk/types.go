package checkmk

import "strings"

// What says whether a notification is about a host or a service. Checkmk decides it from
// the variable WHAT, and so does this package: a host notification from the Nagios core
// carries empty service variables, so their presence proves nothing.
type What string

// The two kinds of notification objects.
const (
	WhatHost    What = "HOST"
	WhatService What = "SERVICE"
)

// Valid reports whether w is HOST or SERVICE.
func (w What) Valid() bool { return w == WhatHost || w == WhatService }

// NotificationType is the value of NOTIFICATIONTYPE, kept exactly as Checkmk sent it.
// Compare its Kind with the constants: an acknowledgement may carry a suffix and an alert
// handler notification always carries its state, as in "ALERTHANDLER (OK)".
type NotificationType string

// The notification types Checkmk sends (2.0 to 2.4).
const (
	TypeProblem           NotificationType = "PROBLEM"
	TypeRecovery          NotificationType = "RECOVERY"
	TypeAcknowledgement   NotificationType = "ACKNOWLEDGEMENT"
	TypeFlappingStart     NotificationType = "FLAPPINGSTART"
	TypeFlappingStop      NotificationType = "FLAPPINGSTOP"
	TypeFlappingDisabled  NotificationType = "FLAPPINGDISABLED"
	TypeDowntimeStart     NotificationType = "DOWNTIMESTART"
	TypeDowntimeEnd       NotificationType = "DOWNTIMEEND"
	TypeDowntimeCancelled NotificationType = "DOWNTIMECANCELLED"
	TypeCustom            NotificationType = "CUSTOM"
	// TypeAlertHandler is the Kind of "ALERTHANDLER (<state>)" notifications of the
	// commercial editions; AlertHandlerState gives the state.
	TypeAlertHandler NotificationType = "ALERTHANDLER"
)

// Kind returns t reduced to one of the constants: any value starting with ACKNOWLEDGEMENT
// gives TypeAcknowledgement, "ALERTHANDLER (<state>)" gives TypeAlertHandler. Other values
// are returned unchanged, so an unknown type stays visible (and Valid reports false).
func (t NotificationType) Kind() NotificationType {
	switch {
	case strings.HasPrefix(string(t), string(TypeAcknowledgement)):
		return TypeAcknowledgement
	case t == TypeAlertHandler || strings.HasPrefix(string(t), string(TypeAlertHandler)+" ("):
		return TypeAlertHandler
	}
	return t
}

// Valid reports whether t's Kind is one of the known notification types.
func (t NotificationType) Valid() bool {
	switch t.Kind() {
	case TypeProblem, TypeRecovery, TypeAcknowledgement, TypeFlappingStart, TypeFlappingStop,
		TypeFlappingDisabled, TypeDowntimeStart, TypeDowntimeEnd, TypeDowntimeCancelled,
		TypeCustom, TypeAlertHandler:
		return true
	}
	return false
}

// AlertHandlerState returns the state of an "ALERTHANDLER (<state>)" notification, the
// text between the parentheses, and whether t is such a notification.
func (t NotificationType) AlertHandlerState() (string, bool) {
	rest, ok := strings.CutPrefix(string(t), string(TypeAlertHandler)+" (")
	if !ok {
		return "", false
	}
	state, ok := strings.CutSuffix(rest, ")")
	return state, ok
}
