package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/alertbridge/alertbridge/checkmk"
)

const (
	defaultWrapperName  = "alertbridge"
	defaultWrapperTitle = "iLert and AlertOps (alertbridge)"
	// wrapperMarker identifies a wrapper written by install, which install may replace.
	wrapperMarker = "# Written by checkmk-notify install (alertbridge)."
)

// wrapperScript is the notification script Checkmk runs: a compiled binary has no text
// header, so a shell script carries the title (line 2) and the bulk capability (line 3) and
// hands over to the binary, forwarding --bulk.
func wrapperScript(title, binary string) string {
	return "#!/bin/sh\n" +
		"# " + title + "\n" +
		"# Bulk: yes\n" +
		wrapperMarker + "\n" +
		"exec " + shellQuote(binary) + " \"$@\"\n"
}

// shellQuote quotes s for sh: single quotes, with each ' written as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func runInstall(o options, env *environment, log *logger) checkmk.ExitCode {
	name, title := o.name, o.title
	if name == "" {
		name = defaultWrapperName
	}
	if title == "" {
		title = defaultWrapperTitle
	}
	switch {
	case strings.ContainsAny(name, "/\x00") || name == "." || name == ".." || strings.HasPrefix(name, "."):
		log.warnf("install: --name must be a plain file name")
		return checkmk.ExitPermanent
	case strings.ContainsAny(title, "\r\n#") || strings.TrimSpace(title) == "":
		log.warnf("install: --title must be one line of text without '#'")
		return checkmk.ExitPermanent
	}
	dir := o.dir
	if dir == "" {
		root := env.getenv("OMD_ROOT")
		if root == "" {
			log.warnf("install: OMD_ROOT is not set; run it as the site user (omd su <site>) or give --dir")
			return checkmk.ExitPermanent
		}
		dir = filepath.Join(root, "local", "share", "check_mk", "notifications")
	}
	bin, err := os.Executable()
	if err == nil {
		bin, err = filepath.EvalSymlinks(bin)
	}
	if err != nil {
		log.warnf("install: cannot tell the path of this program: %v", err)
		return checkmk.ExitPermanent
	}
	if strings.Contains(bin, string(filepath.Separator)+"go-build") {
		log.warnf("install: warning: %s is a temporary binary of go run; install the command first (go install ...) and run install from there", bin)
	}
	path := filepath.Join(dir, name)
	script := wrapperScript(title, bin)
	if o.dryRun {
		log.printf("dry run: would write %s:", path)
		log.raw(script)
		return checkmk.ExitSent
	}
	if old, err := os.ReadFile(path); err == nil && !bytes.Contains(old, []byte(wrapperMarker)) && !o.force {
		log.warnf("install: %s exists and was not written by checkmk-notify install; use --force to replace it", path)
		return checkmk.ExitPermanent
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		log.warnf("install: %v", err)
		return checkmk.ExitPermanent
	}
	if err := writeAtomic(dir, name, []byte(script)); err != nil {
		log.warnf("install: %v", err)
		return checkmk.ExitPermanent
	}
	log.printf("wrote %s (title %q, bulk allowed) running %s", path, title, bin)
	log.printf("next: in Setup > Events > Notifications, create or edit a rule with the notification method %q", title)
	switch name {
	case "ilert":
		log.printf("this overrides Checkmk's built-in iLert method; existing iLert rules keep their parameters")
	case "alertops":
		log.printf("this replaces the AlertOps plug-in's script; existing AlertOps rules keep their parameters")
	default:
		log.printf("with the custom script method, add the parameters ilert=<API key> and/or alertops=<webhook URL>")
	}
	log.printf("optional: run %s flush from cron every minute to deliver queued notifications between notifications", shellQuote(bin))
	return checkmk.ExitSent
}

// writeAtomic writes data to dir/name through a temporary file and a rename, mode 0755.
func writeAtomic(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o755); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
