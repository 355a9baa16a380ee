package checkmk

import "strings"

// URLPrefix returns the base URL of the Checkmk site for links, decoded from the rule's
// "URL prefix for links to Checkmk" parameter in the form of any version, or ok=false
// when the rule sets none. monitoringHost and site (Notification.MonitoringHost and
// Notification.Site) fill in the automatic forms. The order is:
//
//   - 2.4: PARAMETER_URL_PREFIX_1 = automatic_http, automatic_https or manual (URL in _2);
//   - 2.0–2.3: PARAMETER_URL_PREFIX_MANUAL (a URL), then PARAMETER_URL_PREFIX_AUTOMATIC =
//     http or https;
//   - PARAMETER_URL_PREFIX: "manual<TAB>URL" or "automatic_http…", or a legacy plain URL.
//
// Automatic forms give "<scheme>://<monitoringHost>/<site>". As in Checkmk, the first
// "/check_mk" (with an optional "/" after it) is removed from the prefix; trailing
// slashes are removed too, because HOSTURL and SERVICEURL start with one.
func (p Parameters) URLPrefix(monitoringHost, site string) (prefix string, ok bool) {
	if kind, has := p.Get("URL_PREFIX_1"); has {
		v2, _ := p.Get("URL_PREFIX_2")
		return urlPrefixFromKind(kind, v2, monitoringHost, site)
	}
	if v, has := p.Get("URL_PREFIX_MANUAL"); has && v != "" {
		return cleanURLPrefix(v)
	}
	if v, has := p.Get("URL_PREFIX_AUTOMATIC"); has {
		return urlPrefixFromKind("automatic_"+v, "", monitoringHost, site)
	}
	if v, has := p.Get("URL_PREFIX"); has {
		if kind, rest, tab := strings.Cut(v, "\t"); tab {
			return urlPrefixFromKind(kind, rest, monitoringHost, site)
		}
		if strings.HasPrefix(v, "automatic_") {
			return urlPrefixFromKind(v, "", monitoringHost, site)
		}
		if strings.HasPrefix(v, "http") {
			return cleanURLPrefix(v)
		}
	}
	return "", false
}

func urlPrefixFromKind(kind, manual, monitoringHost, site string) (string, bool) {
	switch kind {
	case "automatic_http", "automatic_https":
		if monitoringHost == "" || site == "" {
			return "", false
		}
		return strings.TrimPrefix(kind, "automatic_") + "://" + monitoringHost + "/" + site, true
	case "manual":
		if manual == "" {
			return "", false
		}
		return cleanURLPrefix(manual)
	}
	return "", false
}

// cleanURLPrefix removes the first "/check_mk" (and one "/" after it) and trailing slashes.
func cleanURLPrefix(prefix string) (string, bool) {
	if i := strings.Index(prefix, "/check_mk"); i >= 0 {
		j := i + len("/check_mk")
		if j < len(prefix) && prefix[j] == '/' {
			j++
		}
		prefix = prefix[:i] + prefix[j:]
	}
	prefix = strings.TrimRight(prefix, "/")
	return prefix, prefix != ""
}

// URLPrefix returns the base URL for links from the notification's own parameters, its
// MonitoringHost and Site (see Parameters.URLPrefix).
func (n *Notification) URLPrefix() (string, bool) {
	return n.Parameters().URLPrefix(n.MonitoringHost, n.Site)
}

// AbsoluteURLs joins prefix (see URLPrefix) with HOSTURL and, for service notifications,
// SERVICEURL. HOSTURL and SERVICEURL are site-relative paths with a query and are used
// as opaque strings. A URL is "" when prefix or the relative URL is empty.
func (n *Notification) AbsoluteURLs(prefix string) (hostURL, serviceURL string) {
	if prefix == "" {
		return "", ""
	}
	prefix = strings.TrimRight(prefix, "/")
	if n.Host.URL != "" {
		hostURL = joinURL(prefix, n.Host.URL)
	}
	if n.IsService() && n.Service.URL != "" {
		serviceURL = joinURL(prefix, n.Service.URL)
	}
	return hostURL, serviceURL
}

func joinURL(prefix, rel string) string {
	if !strings.HasPrefix(rel, "/") {
		return prefix + "/" + rel
	}
	return prefix + rel
}
