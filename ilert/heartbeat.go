package ilert

import (
	"fmt"
	"net/url"
	"strings"
)

// DefaultHeartbeatBaseURL is the host iLert's heartbeat monitors are pinged at
// (GET /api/pings/{key}), as iLert's CLI and agent use it.
const DefaultHeartbeatBaseURL = "https://beat.ilert.com"

// LegacyHeartbeatKeyPrefix starts the keys of iLert's legacy heartbeat alert sources,
// which are pinged at GET https://api.ilert.com/api/heartbeats/{key}. iLert's agent
// (ilagent) tells the two kinds apart by this prefix.
const LegacyHeartbeatKeyPrefix = "il1hbt"

// HeartbeatEndpoint says where [Client.PingHeartbeat] pings: iLert has two heartbeat
// interfaces, the legacy heartbeat alert sources and the newer heartbeat monitors.
type HeartbeatEndpoint string

// The heartbeat endpoints.
const (
	// HeartbeatEndpointAuto (the zero value) chooses by key: legacy for keys starting
	// with [LegacyHeartbeatKeyPrefix], monitor for all others.
	HeartbeatEndpointAuto HeartbeatEndpoint = ""
	// HeartbeatEndpointLegacy pings GET {base URL}/api/heartbeats/{key}.
	HeartbeatEndpointLegacy HeartbeatEndpoint = "legacy"
	// HeartbeatEndpointMonitor pings GET {heartbeat base URL}/api/pings/{key}.
	HeartbeatEndpointMonitor HeartbeatEndpoint = "monitor"
)

// Valid reports whether e is one of the three endpoints.
func (e HeartbeatEndpoint) Valid() bool {
	return e == HeartbeatEndpointAuto || e == HeartbeatEndpointLegacy || e == HeartbeatEndpointMonitor
}

// HeartbeatEndpointForKey returns the endpoint [HeartbeatEndpointAuto] chooses for key:
// [HeartbeatEndpointLegacy] for a legacy heartbeat alert source's key (il1hbt…),
// [HeartbeatEndpointMonitor] otherwise.
func HeartbeatEndpointForKey(key string) HeartbeatEndpoint {
	if strings.HasPrefix(strings.TrimSpace(key), LegacyHeartbeatKeyPrefix) {
		return HeartbeatEndpointLegacy
	}
	return HeartbeatEndpointMonitor
}

// heartbeatSettings are what the heartbeat options set.
type heartbeatSettings struct {
	endpoint   HeartbeatEndpoint
	baseURL    *url.URL // heartbeat monitors' host; nil: see resolve
	baseURLSet bool     // WithBaseURL was given
}

// resolve fixes the monitor host: WithHeartbeatBaseURL's, else the API base URL when
// WithBaseURL moved the client (a fake or a relay serves both), else beat.ilert.com.
func (h heartbeatSettings) resolve(apiBase *url.URL) heartbeatSettings {
	if h.baseURL == nil {
		if h.baseURLSet {
			h.baseURL = apiBase
		} else {
			h.baseURL, _ = url.Parse(DefaultHeartbeatBaseURL)
		}
	}
	return h
}

// WithHeartbeatEndpoint makes [Client.PingHeartbeat] ping one endpoint for every key
// instead of choosing by key ([HeartbeatEndpointAuto], the default).
func WithHeartbeatEndpoint(e HeartbeatEndpoint) Option {
	return func(s *settings) error {
		if !e.Valid() {
			return fmt.Errorf("heartbeat endpoint %q is not auto, legacy or monitor", e)
		}
		s.heartbeat.endpoint = e
		return nil
	}
}

// WithHeartbeatBaseURL sets the host heartbeat monitors are pinged at (default
// [DefaultHeartbeatBaseURL]; with [WithBaseURL] alone, that base URL). The rules of
// WithBaseURL apply: an absolute http or https URL without user information, query or
// fragment.
func WithHeartbeatBaseURL(raw string) Option {
	return func(s *settings) error {
		var tmp settings
		if err := WithBaseURL(raw)(&tmp); err != nil {
			return fmt.Errorf("heartbeat %w", err)
		}
		s.heartbeat.baseURL = tmp.baseURL
		return nil
	}
}

// heartbeatURL is the URL PingHeartbeat calls for key.
func (c *Client) heartbeatURL(key string) string {
	e := c.heartbeat.endpoint
	if e == HeartbeatEndpointAuto {
		e = HeartbeatEndpointForKey(key)
	}
	if e == HeartbeatEndpointLegacy {
		return c.endpoint("/api/heartbeats/" + url.PathEscape(key))
	}
	return c.heartbeat.baseURL.String() + "/api/pings/" + url.PathEscape(key)
}
