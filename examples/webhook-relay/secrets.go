package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// secretSource is a secret read from an environment variable or a file.
type secretSource struct {
	env      string // ALERTBRIDGE_… holding the value
	fileFlag string // the flag (and, with _FILE, the variable) naming a file with it
	usage    string
	// exact: the value is used as it is but for one trailing newline ("\n" or "\r\n"),
	// and its file must be private (no access for group or others). The older secrets
	// are trimmed of surrounding white space, and a file of theirs that is not private is
	// read as before but warned about at start.
	exact bool
}

var (
	ilertKeySource       = secretSource{env: "ILERT_KEY", fileFlag: "ilert-key-file", usage: "iLert integration key (API alert source) for the Events API"}
	alertOpsURLSource    = secretSource{env: "ALERTOPS_URL", fileFlag: "alertops-url-file", usage: "AlertOps inbound integration URL (it contains the key)"}
	levelSecretSource    = secretSource{env: "LEVEL_SECRET", fileFlag: "level-secret-file", usage: "Level webhook secret"}
	levelPreviousSource  = secretSource{env: "LEVEL_PREVIOUS_SECRET", fileFlag: "level-previous-secret-file", usage: "previous Level webhook secret, accepted during a rotation"}
	ilertWebhookUser     = secretSource{env: "ILERT_WEBHOOK_USER", fileFlag: "ilert-webhook-user-file", usage: "user of the Basic credentials in iLert's alert action URL", exact: true}
	ilertWebhookPassword = secretSource{env: "ILERT_WEBHOOK_PASSWORD", fileFlag: "ilert-webhook-password-file", usage: "password of the Basic credentials in iLert's alert action URL", exact: true}
	checkmkSecretSource  = secretSource{env: "CHECKMK_SECRET", fileFlag: "checkmk-secret-file", usage: "secret of the Checkmk automation user", exact: true}
	secretSourcesInOrder = []secretSource{ilertKeySource, alertOpsURLSource, levelSecretSource, levelPreviousSource,
		ilertWebhookUser, ilertWebhookPassword, checkmkSecretSource}
)

// readSecret returns a secret from the file named by its flag (on the command line, or
// in ALERTBRIDGE_…_FILE) or from its variable. A file flag on the command line wins;
// both variables set is an error, as is an empty or unreadable file, and for an exact
// secret a file that group or others may access; for the other secrets such a file is
// read, and warning says what is wrong with it and how to fix it. Errors and warnings name
// the file and the variable, never the value.
func readSecret(s secretSource, file string, fileOnCommandLine bool, getenv func(string) string) (v, warning string, err error) {
	value, hasValue := lookupEnv(getenv, envPrefix+s.env)
	if file != "" && !fileOnCommandLine && hasValue {
		return "", "", fmt.Errorf("both %s and %s are set; set one", envPrefix+s.env, envName(s.fileFlag))
	}
	if file == "" {
		if s.exact {
			return trimNewline(value), "", nil
		}
		return strings.TrimSpace(value), "", nil
	}
	if err := checkPrivateFile(file); err != nil {
		if s.exact || errors.Is(err, fs.ErrNotExist) {
			return "", "", fmt.Errorf("-%s: %w", s.fileFlag, err)
		}
		warning = fmt.Sprintf("-%s: %v (read all the same)", s.fileFlag, err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", "", fmt.Errorf("-%s: %w", s.fileFlag, err)
	}
	v = strings.TrimSpace(string(b))
	if s.exact && v != "" {
		v = trimNewline(string(b))
	}
	if v == "" {
		return "", "", fmt.Errorf("-%s: %s is empty", s.fileFlag, file)
	}
	return v, warning, nil
}

// trimNewline drops one trailing "\n" or "\r\n", the line end editors and echo add.
func trimNewline(s string) string {
	s, _ = strings.CutSuffix(s, "\n")
	s, _ = strings.CutSuffix(s, "\r")
	return s
}

// checkPrivateFile reports a secret file that is not a regular file or that its group or
// other users may read or write, with the command that fixes it.
func checkPrivateFile(name string) error {
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", name)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("%s is accessible by other users (mode %04o): run chmod 600 %s", name, perm, name)
	}
	return nil
}
