//go:build linux

package readers

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time of the calling thread, which benchmarks
// lock to their goroutine: on a shared machine it measures the work done,
// not the wait for a core.
func threadCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
