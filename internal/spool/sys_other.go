//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package spool

import (
	"errors"
	"io/fs"
	"os"
)

const lockSupported = false

const (
	oNoFollow  = 0
	oNonblock  = 0
	oDirectory = 0
)

func tryLock(*os.File) (bool, error) { return false, errors.ErrUnsupported }

func unlock(*os.File) error { return errors.ErrUnsupported }

func ownerOf(fs.FileInfo) (int, bool) { return 0, false }
