package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/environ"
)

// Defaults of the time limits. Checkmk kills a notification script after 60 s (and then
// records a temporary failure), so a whole run stays well below that.
const (
	defaultTimeout = 10 * time.Second
	defaultBudget  = 30 * time.Second
)

func main() {
	vars := os.Environ()
	env := newEnvironment(vars, os.Stdin, os.Stdout, os.Stderr)
	// Only the program itself starts retriers (runs of run() in tests and the demo do not:
	// their executable is not the notifier).
	if exe, err := os.Executable(); err == nil {
		env.executable = exe
	}
	os.Exit(int(runMode(context.Background(), os.Args[1:], env)))
}

// environment is what a run may see of the process: standard streams and environment
// variables.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	environ        []string
	// executable is this program's path, from which a run starts a retrier; "" starts
	// none (in-process runs).
	executable string
	// openQueue opens a queue directory (openQueue; tests wrap it).
	openQueue func(ctx context.Context, dir string) (runQueue, error)

	stores map[string]*checkmk.PasswordStore // password stores read in this run, by site root
}

func newEnvironment(vars []string, stdin io.Reader, stdout, stderr io.Writer) *environment {
	return &environment{stdin: stdin, stdout: stdout, stderr: stderr, getenv: environ.Getenv(vars), environ: vars,
		openQueue: openQueue}
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

	noRetrier bool // --no-retrier, or ALERTBRIDGE_RETRIER=off
	logFile   bool // flush: --log, write to the alertbridge log instead of standard output

	// install
	dir, name, title string
	force, form      bool
	cron             bool

	// mkp
	out, pkgVersion string
}

// installFlags may only be given with the install mode, mkpFlags with mkp.
var (
	installFlags = map[string]bool{"dir": true, "name": true, "title": true, "force": true, "form": true, "cron": true}
	mkpFlags     = map[string]bool{"out": true, "version": true}
)

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
	fs.BoolVar(&o.noRetrier, "no-retrier", false, "")
	fs.BoolVar(&o.logFile, "log", false, "")
	fs.BoolVar(&o.cron, "cron", false, "")
	fs.StringVar(&o.dir, "dir", "", "")
	fs.StringVar(&o.name, "name", "", "")
	fs.StringVar(&o.title, "title", "", "")
	fs.BoolVar(&o.force, "force", false, "")
	fs.BoolVar(&o.form, "form", false, "")
	fs.StringVar(&o.out, "out", "", "")
	fs.StringVar(&o.pkgVersion, "version", "", "")
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
	case "", "flush", "demo", "install", "mkp", "version", "help", retrierMode:
	default:
		return o, fmt.Errorf("unknown mode %q", o.mode)
	}
	var err error
	fs.Visit(func(f *flag.Flag) {
		switch {
		case installFlags[f.Name] && o.mode != "install":
			err = fmt.Errorf("flag --%s is only for install", f.Name)
		case mkpFlags[f.Name] && o.mode != "mkp":
			err = fmt.Errorf("flag --%s is only for mkp", f.Name)
		case f.Name == "bulk" && o.mode != "":
			err = fmt.Errorf("flag --bulk is not for %s", o.mode)
		case f.Name == "log" && o.mode != "flush":
			err = errors.New("flag --log is only for flush")
		case (f.Name == "timeout" || f.Name == "budget") && !(o.timeout > 0 && o.budget > 0):
			err = fmt.Errorf("flag --%s must be positive", f.Name)
		case f.Name == "max-age" && o.maxAge <= 0:
			err = errors.New("flag --max-age must be positive")
		}
	})
	return o, err
}

// run executes one invocation and returns the exit code, as Checkmk reads it
// ([checkmk.ExitCode]). vars is the process environment in the form of os.Environ: the
// notification context is every NOTIFY_* variable of it, so it must be a list rather than
// a lookup function. Tests and the demo pass their own streams and environment; ctx
// bounds the run together with its time budget.
func run(ctx context.Context, args, vars []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return int(runMode(ctx, args, newEnvironment(vars, stdin, stdout, stderr)))
}

// runMode parses the arguments and runs the mode they name.
func runMode(ctx context.Context, args []string, env *environment) checkmk.ExitCode {
	o, err := parseArgs(args, env.stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(env.stdout, helpText)
		return checkmk.ExitSent
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "checkmk-notify: %v\n\n%s", err, usageText)
		return checkmk.ExitPermanent
	}
	if v := env.getenv(envRetrier); v != "" {
		if on, err := parseSwitch(v); err == nil && !on {
			o.noRetrier = true // ALERTBRIDGE_RETRIER=off, as --no-retrier
		}
	}
	if (o.mode == retrierMode || o.mode == "flush") && env.executable != "" && env.getenv("GOMAXPROCS") == "" {
		// A flush and the retrier send one request after another: one P keeps the net/http
		// goroutines of a request on one thread instead of waking another for each (a
		// third fewer system calls in a flush), unless the administrator sets GOMAXPROCS.
		// (Only in the program itself, not in runs of run() within another process.)
		runtime.GOMAXPROCS(1)
	}
	if o.mode == retrierMode {
		return runRetrier(ctx, o, env)
	}
	if o.mode == "flush" && o.logFile && !o.dryRun {
		return runFlushToLog(ctx, o, env)
	}
	out := env.stdout
	if o.mode == "flush" {
		// A flush writes a line per request it delivers: buffered, a long backlog costs no
		// write per line (the lines are written as the buffer fills and at the end).
		bw := bufio.NewWriterSize(out, 32<<10)
		defer bw.Flush()
		out = bw
	}
	log := newLogger(out, o.syslog)
	defer log.close()
	switch o.mode {
	case "help":
		fmt.Fprint(env.stdout, helpText)
		return checkmk.ExitSent
	case "version":
		fmt.Fprintf(env.stdout, "checkmk-notify %s\n", version())
		return checkmk.ExitSent
	case "install":
		return runInstall(o, env, log)
	case "mkp":
		return runMkp(ctx, o, env, log)
	case "demo":
		return runDemo(ctx, o, env, log)
	case "flush":
		return runFlush(ctx, o, env, log)
	}
	return runNotify(ctx, o, env, log)
}

// version returns the module version the binary was built from.
func version() string {
	v := buildVersion()
	return strings.TrimSpace(v)
}
