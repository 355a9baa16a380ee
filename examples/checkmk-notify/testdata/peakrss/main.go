// Command peakrss runs a program and writes the program's own peak resident set size, in
// KiB, to a file: peakrss FILE PROGRAM [ARG...]. The program's standard streams and
// environment are peakrss's own; peakrss exits with the program's exit code.
//
// TestPeakRSS runs the notifier through it. On Linux a child started by a process inherits,
// at exec, the high-water mark of that process's memory: started from the large test
// process, the notifier's figure would be the test process's. peakrss is a small process,
// so the figure is the notifier's own.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: peakrss FILE PROGRAM [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(2)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "peakrss: no resource usage on", runtime.GOOS)
		os.Exit(2)
	}
	kib := int64(ru.Maxrss)
	if runtime.GOOS == "darwin" {
		kib /= 1024 // bytes there, KiB on Linux and the BSDs
	}
	if err := os.WriteFile(os.Args[1], []byte(fmt.Sprintln(kib)), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(2)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
