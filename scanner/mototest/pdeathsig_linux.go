package mototest

import "syscall"

// setParentDeathSignal asks Linux to kill the server if the process that started it
// dies without calling Stop (a crashed or interrupted test binary), since a server in
// its own process group no longer receives the terminal's Ctrl-C.
func setParentDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}
