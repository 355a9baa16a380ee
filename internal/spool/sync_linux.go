package spool

import (
	"os"
	"syscall"
)

// syncData makes the data of f durable, but not its modification time: the seq and pace
// files keep their size, so fdatasync(2) spares the journal commit that fsync would make.
func syncData(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			if err != nil {
				return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: err}
			}
			return nil
		}
	}
}
