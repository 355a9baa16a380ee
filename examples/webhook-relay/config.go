package main

import (
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/healthchecks"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/spool"
	"github.com/alertbridge/alertbridge/level"
)

// envPrefix starts the name of every environment variable the relay reads.
const envPrefix = "ALERTBRIDGE_"

// config is the relay's configuration, from flags and the environment.
type config struct {
	Listen string

	// HealthchecksPath, LevelPath and ILertPath are the webhook paths; "" disables one.
	// The iLert webhook (two-way sync) is served only when the Checkmk API is configured.
	HealthchecksPath string
	LevelPath        string
	ILertPath        string

	// Destinations. ILertKey and AlertOpsURL are secrets; "" disables a destination.
	ILertKey    string
	ILertURL    string
	AlertOpsURL string

	// Level signature secrets, current first; LevelUnsigned accepts unsigned webhooks.
	LevelSecrets  []level.Secret
	LevelUnsigned bool

	// HealthchecksBodyStatus takes the status from the body when Check-Status is missing.
	HealthchecksBodyStatus bool

	// Two-way sync: iLert's alert webhook into Checkmk's REST API.
	TwoWay

	QueueDir     string
	MaxAge       time.Duration // how long a request may stay queued
	SendTimeout  time.Duration // bounds one request to a destination
	DeliverWait  time.Duration // how long a webhook waits for its delivery before 200
	PollInterval time.Duration // how often an idle destination's queue is checked
	MaxBackoff   time.Duration // the longest wait between retries of a failing destination

	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	ShutdownTimeout   time.Duration

	HealthchecksMaxBody int64
	LevelMaxBody        int64
	ILertMaxBody        int64

	// MaxInFlight bounds the webhooks in progress at once, MaxInFlightBytes the sum of
	// their bodies (as declared by Content-Length, or the endpoint's limit without one);
	// beyond either the relay answers 503 with Retry-After at once. 0 means no limit.
	MaxInFlight      int
	MaxInFlightBytes int64

	LogLevel string
	Demo     bool

	// Warnings are problems of the configuration that do not stop the relay (a secret
	// file of an older kind that others may read); run logs each at start. They name
	// files and flags, never a secret.
	Warnings []string
}

// TwoWay is the configuration of the way back: iLert's alert webhook on ILertPath, and
// the Checkmk site whose REST API acknowledges and comments.
type TwoWay struct {
	// ILertWebhookUser and ILertWebhookPassword are the Basic credentials iLert's alert
	// action sends (secrets); ILertAllowUnauthenticated accepts webhooks without.
	ILertWebhookUser          string
	ILertWebhookPassword      string
	ILertAllowUnauthenticated bool

	// CheckmkURL is the site's URL, https://HOST/SITE/ ("" turns two-way sync off);
	// CheckmkUser and CheckmkSecret (a secret) the automation user.
	CheckmkURL    string
	CheckmkUser   string
	CheckmkSecret string
	// CheckmkCAFile names PEM certificates to trust for the site besides the system's;
	// CheckmkRoots holds them once read.
	CheckmkCAFile string
	CheckmkRoots  *x509.CertPool
	// CheckmkSites are the sites the relay acts for: the URL's site and the -checkmk-sites.
	CheckmkSites []string

	// How iLert's events become Checkmk actions (checkmk.ILertWebhookOptions).
	AckNotify          bool
	Persistent         bool
	RemoveAckOnResolve bool
	AlertURLTemplate   string
	AlertSourceIDs     []int64
}

// twoWay reports whether the way back from iLert to Checkmk is configured.
func (c *config) twoWay() bool { return c.CheckmkURL != "" }

// secrets returns every secret in the configuration, for redaction and tests. The iLert
// webhook's user name is read like a secret (never from the command line) but is not
// redacted: a short name such as "ilert" would blank out words of every log line.
func (c *config) secrets() []string {
	s := []string{c.ILertKey, c.AlertOpsURL, c.ILertWebhookPassword, c.CheckmkSecret}
	for _, sec := range c.LevelSecrets {
		s = append(s, string(sec))
	}
	return slices.DeleteFunc(s, func(v string) bool { return v == "" })
}

