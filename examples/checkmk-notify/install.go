package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/mkp"
)

// runInstall writes the notification script (mkp.WrapperScript: the title line, "# Bulk:
// yes" and the exec of this binary by its absolute path) into the site's notifications
// directory, and with --form the parameter form of the method "alertbridge" into the
// site's local tree, as the extension package would install them.
func runInstall(o options, env *environment, log *logger) checkmk.ExitCode {
	name, title := o.name, o.title
	if name == "" {
		name = mkp.WrapperName
	}
	if title == "" {
		title = mkp.WrapperTitle
	}
	root := env.getenv("OMD_ROOT")
	switch {
	case strings.ContainsAny(name, "/\x00") || name == "." || name == ".." || strings.HasPrefix(name, "."):
		log.warnf("install: --name must be a plain file name")
		return checkmk.ExitPermanent
	case !mkp.ValidWrapperTitle(title):
		log.warnf("install: --title must be one line of text without '#'")
		return checkmk.ExitPermanent
	case o.form && name != mkp.WrapperName:
		log.warnf("install: --form writes the form of the method %q; use it without --name (the method %q has its own form or none)", mkp.WrapperName, name)
		return checkmk.ExitPermanent
	case o.form && root == "":
		log.warnf("install: --form writes into the site; OMD_ROOT is not set: run it as the site user (omd su <site>)")
		return checkmk.ExitPermanent
	case o.cron && root == "":
		log.warnf("install: --cron writes the site's cron job; OMD_ROOT is not set: run it as the site user (omd su <site>)")
		return checkmk.ExitPermanent
	}
	dir := o.dir
	if dir == "" {
		if root == "" {
			log.warnf("install: OMD_ROOT is not set; run it as the site user (omd su <site>) or give --dir")
			return checkmk.ExitPermanent
		}
		dir = filepath.Join(root, mkp.PartNotifications.SiteDir())
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
	script, err := mkp.WrapperScript(title, bin)
	if err != nil {
		log.warnf("install: %v", err)
		return checkmk.ExitPermanent
	}
	files := []installFile{{dir: dir, name: name, data: []byte(script), mode: mkp.PartNotifications.Mode(name), what: "the notification script"}}
	if o.form {
		files = append(files, formFiles(root)...)
	}
	if o.cron {
		files = append(files, installFile{dir: filepath.Join(root, "etc", "cron.d"), name: cronName,
			data: []byte(cronJob(bin)), mode: 0o600, what: "the cron job: checkmk-notify flush every minute"})
	}
	if o.dryRun {
		for _, f := range files {
			log.printf("dry run: would write %s (mode %04o, %d bytes): %s", f.path(), f.mode, len(f.data), f.what)
		}
		log.raw(script)
		if o.cron {
			log.raw(cronJob(bin))
		}
		return checkmk.ExitSent
	}
	for _, f := range files {
		if err := f.check(o.force); err != nil {
			log.warnf("install: %v", err)
			return checkmk.ExitPermanent
		}
	}
	for _, f := range files {
		if err := writeAtomic(f.dir, f.name, f.data, f.mode); err != nil {
			log.warnf("install: %v", err)
			return checkmk.ExitPermanent
		}
	}
	log.printf("wrote %s (title %q, bulk allowed) running %s", files[0].path(), title, bin)
	for _, f := range files[1:] {
		log.printf("wrote %s: %s", f.path(), f.what)
	}
	switch {
	case o.form:
		log.printf("next: run omd reload apache (as the site user) so that the GUI loads the form; then, in Setup > Events > Notifications, create a rule with the notification method %q and fill in its form", title)
	default:
		log.printf("next: in Setup > Events > Notifications, create or edit a rule with the notification method %q", title)
	}
	switch {
	case o.form:
	case name == "ilert":
		log.printf("this overrides Checkmk's built-in iLert method; existing iLert rules keep their parameters")
	case name == "alertops":
		log.printf("this replaces the AlertOps plug-in's script; existing AlertOps rules keep their parameters")
	default:
		log.printf("with the custom script method, add the parameters ilert=<API key> and/or alertops=<webhook URL> (or install --form for a form)")
	}
	if o.cron {
		log.printf("next: run omd reload crontab (as the site user), so that the site's crontab runs %s flush every minute; "+
			"the rules may keep the background retrier (it retries sooner, after 5 s) or turn it off with retrier=off", mkp.ShellQuote(bin))
	} else {
		log.printf("queued notifications are retried by a background retrier (checkmk-notify retrier); "+
			"to run %s flush from cron every minute as well, install --cron", mkp.ShellQuote(bin))
	}
	return checkmk.ExitSent
}

// cronName is the site's cron job file of install --cron, in $OMD_ROOT/etc/cron.d, which
// omd reload crontab merges into the site user's crontab.
const cronName = "alertbridge"

// cronMarker is in every cron job install writes, so that it replaces its own.
const cronMarker = "written by checkmk-notify install --cron"

// cronJob is the cron job of install --cron: a flush of the site's queue every minute,
// its lines into the alertbridge log, without starting retriers (cron is the retrier).
func cronJob(bin string) string {
	return "# alertbridge: deliver queued notifications every minute (" + cronMarker + ")\n" +
		"* * * * * " + mkp.ShellQuote(bin) + " flush --no-retrier --log >/dev/null 2>&1\n"
}

// installFile is one file install writes.
type installFile struct {
	dir, name string
	data      []byte
	mode      fs.FileMode
	what      string
}

func (f installFile) path() string { return filepath.Join(f.dir, f.name) }

// formFiles are the two files of the form, where the extension package puts them below the
// site root, with the modes Checkmk gives them.
func formFiles(root string) []installFile {
	var out []installFile
	for _, f := range []struct {
		part mkp.Part
		rel  string
		data []byte
		what string
	}{
		{mkp.PartLib, mkp.LegacyFormPath, mkp.LegacyForm(), "the form for Checkmk 2.3 and 2.4"},
		{mkp.PartCmkAddonsPlugins, mkp.RulesetFormPath, mkp.RulesetForm(), "the form for Checkmk 2.5 and later"},
	} {
		full := filepath.Join(root, f.part.SiteDir(), filepath.FromSlash(f.rel))
		out = append(out, installFile{dir: filepath.Dir(full), name: filepath.Base(full), data: f.data,
			mode: f.part.Mode(f.rel), what: f.what})
	}
	return out
}

// check reports why f must not be written: its directory belongs to another user (install
// runs as the site user), or the file is not one install wrote (the notification script
// without install's marker or written by the extension package, a form file with other
// content), unless force.
func (f installFile) check(force bool) error {
	if err := checkOwnDir(f.dir); err != nil {
		return err
	}
	old, err := os.ReadFile(f.path())
	switch {
	case errors.Is(err, fs.ErrNotExist) || force:
		return nil
	case err != nil:
		return err
	case bytes.Equal(old, f.data):
		return nil
	case strings.HasSuffix(f.name, ".py"):
		return fmt.Errorf("%s exists with other content (from the extension package, or an older install --form?); use --force to replace it", f.path())
	case f.name == cronName && strings.HasSuffix(f.dir, filepath.Join("etc", "cron.d")):
		if bytes.Contains(old, []byte(cronMarker)) {
			return nil
		}
		return fmt.Errorf("%s exists and was not written by checkmk-notify install --cron; use --force to replace it", f.path())
	case bytes.Contains(old, []byte(`exec "$OMD_ROOT/`)):
		return fmt.Errorf("%s is the extension package's script; update the package instead (checkmk-notify mkp, mkp add, mkp enable), or use --force to replace it", f.path())
	case !bytes.Contains(old, []byte(mkp.WrapperMarker)):
		return fmt.Errorf("%s exists and was not written by checkmk-notify install; use --force to replace it", f.path())
	}
	return nil
}

// checkOwnDir refuses a directory (or, if it does not exist yet, the nearest existing
// one above it) that belongs to another user: files written there as root, say, would not
// be usable by the site.
func checkOwnDir(dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if errors.Is(err, fs.ErrNotExist) && filepath.Dir(d) != d {
			continue
		}
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if ok && int(st.Uid) != os.Getuid() {
			return fmt.Errorf("%s belongs to uid %d, not to you (uid %d): run install as the site user (omd su <site>)", d, st.Uid, os.Getuid())
		}
		return nil
	}
}

// writeAtomic writes data to dir/name with mode through a temporary file and a rename,
// creating missing directories with mode 0700. The temporary file is new (O_EXCL), and
// the rename replaces whatever is at the name (a symlink too) instead of writing through
// it.
func writeAtomic(dir, name string, data []byte, mode fs.FileMode) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
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
	if err := f.Chmod(mode); err != nil {
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
