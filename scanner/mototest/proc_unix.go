//go:build unix

package mototest

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the server in a process group of its own, so that Stop also ends
// what moto_server starts (a pyenv or virtualenv shim execs Python, which may fork).
func setProcessGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	setParentDeathSignal(cmd.SysProcAttr)
}

// killProcessGroup sends SIGKILL to the server's process group.
func killProcessGroup(cmd *exec.Cmd) error {
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		// The group may be gone already; make sure the process itself is.
		return cmd.Process.Kill()
	}
	return nil
}