// envName is the environment variable of a flag: ALERTBRIDGE_ and the name in upper case
// with '-' as '_'.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseConfig reads the configuration from the command-line arguments (without the
// program name) and the environment; a flag given on the command line wins over its
// variable. Secrets come only from variables or files. With -h it writes the usage to
// out and returns flag.ErrHelp.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("webhook-relay", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.Listen, "listen", "127.0.0.1:8080", "`address` to listen on (host:port)")
	fs.StringVar(&c.HealthchecksPath, "healthchecks-path", "/healthchecks", "`path` of the Healthchecks.io webhook; \"off\" or empty disables it")
	fs.StringVar(&c.LevelPath, "level-path", "/level", "`path` of the Level.io webhook; \"off\" or empty disables it")
	fs.StringVar(&c.ILertPath, "ilert-path", "/ilert", "`path` of iLert's alert webhook (two-way sync, served when the Checkmk API is configured); \"off\" or empty disables it")
	fs.StringVar(&c.ILertURL, "ilert-url", ilert.DefaultBaseURL, "iLert API base `URL`")
	fs.BoolVar(&c.LevelUnsigned, "level-allow-unsigned", false, "accept Level webhooks without a signature when no Level secret is set (not recommended)")
	fs.BoolVar(&c.HealthchecksBodyStatus, "healthchecks-body-status", false, "take the status from the body when the Check-Status header is missing")
	fs.StringVar(&c.QueueDir, "queue-dir", "", "`directory` of the durable queue (required; may be shared with the Checkmk notifier)")
	fs.DurationVar(&c.MaxAge, "max-age", spool.DefaultMaxAge, "how long an undeliverable request stays queued before it moves to failed/")
	fs.DurationVar(&c.SendTimeout, "send-timeout", 10*time.Second, "timeout of one request to iLert or AlertOps")
	fs.DurationVar(&c.DeliverWait, "deliver-wait", 2*time.Second, "how long a webhook waits for its delivery before it is answered as queued")
	fs.DurationVar(&c.PollInterval, "poll-interval", 30*time.Second, "how often the queue is checked for requests of other processes")
	fs.DurationVar(&c.MaxBackoff, "max-backoff", 5*time.Minute, "longest wait between retries of a failing destination")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", 5*time.Second, "HTTP server: time to read request headers")
	fs.DurationVar(&c.ReadTimeout, "read-timeout", 15*time.Second, "HTTP server: time to read a whole request")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", 30*time.Second, "HTTP server: time from the end of the headers to the end of the answer")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", 60*time.Second, "HTTP server: how long an idle keep-alive connection stays open")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 20*time.Second, "on SIGINT/SIGTERM: time to finish requests and a last delivery")
	fs.Int64Var(&c.HealthchecksMaxBody, "healthchecks-max-body", healthchecks.DefaultMaxBodyBytes, "largest Healthchecks body in `bytes`")
	fs.Int64Var(&c.LevelMaxBody, "level-max-body", level.DefaultMaxBodyBytes, "largest Level body in `bytes`")
	fs.Int64Var(&c.ILertMaxBody, "ilert-max-body", ilert.DefaultAlertWebhookMaxBodyBytes, "largest body of iLert's alert webhook in `bytes`")
	fs.IntVar(&c.MaxInFlight, "max-in-flight", defaultMaxInFlight, "most webhooks in progress at once; beyond, 503 with Retry-After at once (0: no limit)")
	fs.Int64Var(&c.MaxInFlightBytes, "max-in-flight-bytes", defaultMaxInFlightBytes, "most `bytes` of webhook bodies in progress at once, by Content-Length (the endpoint's limit without one); beyond, 503 with Retry-After (0: no limit)")
	fs.BoolVar(&c.ILertAllowUnauthenticated, "ilert-allow-unauthenticated", false, "accept iLert webhooks without Basic credentials when none are set (not recommended)")
	fs.StringVar(&c.CheckmkURL, "checkmk-url", "", "`URL` of the Checkmk site for two-way sync, https://HOST/SITE/ (the REST API path is added)")
	fs.StringVar(&c.CheckmkUser, "checkmk-user", "", "Checkmk automation `user` for two-way sync (needs the permissions action.acknowledge and action.addcomment)")
	fs.StringVar(&c.CheckmkCAFile, "checkmk-ca-file", "", "`file` of PEM certificates to trust for the Checkmk site, besides the system's")
	sites := fs.String("checkmk-sites", "", "further `sites` (comma-separated) whose alerts the Checkmk URL's site acts for (distributed monitoring); the URL's site is always served")
	fs.BoolVar(&c.AckNotify, "checkmk-ack-notify", false, "acknowledge with notification (Checkmk then notifies iLert of an alert already accepted there)")
	fs.BoolVar(&c.Persistent, "checkmk-persistent", false, "make acknowledgements and comments persistent (they survive core restarts)")
	fs.BoolVar(&c.RemoveAckOnResolve, "checkmk-remove-ack-on-resolve", false, "remove the acknowledgement when the iLert alert is resolved (Checkmk 2.4.0p6 and later)")
	fs.StringVar(&c.AlertURLTemplate, "ilert-alert-url", "", "`template` of the link to an iLert alert for Checkmk comments, {id} replaced by the alert id, e.g. https://acme.ilert.com/alert/view?id={id}")
	sources := fs.String("ilert-alert-sources", "", "act only on alerts of these iLert alert source `ids` (comma-separated; those the notifier feeds in events mode)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log `level`: debug, info, warn or error")
	fs.BoolVar(&c.Demo, "demo", false, "run against built-in fake iLert, AlertOps and Checkmk servers, post the sample webhooks and an iLert acknowledgement, print what arrived and exit")
	files := make(map[string]*string, len(secretSourcesInOrder))
	for _, s := range secretSourcesInOrder {
		files[s.fileFlag] = fs.String(s.fileFlag, "", "`file` holding the "+s.usage)
	}
	fs.Usage = func() { usage(fs, out) }

	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (every setting is a flag)", fs.Arg(0))
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := lookupEnv(getenv, envName(f.Name)); ok && !onCommandLine[f.Name] {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", envName(f.Name), err))
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	for _, p := range []*string{&c.HealthchecksPath, &c.LevelPath, &c.ILertPath} {
		if *p == "off" { // an empty variable counts as unset, so "off" disables by env
			*p = ""
		}
	}

	read := func(s secretSource) string {
		v, warning, err := readSecret(s, *files[s.fileFlag], onCommandLine[s.fileFlag], getenv)
		if err != nil {
			errs = append(errs, err)
		}
		if warning != "" {
			c.Warnings = append(c.Warnings, warning)
		}
		return v
	}
	c.ILertKey = read(ilertKeySource)
	c.AlertOpsURL = read(alertOpsURLSource)
	for _, s := range []secretSource{levelSecretSource, levelPreviousSource} {
		if v := read(s); v != "" {
			c.LevelSecrets = append(c.LevelSecrets, level.Secret(v))
		}
	}
	c.ILertWebhookUser = read(ilertWebhookUser)
	c.ILertWebhookPassword = read(ilertWebhookPassword)
	c.CheckmkSecret = read(checkmkSecretSource)
	if c.CheckmkURL != "" {
		site, err := siteOfURL(c.CheckmkURL)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", envName("checkmk-url"), err))
		}
		c.CheckmkSites = []string{site}
	}
	for _, site := range splitList(*sites) {
		if !validSiteName(site) {
			errs = append(errs, fmt.Errorf("-checkmk-sites: %q is not a Checkmk site name", site))
		} else if !slices.Contains(c.CheckmkSites, site) {
			c.CheckmkSites = append(c.CheckmkSites, site)
		}
	}
	for _, id := range splitList(*sources) {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("-ilert-alert-sources: %q is not an alert source id", id))
			continue
		}
		c.AlertSourceIDs = append(c.AlertSourceIDs, n)
	}
	if c.CheckmkCAFile != "" {
		roots, err := readRoots(c.CheckmkCAFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("-checkmk-ca-file: %w", err))
		}
		c.CheckmkRoots = roots
	}
	if (onCommandLine["ilert-path"] || getenv(envName("ilert-path")) != "") && c.ILertPath != "" && !c.twoWay() && !c.Demo {
		errs = append(errs, fmt.Errorf("-ilert-path is set but the Checkmk API is not: set %s, %s and %s (or -%s) for two-way sync",
			envName("checkmk-url"), envName("checkmk-user"), envPrefix+checkmkSecretSource.env, checkmkSecretSource.fileFlag))
	}
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	return c, c.validate()
}

