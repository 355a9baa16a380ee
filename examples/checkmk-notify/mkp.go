package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/mkp"
)

// runMkp writes the extension package alertbridge-<version>.mkp into --out (default: the
// current directory): this very binary (part bin), the notification script, and the
// parameter form for Checkmk 2.3/2.4 and 2.5+ (examples/internal/mkp). It needs no site,
// so the package is built once and copied to every site. With -n it prints the manifest
// and the file list instead.
func runMkp(ctx context.Context, o options, env *environment, log *logger) checkmk.ExitCode {
	v, err := packageVersion(o.pkgVersion, moduleVersion())
	if err != nil {
		log.warnf("mkp: %v", err)
		return checkmk.ExitPermanent
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		log.warnf("mkp: cannot tell the path of this program: %v", err)
		return checkmk.ExitPermanent
	}
	bin, err := os.Open(exe)
	if err != nil {
		log.warnf("mkp: reading this program: %v", err)
		return checkmk.ExitPermanent
	}
	defer bin.Close()
	fi, err := bin.Stat()
	if err != nil {
		log.warnf("mkp: reading this program: %v", err)
		return checkmk.ExitPermanent
	}
	pkg, err := mkp.Alertbridge(bin, fi.Size(), v)
	if err != nil {
		log.warnf("mkp: %v", err)
		return checkmk.ExitPermanent
	}
	dir, err := filepath.Abs(cmp.Or(o.out, "."))
	if err != nil {
		log.warnf("mkp: --out: %v", err)
		return checkmk.ExitPermanent
	}
	path := filepath.Join(dir, pkg.FileName())
	if o.dryRun {
		log.raw(pkg.Listing())
		log.printf("dry run: would write %s", path)
		return checkmk.ExitSent
	}
	size, err := writePackage(ctx, dir, pkg)
	if err != nil {
		log.warnf("mkp: writing %s: %v", path, err)
		return checkmk.ExitPermanent
	}
	log.printf("wrote %s (%d bytes, Checkmk %s or later), holding %s", path, size, mkp.MinRequired, exe)
	log.printf("next, on each site as the site user (omd su <site>): mkp add %s; mkp enable %s %s; omd reload apache "+
		"(so that the GUI loads the form); then create a notification rule with the method %q",
		mkp.ShellQuote(path), mkp.Name, v, mkp.WrapperTitle)
	return checkmk.ExitSent
}

// moduleVersion is the module version this binary was built from ("v1.2.3"; "(devel)"
// or a pseudo-version with "+dirty" for builds in a work tree), as "version" reports it.
func moduleVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	return info.Main.Version
}

// packageVersion is the version the package gets: flag when given, else the program's
// own module version without its "v". Either must be MAJOR.MINOR.PATCH[-pre]; the error
// says to pass --version otherwise.
func packageVersion(flag, module string) (mkp.Version, error) {
	if flag != "" {
		v, err := mkp.ParseVersion(flag)
		if err != nil {
			return "", fmt.Errorf("--version %q is not MAJOR.MINOR.PATCH[-pre] (%s); give one such as --version 1.2.0 or --version 1.2.0-rc.1",
				flag, versionReason(err))
		}
		return v, nil
	}
	if module == "" || module == "(devel)" {
		return "", errors.New("this binary was built without a module version (go build in a clone does that, " +
			"go install ...@v1.2.0 does not); pass --version MAJOR.MINOR.PATCH[-pre], such as --version 1.2.0")
	}
	v, err := mkp.VersionFromProgram(module)
	if err != nil {
		return "", fmt.Errorf("this binary's version %q is not MAJOR.MINOR.PATCH[-pre] (%s); pass --version "+
			"MAJOR.MINOR.PATCH[-pre], such as --version 1.2.0", module, versionReason(err))
	}
	return v, nil
}

// versionReason is what is wrong with a version, from mkp's error.
func versionReason(err error) string {
	if ve, ok := errors.AsType[*mkp.VersionError](err); ok {
		return ve.Reason
	}
	return err.Error()
}

// writePackage writes the package file into dir (made, mode 0700, if missing) through a
// new temporary file (mode 0600, O_EXCL) and a rename, so that a half-written package
// never carries the final name and nothing at that name is written through. It returns
// the file's size.
func writePackage(ctx context.Context, dir string, pkg *mkp.Package) (int64, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(dir, "."+pkg.FileName()+".tmp-*")
	if err != nil {
		return 0, err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	w := bufio.NewWriterSize(f, 1<<20)
	err = pkg.Write(ctx, w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	var size int64
	if err == nil {
		var fi os.FileInfo
		if fi, err = f.Stat(); err == nil {
			size = fi.Size()
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, filepath.Join(dir, pkg.FileName())); err != nil {
		return 0, err
	}
	return size, nil
}
