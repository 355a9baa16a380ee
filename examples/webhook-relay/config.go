package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
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

	// HealthchecksPath and LevelPath are the webhook paths; "" disables one.
	HealthchecksPath string
	LevelPath        string

	// Destinations. ILertKey and AlertOpsURL are secrets; "" disables a destination.
	ILertKey    string
	ILertURL    string
	AlertOpsURL string

	// Level signature secrets, current first; LevelUnsigned accepts unsigned webhooks.
	LevelSecrets  []level.Secret
	LevelUnsigned bool

	// HealthchecksBodyStatus takes the status from the body when Check-Status is missing.
	HealthchecksBodyStatus bool

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

	LogLevel string
	Demo     bool
}

// secrets returns every secret in the configuration, for redaction and tests.
func (c *config) secrets() []string {
	s := []string{c.ILertKey, c.AlertOpsURL}
	for _, sec := range c.LevelSecrets {
		s = append(s, string(sec))
	}
	return s
}

// secretSource is a secret read from an environment variable or a file.
type secretSource struct {
	env      string // ALERTBRIDGE_… holding the value
	fileFlag string // the flag (and, with _FILE, the variable) naming a file with it
	usage    string
}

var (
	ilertKeySource       = secretSource{"ILERT_KEY", "ilert-key-file", "iLert integration key (API alert source) for the Events API"}
	alertOpsURLSource    = secretSource{"ALERTOPS_URL", "alertops-url-file", "AlertOps inbound integration URL (it contains the key)"}
	levelSecretSource    = secretSource{"LEVEL_SECRET", "level-secret-file", "Level webhook secret"}
	levelPreviousSource  = secretSource{"LEVEL_PREVIOUS_SECRET", "level-previous-secret-file", "previous Level webhook secret, accepted during a rotation"}
	secretSourcesInOrder = []secretSource{ilertKeySource, alertOpsURLSource, levelSecretSource, levelPreviousSource}
)

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
	fs.StringVar(&c.LogLevel, "log-level", "info", "log `level`: debug, info, warn or error")
	fs.BoolVar(&c.Demo, "demo", false, "run against built-in fake iLert and AlertOps servers, post the sample webhooks, print what arrived and exit")
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
	for _, p := range []*string{&c.HealthchecksPath, &c.LevelPath} {
		if *p == "off" { // an empty variable counts as unset, so "off" disables by env
			*p = ""
		}
	}

	read := func(s secretSource) string {
		v, err := readSecret(s, *files[s.fileFlag], onCommandLine[s.fileFlag], getenv)
		if err != nil {
			errs = append(errs, err)
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
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	return c, c.validate()
}

// lookupEnv returns a variable's value and whether it is set and not empty.
func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// readSecret returns a secret from the file named by its flag (on the command line, or
// in ALERTBRIDGE_…_FILE) or from its variable. A file flag on the command line wins;
// both variables set is an error, as is an empty or unreadable file. Errors name the
// file and the variable, never the value.
func readSecret(s secretSource, file string, fileOnCommandLine bool, getenv func(string) string) (string, error) {
	value, hasValue := lookupEnv(getenv, envPrefix+s.env)
	if file != "" && !fileOnCommandLine && hasValue {
		return "", fmt.Errorf("both %s and %s are set; set one", envPrefix+s.env, envName(s.fileFlag))
	}
	if file == "" {
		return strings.TrimSpace(value), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("-%s: %w", s.fileFlag, err)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fmt.Errorf("-%s: %s is empty", s.fileFlag, file)
	}
	return v, nil
}

// validate checks the configuration as a whole.
func (c *config) validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.HealthchecksPath == "" && c.LevelPath == "" {
		add("both webhook paths are disabled; set -healthchecks-path or -level-path")
	}
	for _, p := range []struct{ flag, path string }{{"healthchecks-path", c.HealthchecksPath}, {"level-path", c.LevelPath}} {
		switch {
		case p.path == "":
		case !strings.HasPrefix(p.path, "/") || strings.ContainsAny(p.path, " {}?#"):
			add("-%s %q must be a plain path starting with /", p.flag, p.path)
		case p.path == healthPath:
			add("-%s must not be %s, the health endpoint", p.flag, healthPath)
		}
	}
	if c.HealthchecksPath != "" && c.HealthchecksPath == c.LevelPath {
		add("-healthchecks-path and -level-path are both %q", c.LevelPath)
	}
	if !c.Demo {
		if c.ILertKey == "" && c.AlertOpsURL == "" {
			add("no destination: set %s (or -%s) and/or %s (or -%s)",
				envPrefix+ilertKeySource.env, ilertKeySource.fileFlag, envPrefix+alertOpsURLSource.env, alertOpsURLSource.fileFlag)
		}
		if c.QueueDir == "" {
			add("-queue-dir (%s) is required: webhooks are queued there until delivered", envName("queue-dir"))
		}
		if c.LevelPath != "" && len(c.LevelSecrets) == 0 && !c.LevelUnsigned {
			add("the Level webhook has no secret: set %s (or -%s), or pass -level-allow-unsigned",
				envPrefix+levelSecretSource.env, levelSecretSource.fileFlag)
		}
	}
	if c.AlertOpsURL != "" {
		if err := alertops.ValidateWebhookURL(c.AlertOpsURL); err != nil {
			add("%s: %w", envPrefix+alertOpsURLSource.env, err)
		}
	}
	if strings.ContainsAny(c.ILertKey, " \t\r\n/") {
		add("%s: the integration key contains white space or '/'", envPrefix+ilertKeySource.env)
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{
		{"max-age", c.MaxAge}, {"send-timeout", c.SendTimeout}, {"poll-interval", c.PollInterval},
		{"max-backoff", c.MaxBackoff}, {"read-header-timeout", c.ReadHeaderTimeout},
		{"read-timeout", c.ReadTimeout}, {"write-timeout", c.WriteTimeout},
		{"idle-timeout", c.IdleTimeout}, {"shutdown-timeout", c.ShutdownTimeout},
	} {
		if d.v <= 0 {
			add("-%s must be positive, got %v", d.flag, d.v)
		}
	}
	if c.DeliverWait < 0 {
		add("-deliver-wait must not be negative, got %v", c.DeliverWait)
	}
	if c.WriteTimeout > 0 && c.DeliverWait >= c.WriteTimeout {
		add("-deliver-wait (%v) must be shorter than -write-timeout (%v)", c.DeliverWait, c.WriteTimeout)
	}
	if c.HealthchecksMaxBody <= 0 || c.LevelMaxBody <= 0 {
		add("-healthchecks-max-body and -level-max-body must be positive")
	}
	if _, err := parseLogLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// usage writes the help text: what the relay does, every flag with its variable, and
// the secrets.
func usage(fs *flag.FlagSet, out io.Writer) {
	fmt.Fprint(out, `Usage: webhook-relay [flags]

Receives Healthchecks.io and Level.io webhooks and forwards them to iLert (Events API)
and/or AlertOps. A webhook is answered 200 only once it is delivered or durably queued;
queued requests are retried until delivered.

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
	fmt.Fprint(out, `
Endpoints: POST <healthchecks-path>, POST <level-path>, GET /healthz.
HTTPS_PROXY and NO_PROXY are honoured for the connections to iLert and AlertOps.
`)
}
