package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/httpx"
)

// Environment variables that point the notifier elsewhere (tests, private gateways).
const (
	envILertURL    = "ALERTBRIDGE_ILERT_URL"
	envAlertOpsURL = "ALERTBRIDGE_ALERTOPS_URL"
	envSpoolDir    = "ALERTBRIDGE_SPOOL_DIR"
)

// target is one destination of a notification, with everything needed to reach it. Its
// sink is how iLert is fed: delivery.SinkILertCheckmk (the context to iLert's checkmk-ext
// endpoint, alert source type Checkmk), delivery.SinkILert (our mapping to the Events API,
// type API), delivery.SinkILertNagios (the 1.x plug-in's XML, type Nagios / Icinga), or
// delivery.SinkAlertOps (our mapping to an AlertOps inbound integration).
type target struct {
	sink       delivery.Sink
	key        string // iLert integration key (secret)
	webhookURL string // AlertOps webhook URL (secret: carries the account key)
	baseURL    string // iLert API base URL
	proxy      string // "" environment, delivery.NoProxy, or a proxy URL (secret: may carry credentials)
	ignoreSSL  bool
	priority   ilert.Priority // ilert_priority=, "" when not set
	urlPrefix  string         // url_prefix=, "" when not set
}

// isILert reports whether the target is one of iLert's endpoints.
func (t target) isILert() bool { return t.sink != delivery.SinkAlertOps }

// transport is how the target's requests reach it, stored with each queued request: a
// later flush has no rule to read it from.
func (t target) transport() delivery.Transport {
	tr := delivery.Transport{Proxy: t.proxy, IgnoreSSL: t.ignoreSSL}
	if t.isILert() {
		tr.ILertURL = t.baseURL
	}
	return tr
}

// spoolName is the queue's name for the destination: derived from the secret by a hash,
// so that it identifies the destination without revealing it. The names are
// "ilert-<12 hex digits>" and "alertops-<12 hex digits>"; the webhook relay, which may
// share the directory, uses "ilert" and "alertops" (see ownQueue).
func (t target) spoolName() string {
	if t.isILert() {
		return "ilert-" + shortHash(t.key)
	}
	return "alertops-" + shortHash(t.webhookURL)
}

// spoolHashLen is the length of the hash in a queue name: 6 bytes, 12 hex digits.
const spoolHashLen = 12

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:spoolHashLen/2])
}

