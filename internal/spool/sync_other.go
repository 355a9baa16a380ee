//go:build !linux

package spool

import "os"

// syncData makes the data of f durable (fsync(2); Linux uses fdatasync).
func syncData(f *os.File) error { return f.Sync() }