// splitList splits a comma-separated list, dropping empty entries and space.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// siteOfURL returns the site a Checkmk URL names: the first segment of its path
// (https://HOST/SITE/...).
func siteOfURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", errors.New("not an http or https URL of the form https://HOST/SITE/")
	}
	site, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if !validSiteName(site) {
		return "", errors.New("the URL names no site: use https://HOST/SITE/")
	}
	return site, nil
}

// validSiteName reports an OMD site name: a letter or underscore, then up to 15 letters,
// digits or underscores.
func validSiteName(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		case '0' <= r && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// readRoots returns the system's certificate pool with the PEM certificates of file added.
func readRoots(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return roots, nil
}

// lookupEnv returns a variable's value and whether it is set and not empty.
func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// usage writes the help text: what the relay does, every flag with its variable, and
// the secrets.
func usage(fs *flag.FlagSet, out io.Writer) {
	fmt.Fprint(out, `Usage: webhook-relay [flags]

Receives Healthchecks.io and Level.io webhooks and forwards them to iLert (Events API)
and/or AlertOps, and iLert's alert webhook into Checkmk's REST API (two-way sync:
accepting an alert in iLert acknowledges the problem in Checkmk, comments follow). A
webhook is answered 200 only once it is delivered or durably queued; queued requests are
retried until delivered.

Flags (each may also be set by the environment variable shown; a flag wins):
`)
	fs.VisitAll(func(f *flag.Flag) {
		name, use := flag.UnquoteUsage(f)
		line := "  -" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintf(out, "%s\n    \t%s\n    \tenv %s", line, use, envName(f.Name))
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(out, ", default %s", f.DefValue)
		}
		fmt.Fprintln(out)
	})
	fmt.Fprint(out, "\nSecrets are never taken from the command line (other users can read it) and never\nprinted. Set each in its variable or in a file named by its -…-file flag:\n")
	for _, s := range secretSourcesInOrder {
		fmt.Fprintf(out, "  %-34s or -%s: %s\n", envPrefix+s.env, s.fileFlag, s.usage)
	}
	fmt.Fprint(out, "The files of the last three must be private (chmod 600); their content is used as it\nis but for a trailing newline.\n")
	fmt.Fprint(out, `
Endpoints: POST <healthchecks-path>, POST <level-path>, POST <ilert-path> (with the
Checkmk API), GET /healthz, GET /metrics (Prometheus text format).
HTTPS_PROXY and NO_PROXY are honoured for the connections to iLert, AlertOps and Checkmk.
`)
}
