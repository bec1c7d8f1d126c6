//go:build !unix

package dbtest

import (
	"errors"
	"os/exec"
)

func setProcessGroup(*exec.Cmd)          {}
func interrupt(cmd *exec.Cmd) error      { return cmd.Process.Kill() }
func terminate(cmd *exec.Cmd) error      { return cmd.Process.Kill() }
func kill(cmd *exec.Cmd) error           { return cmd.Process.Kill() }
func runAs(*exec.Cmd, *osUser)           {}
func chownTree(string, *osUser) error    { return nil }
func unprivilegedUser() (*osUser, error) { return nil, nil }

type osUser struct{ name string }

var errUnsupported = errors.New("dbtest: servers run only on unix systems")
