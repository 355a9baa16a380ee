// Package environ reads a process environment given as a list, the form os.Environ
// returns. Both programs take their environment as an argument of run, so that tests and
// the demos pass their own; the Checkmk notifier needs the list itself, for the
// notification context is every NOTIFY_* variable in it.
package environ
