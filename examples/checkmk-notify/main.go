package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
)

// Defaults of the time limits. Checkmk kills a notification script after 60 s (and then
// records a temporary failure), so a whole run stays well below that.
const (
	defaultTimeout = 10 * time.Second
	defaultBudget  = 30 * time.Second
)

// Exit codes, as Checkmk reads them: 0 done, 1 temporary failure, 2 permanent failure.
const (
	exitOK        = 0
	exitTemporary = 1
	exitPermanent = 2
)

func main() {
	env := &environment{
		stdin:   os.Stdin,
		stdout:  os.Stdout,
		stderr:  os.Stderr,
		getenv:  os.Getenv,
		environ: os.Environ(),
	}
	os.Exit(run(os.Args[1:], env))
}

// environment is what a run may see of the process: standard streams and environment
// variables. Tests and the demo pass their own.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	environ        []string

	stores map[string]*checkmk.PasswordStore // password stores read in this run, by site root
}

// options are the command-line flags of every mode.
type options struct {
	mode     string
	bulk     bool
	dryRun   bool
	syslog   bool
	timeout  time.Duration
	budget   time.Duration
	spoolDir string
	maxAge   time.Duration

	// install
	dir, name, title string
	force            bool
}

// installFlags may only be given with the install mode.
var installFlags = map[string]bool{"dir": true, "name": true, "title": true, "force": true}

func newFlagSet(o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("checkmk-notify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&o.bulk, "bulk", false, "")
	fs.BoolVar(&o.dryRun, "n", false, "")
	fs.BoolVar(&o.dryRun, "dry-run", false, "")
	fs.BoolVar(&o.syslog, "syslog", false, "")
	fs.DurationVar(&o.timeout, "timeout", defaultTimeout, "")
	fs.DurationVar(&o.budget, "budget", defaultBudget, "")
	fs.StringVar(&o.spoolDir, "spool-dir", "", "")
	fs.DurationVar(&o.maxAge, "max-age", 0, "")
	fs.StringVar(&o.dir, "dir", "", "")
	fs.StringVar(&o.name, "name", "", "")
	fs.StringVar(&o.title, "title", "", "")
	fs.BoolVar(&o.force, "force", false, "")
	return fs
}

// parseArgs reads the flags and the mode word; flags may come before and after it.
func parseArgs(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := newFlagSet(&o, stderr)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if rest := fs.Args(); len(rest) > 0 {
		o.mode = rest[0]
		if err := fs.Parse(rest[1:]); err != nil {
			return o, err
		}
		if extra := fs.Args(); len(extra) > 0 {
			return o, fmt.Errorf("unexpected argument %q after %q", extra[0], o.mode)
		}
	}
	switch o.mode {
	case "", "flush", "demo", "install", "version", "help":
	default:
		return o, fmt.Errorf("unknown mode %q", o.mode)
	}
	var err error
	fs.Visit(func(f *flag.Flag) {
		switch {
		case installFlags[f.Name] && o.mode != "install":
			err = fmt.Errorf("flag --%s is only for install", f.Name)
		case f.Name == "bulk" && o.mode != "":
			err = fmt.Errorf("flag --bulk is not for %s", o.mode)
		case (f.Name == "timeout" || f.Name == "budget") && !(o.timeout > 0 && o.budget > 0):
			err = fmt.Errorf("flag --%s must be positive", f.Name)
		case f.Name == "max-age" && o.maxAge <= 0:
			err = errors.New("flag --max-age must be positive")
		}
	})
	return o, err
}

// run executes one invocation and returns the exit code.
func run(args []string, env *environment) int {
	o, err := parseArgs(args, env.stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(env.stdout, helpText)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "checkmk-notify: %v\n\n%s", err, usageText)
		return exitPermanent
	}
	log := newLogger(env.stdout, o.syslog)
	defer log.close()
	switch o.mode {
	case "help":
		fmt.Fprint(env.stdout, helpText)
		return exitOK
	case "version":
		fmt.Fprintf(env.stdout, "checkmk-notify %s\n", version())
		return exitOK
	case "install":
		return runInstall(o, env, log)
	case "demo":
		return runDemo(o, env, log)
	case "flush":
		return runFlush(o, env, log)
	}
	return runNotify(o, env, log)
}

// version returns the module version the binary was built from.
func version() string {
	v := buildVersion()
	return strings.TrimSpace(v)
}
