package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/checkmk"
)

// The defaults of the limits on webhooks in progress. The bytes bound memory: 1,000 slow
// clients each holding a 1 MiB body leave the relay under 50 MiB resident, 16 of them
// taken and the others answered 503 at once (BenchmarkSlowClients); webhooks of a few
// kilobytes, as Healthchecks, Level and iLert send, meet the count first.
const (
	defaultMaxInFlight      = 256
	defaultMaxInFlightBytes = 16 << 20
)

// validate checks the configuration as a whole.
func (c *config) validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	ilertPath := c.ILertPath
	if !c.twoWay() && !c.Demo {
		ilertPath = "" // not served
	}
	if c.HealthchecksPath == "" && c.LevelPath == "" && ilertPath == "" {
		add("every webhook path is disabled; set -healthchecks-path, -level-path or (with the Checkmk API) -ilert-path")
	}
	paths := map[string]string{}
	for _, p := range []struct{ flag, path string }{{"healthchecks-path", c.HealthchecksPath}, {"level-path", c.LevelPath}, {"ilert-path", ilertPath}} {
		switch {
		case p.path == "":
			continue
		case !strings.HasPrefix(p.path, "/") || strings.ContainsAny(p.path, " {}?#"):
			add("-%s %q must be a plain path starting with /", p.flag, p.path)
		case p.path == healthPath:
			add("-%s must not be %s, the health endpoint", p.flag, healthPath)
		case p.path == metricsPath:
			add("-%s must not be %s, the metrics endpoint", p.flag, metricsPath)
		}
		if other, ok := paths[p.path]; ok {
			add("-%s and -%s are both %q", other, p.flag, p.path)
		}
		paths[p.path] = p.flag
	}
	if !c.Demo {
		forwards := c.ILertKey != "" || c.AlertOpsURL != ""
		switch {
		case !forwards && !c.twoWay():
			add("no destination: set %s (or -%s) and/or %s (or -%s), or the Checkmk API (%s) for two-way sync",
				envPrefix+ilertKeySource.env, ilertKeySource.fileFlag, envPrefix+alertOpsURLSource.env, alertOpsURLSource.fileFlag,
				envName("checkmk-url"))
		case !forwards && (c.HealthchecksPath != "" || c.LevelPath != ""):
			add("the Healthchecks and Level webhooks have no destination: set %s and/or %s, or disable them with -healthchecks-path off -level-path off",
				envPrefix+ilertKeySource.env, envPrefix+alertOpsURLSource.env)
		}
		if c.QueueDir == "" {
			add("-queue-dir (%s) is required: webhooks are queued there until delivered", envName("queue-dir"))
		}
		if c.LevelPath != "" && len(c.LevelSecrets) == 0 && !c.LevelUnsigned {
			add("the Level webhook has no secret: set %s (or -%s), or pass -level-allow-unsigned",
				envPrefix+levelSecretSource.env, levelSecretSource.fileFlag)
		}
		errs = append(errs, c.validateTwoWay(ilertPath))
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
	if c.HealthchecksMaxBody <= 0 || c.LevelMaxBody <= 0 || c.ILertMaxBody <= 0 {
		add("-healthchecks-max-body, -level-max-body and -ilert-max-body must be positive")
	}
	if c.MaxInFlight < 0 || c.MaxInFlightBytes < 0 {
		add("-max-in-flight and -max-in-flight-bytes must not be negative (0 means no limit)")
	}
	if largest := max(c.HealthchecksMaxBody, c.LevelMaxBody, c.ILertMaxBody); c.MaxInFlightBytes > 0 && c.MaxInFlightBytes < largest {
		add("-max-in-flight-bytes (%d) must be at least the largest body limit (%d), or a webhook of that size is never taken", c.MaxInFlightBytes, largest)
	}
	if _, err := parseLogLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// validateTwoWay checks the configuration of the way back from iLert to Checkmk;
// ilertPath is the iLert webhook's path if it is served.
func (c *config) validateTwoWay(ilertPath string) error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	hasUser, hasPassword := c.ILertWebhookUser != "", c.ILertWebhookPassword != ""
	if !c.twoWay() {
		if hasUser || hasPassword || c.CheckmkUser != "" || c.CheckmkSecret != "" {
			add("two-way sync is not configured: set %s too (the iLert webhook credentials and the Checkmk user need the Checkmk API)",
				envName("checkmk-url"))
		}
		return errors.Join(errs...)
	}
	if c.CheckmkUser == "" || c.CheckmkSecret == "" {
		add("the Checkmk API needs its automation user: set %s and %s (or -%s)",
			envName("checkmk-user"), envPrefix+checkmkSecretSource.env, checkmkSecretSource.fileFlag)
	} else if _, err := checkmk.NewClient(c.CheckmkURL, c.CheckmkUser, checkmk.NewSecret(c.CheckmkSecret)); err != nil {
		add("%s: %w", envName("checkmk-url"), err)
	}
	switch {
	case ilertPath == "":
	case hasUser != hasPassword:
		add("the iLert webhook needs both %s and %s (or their -…-file flags)",
			envPrefix+ilertWebhookUser.env, envPrefix+ilertWebhookPassword.env)
	case !hasUser && !c.ILertAllowUnauthenticated:
		add("the iLert webhook has no credentials: set %s and %s (or -%s and -%s) to the user and password in iLert's alert action URL (https://USER:PASSWORD@relay.example%s), or pass -ilert-allow-unauthenticated",
			envPrefix+ilertWebhookUser.env, envPrefix+ilertWebhookPassword.env, ilertWebhookUser.fileFlag, ilertWebhookPassword.fileFlag, ilertPath)
	case strings.ContainsAny(c.ILertWebhookUser, ":\r\n"):
		add("%s must not contain ':' or a line break (Basic credentials cannot carry them)", envPrefix+ilertWebhookUser.env)
	}
	if t := c.AlertURLTemplate; t != "" && (!strings.Contains(t, "{id}") || !(strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "http://"))) {
		add("-ilert-alert-url %q must be an http(s) URL containing {id}", t)
	}
	return errors.Join(errs...)
}
