//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package spool

import (
	"errors"
	"os"
)

const lockSupported = false

func tryLock(*os.File) (bool, error) { return false, errors.ErrUnsupported }

func unlock(*os.File) error { return errors.ErrUnsupported }
