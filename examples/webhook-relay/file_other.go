//go:build !unix

package main

import (
	"io/fs"
	"os"
)

// openPrivate opens name with flag (and mode 0600 when it creates it), refusing anything
// but a regular file. Systems without O_NOFOLLOW and file owners get no more checks; the
// relay's queue does not run there anyway (spool.Open reports them unsupported).
func openPrivate(name string, flag int) (*os.File, error) {
	f, err := os.OpenFile(name, flag, 0o600)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = checkOwnFile(name, fi)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ownedByMe reports true: the system has no file owners this program can read.
func ownedByMe(fs.FileInfo) bool { return true }
