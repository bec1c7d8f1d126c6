package dbtest

import "syscall"

// setParentDeathSignal asks Linux to kill the server if the process that started it
// dies without calling Stop (a crashed or interrupted test binary).
func setParentDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}
