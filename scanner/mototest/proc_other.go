//go:build !unix

package mototest

import "os/exec"

// setProcessGroup does nothing where there are no POSIX process groups.
func setProcessGroup(*exec.Cmd) {}

// killProcessGroup kills the server process.
func killProcessGroup(cmd *exec.Cmd) error { return cmd.Process.Kill() }
