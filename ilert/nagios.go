package ilert

import (
	"bytes"
	"context"
	"encoding/xml"
	"maps"
	"net/http"
	"slices"
)

// The endpoint of iLert's legacy 1.x Nagios/Checkmk plug-in (ilert_nagios.py), for alert
// sources of type "Nagios / Icinga", and the plug-in version SendNagios reports.
const (
	nagiosPath = "/api/v1/events/nagios"
	// NagiosPluginVersion is the PLUGIN_VERSION that [Client.SendNagios] sends unless the
	// variables carry their own: that of the last 1.x plug-in.
	NagiosPluginVersion = "1.7"
)

var nagiosHeaders = http.Header{"Content-Type": {"application/xml"}, "Accept": {"application/xml"}}

// SendNagios sends a notification the way iLert's legacy 1.x Nagios/Checkmk plug-in does,
// to an alert source of type "Nagios / Icinga": POST /api/v1/events/nagios with the body
// [NagiosXML] renders and the headers Content-Type and Accept application/xml. vars are
// the variables as the plug-in sends them, names with their prefix (NOTIFY_HOSTNAME,
// NOTIFY_SERVICEDESC, ...); PLUGIN_VERSION is added as [NagiosPluginVersion] when missing.
//
// The variables are scrubbed first, as for [Client.SendCheckmk] ([ScrubCheckmkContext]
// treats NOTIFY_-prefixed names the same way); the removed names are in
// [Response.ScrubbedVariables]. Retries and answers are as for [Client.Send]; iLert
// answers 200 on success. The key is part of the body and never appears in errors.
func (c *Client) SendNagios(ctx context.Context, integrationKey string, vars map[string]string) (*Response, error) {
	return c.sendVariables(ctx, c.nagiosCall(integrationKey), integrationKey, vars)
}

// NewNagiosRequest returns the request [Client.SendNagios] sends, as its first attempt
// would be sent: the variables scrubbed and rendered as [NagiosXML]. It is for dry runs
// and tests; the body holds the key: redact it before showing the request.
func (c *Client) NewNagiosRequest(ctx context.Context, integrationKey string, vars map[string]string) (*http.Request, error) {
	return c.newVariablesRequest(ctx, c.nagiosCall(integrationKey), integrationKey, vars)
}

// nagiosCall is the call of SendNagios, without its body.
func (c *Client) nagiosCall(integrationKey string) call {
	return call{op: "send nagios event", method: http.MethodPost, path: nagiosPath, url: c.endpoint(nagiosPath), header: nagiosHeaders,
		encode: func(scrubbed map[string]string) ([]byte, error) {
			return nagiosXML(integrationKey, scrubbed), nil
		}}
}

// NagiosXML returns the body [Client.SendNagios] posts for integrationKey and vars (after
// scrubbing them and adding PLUGIN_VERSION): the 1.x plug-in's one line, an XML declaration
// then <event><apiKey>…</apiKey><payload><entry key="NAME">VALUE</entry>…</payload></event>
// with the entries sorted by name. Unlike the plug-in it escapes the key and the names as
// well as the values (with encoding/xml, which also replaces characters XML cannot hold).
// The body holds the key: redact it before showing it.
func NagiosXML(integrationKey string, vars map[string]string) []byte {
	scrubbed, _ := ScrubCheckmkContext(integrationKey, vars)
	return nagiosXML(integrationKey, scrubbed)
}

// nagiosXML renders scrubbed variables, adding PLUGIN_VERSION if they lack it (entries is
// a copy: ScrubCheckmkContext returns a new map).
func nagiosXML(integrationKey string, entries map[string]string) []byte {
	if _, ok := entries["PLUGIN_VERSION"]; !ok {
		entries["PLUGIN_VERSION"] = NagiosPluginVersion
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><event><apiKey>`)
	escapeXML(&b, integrationKey)
	b.WriteString("</apiKey><payload>")
	for _, k := range slices.Sorted(maps.Keys(entries)) {
		b.WriteString(`<entry key="`)
		escapeXML(&b, k)
		b.WriteString(`">`)
		escapeXML(&b, entries[k])
		b.WriteString("</entry>")
	}
	b.WriteString("</payload></event>")
	return b.Bytes()
}

// escapeXML writes s escaped for XML text and quoted attributes. xml.EscapeText writes to
// a bytes.Buffer without failing.
func escapeXML(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }
