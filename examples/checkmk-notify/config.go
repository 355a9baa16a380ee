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
	"syscall"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/httpx"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// Environment variables that point the notifier elsewhere (tests, private gateways).
const (
	envILertURL    = "ALERTBRIDGE_ILERT_URL"
	envAlertOpsURL = "ALERTBRIDGE_ALERTOPS_URL"
	envSpoolDir    = "ALERTBRIDGE_SPOOL_DIR"
	// envRetrier=off turns the background retrier off, as --no-retrier does (for sites
	// that run flush from cron; the tests set it wherever they do not test the retrier).
	envRetrier = "ALERTBRIDGE_RETRIER"
	// envRetrierSchedule replaces the retrier's schedule (retrySchedule), for tests only:
	// durations separated by commas, the last one repeated.
	envRetrierSchedule = "ALERTBRIDGE_RETRIER_SCHEDULE"
	// envRetrierLifetime bounds how long a retrier runs, for tests only: should a test
	// binary crash before it can stop the retriers it started, they end by themselves.
	envRetrierLifetime = "ALERTBRIDGE_RETRIER_LIFETIME"
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
	rate       spool.Rate     // ilert_rate=: the pacing of an iLert key; off for AlertOps
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

// config is what a notification's rule asks for.
type config struct {
	form     ruleForm // where the settings came from
	targets  []target
	spool    bool
	spoolDir string
	retrier  bool // start a background retrier when requests stay queued (retrier=on|off)
	timeout  time.Duration
	budget   time.Duration
	maxAge   time.Duration
}

// defaultILertRate is iLert's own limit: 50 events per minute per alert source
// (integration key), counted in fixed one-minute windows.
var defaultILertRate = spool.Rate{N: 50, Per: time.Minute}

// noDestinationHelp says what to configure when a rule names no destination.
const noDestinationHelp = "no destination configured: a rule form needs the iLert alert source API key " +
	"(PARAMETER_ILERT_API_KEY) or the AlertOps webhook URL (PARAMETER_ALERTOPS_WEBHOOK_URL); a custom " +
	"script needs the script parameters ilert=<API key> and/or alertops=<webhook URL>"

// builder gathers a rule's settings into a config.
type builder struct {
	c            config
	ilertKeys    []string
	alertopsURLs []setting // value: the URL; origin for later errors
	mode         delivery.Sink
	bareKey      bool
	proxy        checkmk.Proxy
	ignoreSSL    bool
	priority     ilert.Priority
	urlPrefix    string
	rate         spool.Rate
}

// configure reads the destinations and settings from a notification's rule: the
// alertbridge form, the built-in iLert form, the AlertOps form or a custom script's
// parameters (see ruleFormOf). Each is turned into settings that apply reads.
func configure(ctx context.Context, n *checkmk.Notification, env *environment) (config, error) {
	p := n.Parameters()
	form, err := ruleFormOf(p)
	if err != nil {
		return config{}, err
	}
	var items []setting
	switch form {
	case formScript:
		items, err = scriptSettings(p.List())
	case formNone:
	default:
		items, err = formSettings(ctx, form, n, env)
	}
	if err != nil {
		return config{form: form}, err
	}
	b := &builder{c: config{form: form, spool: true, retrier: true}, rate: defaultILertRate}
	for _, s := range items {
		if err := b.apply(s); err != nil {
			return b.c, err
		}
	}
	return b.finish(env)
}

// apply reads one setting. The names are those of the custom script's parameters (see
// the help text); the form's fields are translated into them.
func (b *builder) apply(s setting) error {
	c := &b.c
	name, value := s.name, s.value
	var err error
	switch name {
	case "ilert":
		if value == "" {
			return s.errorf("ilert= needs the API key of an iLert alert source")
		}
		b.ilertKeys = append(b.ilertKeys, value)
		b.bareKey = b.bareKey || s.bare
	case "alertops":
		if verr := alertops.ValidateWebhookURL(value); verr != nil {
			return s.detailf("not an AlertOps webhook URL (%s); use the inbound integration's URL, "+
				"https://notify.alertops.com/POSTAlert/KEY/NAME", "it does not parse", verr)
		}
		b.alertopsURLs = append(b.alertopsURLs, s)
	case "ilert_mode":
		switch value {
		case "checkmk":
			b.mode = delivery.SinkILertCheckmk
		case "events":
			b.mode = delivery.SinkILert
		case "nagios":
			b.mode = delivery.SinkILertNagios
		default:
			return s.errorf("%s is not a mode; use checkmk, events or nagios", safeValue(value))
		}
	case "ilert_priority":
		b.priority = ilert.Priority(strings.ToUpper(value))
		if !b.priority.Valid() {
			return s.errorf("%s is not a priority; use HIGH or LOW", safeValue(value))
		}
	case "spool":
		c.spool, err = parseSwitch(value)
	case "retrier":
		c.retrier, err = parseSwitch(value)
	case "ilert_rate":
		r, perr := spool.ParseRate(value)
		if perr != nil {
			// ParseRate's error quotes the value; this one must not.
			return s.errorf("not a rate; use N (per minute, at most %d), N/DURATION such as 5/10s, or 0 to turn pacing off", spool.MaxRateN)
		}
		b.rate = r
	case "spool_dir":
		if value == "" || !filepath.IsAbs(value) {
			return s.errorf("must be an absolute directory, such as /omd/sites/mysite/var/alertbridge/spool")
		}
		c.spoolDir = value
	case "url_prefix":
		if _, perr := httpx.ParseHTTPURL(value); perr != nil {
			return s.errorf("must be the http or https URL of the site, such as https://cmk.example.com/mysite/")
		}
		b.urlPrefix = value
	case "ignore_ssl":
		b.ignoreSSL, err = parseSwitch(value)
	case "proxy":
		if b.proxy, err = checkmk.ParseProxy(value, true); err != nil {
			return s.errorf("not a usable proxy; use FROM_ENVIRONMENT, NO_PROXY or http://[user:password@]host:port")
		}
	case "timeout":
		c.timeout, err = parseDuration(value)
	case "budget":
		c.budget, err = parseDuration(value)
	case "max_age":
		c.maxAge, err = parseDuration(value)
	default:
		return s.unknown()
	}
	if err != nil {
		return s.errorf(strings.ReplaceAll(err.Error(), "%", "%%"))
	}
	return nil
}

// finish checks that the rule names a destination and makes its targets.
func (b *builder) finish(env *environment) (config, error) {
	c := b.c
	if len(b.ilertKeys) == 0 && len(b.alertopsURLs) == 0 {
		return c, configErrorf(noDestinationHelp)
	}
	mode := b.mode
	if mode == "" {
		mode = delivery.SinkILertCheckmk
		if b.bareKey {
			mode = delivery.SinkILertNagios // the 1.x plug-in's alert sources are of type Nagios / Icinga
		}
	}
	proxySetting := ""
	switch b.proxy.Mode() {
	case checkmk.ProxyNone:
		proxySetting = delivery.NoProxy
	case checkmk.ProxyExplicit:
		proxySetting = b.proxy.URL().String()
	}
	base := ilert.DefaultBaseURL
	if v := env.getenv(envILertURL); v != "" {
		if _, err := httpx.ParseHTTPURL(v); err != nil {
			return c, configErrorf(envILertURL + " must be an http or https URL")
		}
		base = strings.TrimRight(v, "/")
	}
	seen := map[string]bool{}
	for _, key := range b.ilertKeys {
		t := target{sink: mode, key: key, baseURL: base, proxy: proxySetting, ignoreSSL: b.ignoreSSL,
			priority: b.priority, urlPrefix: b.urlPrefix, rate: b.rate}
		if !seen[t.spoolName()] {
			seen[t.spoolName()] = true
			c.targets = append(c.targets, t)
		}
	}
	for _, s := range b.alertopsURLs {
		u, err := overrideAlertOpsURL(s.value, env.getenv(envAlertOpsURL))
		if err != nil {
			return c, err
		}
		if verr := alertops.ValidateWebhookURL(u); verr != nil {
			return c, s.detailf("not an AlertOps webhook URL after "+envAlertOpsURL+" replaced scheme and host (%s)",
				"it does not parse", verr, u)
		}
		t := target{sink: delivery.SinkAlertOps, webhookURL: u, proxy: proxySetting, ignoreSSL: b.ignoreSSL, urlPrefix: b.urlPrefix}
		if !seen[t.spoolName()] {
			seen[t.spoolName()] = true
			c.targets = append(c.targets, t)
		}
	}
	return c, nil
}

// overrideAlertOpsURL replaces scheme and host of a webhook URL with those of override.
func overrideAlertOpsURL(raw, override string) (string, error) {
	if override == "" {
		return raw, nil
	}
	o, err := httpx.ParseHTTPURL(override)
	if err != nil {
		return "", configErrorf(envAlertOpsURL + " must be an http or https URL")
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

// defaultSpoolDir is the queue directory when neither the rule nor a flag names one:
// $ALERTBRIDGE_SPOOL_DIR; in a site $OMD_ROOT/var/alertbridge/spool; else under the user's
// own state directory, $XDG_STATE_HOME/alertbridge/spool or
// $HOME/.local/state/alertbridge/spool; only without a usable home directory
// $TMPDIR/alertbridge-<uid>/spool (/tmp when TMPDIR is not set), which the queue's trust
// check then has to accept (another local user may have created that path first).
func defaultSpoolDir(env *environment) string {
	if v := env.getenv(envSpoolDir); v != "" {
		return v
	}
	if root := env.getenv("OMD_ROOT"); root != "" {
		return filepath.Join(root, "var", "alertbridge", "spool")
	}
	// The XDG base directory specification: a relative path is to be ignored.
	if state := env.getenv("XDG_STATE_HOME"); filepath.IsAbs(state) {
		return filepath.Join(state, "alertbridge", "spool")
	}
	if home := env.getenv("HOME"); usableHome(home) {
		return filepath.Join(home, ".local", "state", "alertbridge", "spool")
	}
	tmp := env.getenv("TMPDIR")
	if !filepath.IsAbs(tmp) {
		tmp = "/tmp"
	}
	return filepath.Join(tmp, fmt.Sprintf("alertbridge-%d", os.Geteuid()), "spool")
}

// usableHome reports whether home can hold the user's state: an absolute path to an
// existing directory of this user. Accounts without a home (HOME unset, /nonexistent, a
// directory of root's for a daemon user) fall back to $TMPDIR.
func usableHome(home string) bool {
	if !filepath.IsAbs(home) {
		return false
	}
	fi, err := os.Stat(home)
	if err != nil || !fi.IsDir() {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
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