// ownQueue reports whether a destination of the queue directory is one of the notifier's
// (see spoolName). Flushes deliver only those: another program sharing the directory (the
// webhook relay's "ilert" and "alertops") queues requests that need its own configuration.
func ownQueue(name string) bool {
	hash, ok := strings.CutPrefix(name, "ilert-")
	if !ok {
		hash, ok = strings.CutPrefix(name, "alertops-")
	}
	if !ok || len(hash) != spoolHashLen {
		return false
	}
	for _, c := range hash {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// config is what a notification's rule parameters ask for.
type config struct {
	targets  []target
	spool    bool
	spoolDir string
	timeout  time.Duration
	budget   time.Duration
	maxAge   time.Duration
}

// configError is a configuration problem: exit 2. Its text never contains a value.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

func configErrorf(format string, args ...any) error {
	return &configError{msg: fmt.Sprintf(format, args...)}
}

// noDestinationHelp says what to configure when a rule names no destination.
const noDestinationHelp = "no destination configured: use the built-in iLert rule form " +
	"(PARAMETER_ILERT_API_KEY), the AlertOps form (PARAMETER_ALERTOPS_WEBHOOK_URL), or the " +
	"script parameters ilert=<API key> and/or alertops=<webhook URL>"

// configure reads the destinations and settings from a notification's parameters. Plain
// script parameters, the built-in iLert form and the AlertOps form may be combined.
func configure(ctx context.Context, n *checkmk.Notification, env *environment) (config, error) {
	p := n.Parameters()
	c := config{spool: true}
	var (
		ilertKeys    []string
		alertopsURLs []string
		mode         delivery.Sink // "" until set: checkmk, or nagios for a bare 1.x key
		bareKey      bool
		proxy        checkmk.Proxy
		ignoreSSL    = p.IgnoreSSL()
		priority     ilert.Priority
		urlPrefix    string
	)

	// The built-in iLert form, in the encoding of any Checkmk version.
	if hasParam(p, "ILERT_API_KEY") {
		key, err := resolvePassword(ctx, p, "ILERT_API_KEY", n, env)
		if err != nil {
			return c, err
		}
		ilertKeys = append(ilertKeys, key)
	}
	// The AlertOps plug-in's form: a plain URL field (or a password form, should it become one).
	if hasParam(p, "ALERTOPS_WEBHOOK_URL") {
		v, ok := p.Get("ALERTOPS_WEBHOOK_URL")
		if !ok || !strings.Contains(v, "://") || strings.Contains(v, "\t") {
			var err error
			if v, err = resolvePassword(ctx, p, "ALERTOPS_WEBHOOK_URL", n, env); err != nil {
				return c, err
			}
		}
		alertopsURLs = append(alertopsURLs, strings.TrimSpace(v))
	}
	if p.Has("PROXY_URL") {
		var err error
		if proxy, err = p.Proxy(); err != nil {
			return c, configErrorf("PARAMETER_PROXY_URL: %v", err)
		}
	}

	// Plain script parameters: name=value, or a single bare API key first (iLert's 1.x wrapper).
	for i, item := range p.List() {
		name, value, hasValue := strings.Cut(item, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		if !hasValue {
			if i == 0 && item != "" {
				ilertKeys = append(ilertKeys, strings.TrimSpace(item))
				bareKey = true
				continue
			}
			return c, configErrorf("script parameter %d is not of the form name=value", i+1)
		}
		var err error
		switch name {
		case "ilert":
			if value == "" {
				return c, configErrorf("script parameter %d: ilert= needs an API key", i+1)
			}
			ilertKeys = append(ilertKeys, value)
		case "alertops":
			alertopsURLs = append(alertopsURLs, value)
		case "ilert_mode":
			switch value {
			case "checkmk":
				mode = delivery.SinkILertCheckmk
			case "events":
				mode = delivery.SinkILert
			case "nagios":
				mode = delivery.SinkILertNagios
			default:
				return c, configErrorf("ilert_mode=%s: use checkmk, events or nagios", safeValue(value))
			}
		case "ilert_priority":
			priority = ilert.Priority(strings.ToUpper(value))
			if !priority.Valid() {
				return c, configErrorf("ilert_priority=%s: use HIGH or LOW", safeValue(value))
			}
		case "spool":
			c.spool, err = parseSwitch(value)
		case "spool_dir":
			if value == "" || !filepath.IsAbs(value) {
				return c, configErrorf("spool_dir must be an absolute directory")
			}
			c.spoolDir = value
		case "url_prefix":
			if _, perr := httpx.ParseHTTPURL(value); perr != nil {
				return c, configErrorf("url_prefix must be an http or https URL")
			}
			urlPrefix = value
		case "ignore_ssl":
			ignoreSSL, err = parseSwitch(value)
		case "proxy":
			if proxy, err = checkmk.ParseProxy(value, true); err != nil {
				return c, configErrorf("proxy=: %v", err)
			}
		case "timeout":
			c.timeout, err = parseDuration(value)
		case "budget":
			c.budget, err = parseDuration(value)
		case "max_age":
			c.maxAge, err = parseDuration(value)
		default:
			return c, configErrorf("unknown script parameter %q (parameter %d); see checkmk-notify help", name, i+1)
		}
		if err != nil {
			return c, configErrorf("script parameter %s: %v", name, err)
		}
	}

	if len(ilertKeys) == 0 && len(alertopsURLs) == 0 {
		return c, configErrorf("%s", noDestinationHelp)
	}
	if mode == "" {
		mode = delivery.SinkILertCheckmk
		if bareKey {
			mode = delivery.SinkILertNagios // the 1.x plug-in's alert sources are of type Nagios / Icinga
		}
	}
	proxySetting := ""
	switch proxy.Mode() {
	case checkmk.ProxyNone:
		proxySetting = delivery.NoProxy
	case checkmk.ProxyExplicit:
		proxySetting = proxy.URL().String()
	}
	base := ilert.DefaultBaseURL
	if v := env.getenv(envILertURL); v != "" {
		if _, err := httpx.ParseHTTPURL(v); err != nil {
			return c, configErrorf("%s must be an http or https URL", envILertURL)
		}
		base = strings.TrimRight(v, "/")
	}
	seen := map[string]bool{}
	for _, key := range ilertKeys {
		t := target{sink: mode, key: key, baseURL: base, proxy: proxySetting, ignoreSSL: ignoreSSL,
			priority: priority, urlPrefix: urlPrefix}
		if !seen[t.spoolName()] {
			seen[t.spoolName()] = true
			c.targets = append(c.targets, t)
		}
	}
	for _, raw := range alertopsURLs {
		u, err := overrideAlertOpsURL(raw, env.getenv(envAlertOpsURL))
		if err != nil {
			return c, err
		}
		if err := alertops.ValidateWebhookURL(u); err != nil {
			return c, configErrorf("AlertOps webhook URL: %v", err)
		}
		t := target{sink: delivery.SinkAlertOps, webhookURL: u, proxy: proxySetting, ignoreSSL: ignoreSSL, urlPrefix: urlPrefix}
		if !seen[t.spoolName()] {
			seen[t.spoolName()] = true
			c.targets = append(c.targets, t)
		}
	}
	return c, nil
}

// hasParam reports whether the rule carries PARAMETER_<key> in any encoding.
func hasParam(p checkmk.Parameters, key string) bool {
	for _, k := range p.Keys() {
		if k == key || strings.HasPrefix(k, key+"_") {
			return true
		}
	}
	return false
}

// resolvePassword decodes a password parameter and reads it from the site's password store
// when the rule refers to one.
func resolvePassword(ctx context.Context, p checkmk.Parameters, key string, n *checkmk.Notification, env *environment) (string, error) {
	pw, err := p.Password(key)
	if err != nil {
		return "", configErrorf("PARAMETER_%s: %v", key, err)
	}
	var store *checkmk.PasswordStore
	if pw.IsStored() {
		root := n.SiteRoot
		if root == "" {
			root = env.getenv("OMD_ROOT")
		}
		if root == "" {
			return "", configErrorf("PARAMETER_%s refers to the password store, but OMD_ROOT is not set", key)
		}
		store = env.passwordStore(root)
	}
	secret, err := pw.Resolve(ctx, store)
	if err != nil {
		return "", configErrorf("PARAMETER_%s: %v", key, err)
	}
	if secret.IsZero() {
		return "", configErrorf("PARAMETER_%s is empty", key)
	}
	return secret.Reveal(), nil
}

// overrideAlertOpsURL replaces scheme and host of a webhook URL with those of override.
func overrideAlertOpsURL(raw, override string) (string, error) {
	if override == "" {
		return raw, nil
	}
	o, err := httpx.ParseHTTPURL(override)
	if err != nil {
		return "", configErrorf("%s must be an http or https URL", envAlertOpsURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", configErrorf("AlertOps webhook URL does not parse")
	}
	u.Scheme, u.Host = o.Scheme, o.Host
	return u.String(), nil
}

func parseSwitch(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "on", "yes", "true", "1":
		return true, nil
	case "off", "no", "false", "0":
		return false, nil
	}
	return false, errors.New("use on or off")
}

func parseDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		// Plain seconds, as many users will write them.
		n, nerr := strconv.Atoi(v)
		if nerr != nil {
			return 0, errors.New("not a duration such as 10s or 2m")
		}
		d = time.Duration(n) * time.Second
	}
	if d <= 0 {
		return 0, errors.New("must be positive")
	}
	return d, nil
}

// safeValue quotes a value for an error message only when it is a short word of letters
// (a mistyped mode or priority), which cannot be a key; anything else is left out.
func safeValue(v string) string {
	if len(v) > 12 || v == "" {
		return "(value not shown)"
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') {
			return "(value not shown)"
		}
	}
	return strconv.Quote(v)
}

// defaultSpoolDir is the queue of the site, or a private directory outside a site.
func defaultSpoolDir(env *environment) string {
	if v := env.getenv(envSpoolDir); v != "" {
		return v
	}
	if root := env.getenv("OMD_ROOT"); root != "" {
		return filepath.Join(root, "var", "alertbridge", "spool")
	}
	tmp := env.getenv("TMPDIR")
	if tmp == "" {
		tmp = "/tmp"
	}
	return filepath.Join(tmp, fmt.Sprintf("alertbridge-%d", os.Getuid()), "spool")
}

// passwordStore returns the site's password store, one per run and site: a store decrypts
// its file once (deliberately slow key derivation), and a bulk may need it many times.
func (env *environment) passwordStore(root string) *checkmk.PasswordStore {
	if env.stores == nil {
		env.stores = map[string]*checkmk.PasswordStore{}
	}
	if s, ok := env.stores[root]; ok {
		return s
	}
	s := checkmk.NewPasswordStore(root)
	env.stores[root] = s
	return s
}
