//go:build unix && !linux

package mototest

import "syscall"

// setParentDeathSignal does nothing where there is no parent-death signal.
func setParentDeathSignal(*syscall.SysProcAttr) {}
