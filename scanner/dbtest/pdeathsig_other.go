//go:build unix && !linux

package dbtest

import "syscall"

// setParentDeathSignal does nothing where there is no parent-death signal.
func setParentDeathSignal(*syscall.SysProcAttr) {}
