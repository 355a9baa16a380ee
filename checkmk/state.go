package checkmk

// HostState is the state of a host. Parsing accepts the long form (UNREACHABLE) and the
// short form Checkmk derives from it (UNRE); the value is always the long form. An empty
// value, an absent one and Nagios's "?" all become HostStateNone. Any other text is kept
// as it is, and Valid reports false for it.
type HostState string

// The host states.
const (
	HostUp          HostState = "UP"
	HostDown        HostState = "DOWN"
	HostUnreachable HostState = "UNREACHABLE"
	// HostPending is the state of a host that was never checked.
	HostPending HostState = "PENDING"
	// HostStateNone means no state was given: empty, absent or "?".
	HostStateNone HostState = ""
)

// parseHostState turns a HOSTSTATE-like value (long or short form) into a HostState.
func parseHostState(s string) HostState {
	switch s {
	case "UP":
		return HostUp
	case "DOWN":
		return HostDown
	case "UNREACHABLE", "UNRE", "UNREACH":
		return HostUnreachable
	case "PENDING", "PEND":
		return HostPending
	case "", "?":
		return HostStateNone
	}
	return HostState(s)
}

// hostStateFromID maps a HOSTSTATEID to a state.
func hostStateFromID(id int) HostState {
	switch id {
	case 0:
		return HostUp
	case 1:
		return HostDown
	case 2:
		return HostUnreachable
	}
	return HostStateNone
}

// Valid reports whether s is UP, DOWN, UNREACHABLE or PENDING.
func (s HostState) Valid() bool {
	switch s {
	case HostUp, HostDown, HostUnreachable, HostPending:
		return true
	}
	return false
}

// ID returns Checkmk's numeric id of the state (UP 0, DOWN 1, UNREACHABLE 2), or -1 for
// any other value.
func (s HostState) ID() int {
	switch s {
	case HostUp:
		return 0
	case HostDown:
		return 1
	case HostUnreachable:
		return 2
	}
	return -1
}

// Short returns the four-character form Checkmk uses in *SHORTSTATE variables (UP, DOWN,
// UNRE, PEND); other values are cut to four characters as Checkmk does.
func (s HostState) Short() string { return shortState(string(s)) }

// ServiceState is the state of a service. Parsing accepts the long forms (WARNING) and the
// short forms (WARN, CRIT, UNKN, PEND); the value is always the long form. An empty value,
// an absent one and Nagios's "?" all become ServiceStateNone. Any other text is kept as it
// is, and Valid reports false for it.
type ServiceState string

// The service states.
const (
	ServiceOK       ServiceState = "OK"
	ServiceWarning  ServiceState = "WARNING"
	ServiceCritical ServiceState = "CRITICAL"
	// ServiceUnknown is the monitoring state UNKNOWN (id 3), a real state reported by a
	// check; it does not mean "not given" (that is ServiceStateNone).
	ServiceUnknown ServiceState = "UNKNOWN"
	// ServicePending is the state of a service that was never checked.
	ServicePending ServiceState = "PENDING"
	// ServiceStateNone means no state was given: empty, absent or "?".
	ServiceStateNone ServiceState = ""
)

// parseServiceState turns a SERVICESTATE-like value (long or short form) into a
// ServiceState.
func parseServiceState(s string) ServiceState {
	switch s {
	case "OK":
		return ServiceOK
	case "WARNING", "WARN":
		return ServiceWarning
	case "CRITICAL", "CRIT":
		return ServiceCritical
	case "UNKNOWN", "UNKN":
		return ServiceUnknown
	case "PENDING", "PEND":
		return ServicePending
	case "", "?":
		return ServiceStateNone
	}
	return ServiceState(s)
}

// serviceStateFromID maps a SERVICESTATEID to a state.
func serviceStateFromID(id int) ServiceState {
	switch id {
	case 0:
		return ServiceOK
	case 1:
		return ServiceWarning
	case 2:
		return ServiceCritical
	case 3:
		return ServiceUnknown
	}
	return ServiceStateNone
}

// Valid reports whether s is OK, WARNING, CRITICAL, UNKNOWN or PENDING.
func (s ServiceState) Valid() bool {
	switch s {
	case ServiceOK, ServiceWarning, ServiceCritical, ServiceUnknown, ServicePending:
		return true
	}
	return false
}

// ID returns Checkmk's numeric id of the state (OK 0, WARNING 1, CRITICAL 2, UNKNOWN 3),
// or -1 for any other value.
func (s ServiceState) ID() int {
	switch s {
	case ServiceOK:
		return 0
	case ServiceWarning:
		return 1
	case ServiceCritical:
		return 2
	case ServiceUnknown:
		return 3
	}
	return -1
}

// Short returns the four-character form Checkmk uses in *SHORTSTATE variables (OK, WARN,
// CRIT, UNKN, PEND); other values are cut to four characters as Checkmk does.
func (s ServiceState) Short() string { return shortState(string(s)) }

// shortState cuts s to its first four characters (runes), Checkmk's rule for *SHORTSTATE.
func shortState(s string) string {
	n := 0
	for i := range s {
		if n == 4 {
			return s[:i]
		}
		n++
	}
	return s
}
