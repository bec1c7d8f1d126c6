//go:build unix

package dbtest

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// setProcessGroup puts a server in a process group of its own, so that Stop also ends
// the processes it forks (PostgreSQL backends), and asks Linux to kill it if the
// process that started it dies without calling Stop.
func setProcessGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	setParentDeathSignal(cmd.SysProcAttr)
}

// signalGroup sends sig to the server's process group (falling back to the process).
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) error {
	if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil {
		return cmd.Process.Signal(sig)
	}
	return nil
}

// interrupt asks a server to shut down quickly and cleanly (SIGINT: PostgreSQL's
// "fast" shutdown; MariaDB treats SIGTERM the same way, see terminate).
func interrupt(cmd *exec.Cmd) error { return cmd.Process.Signal(syscall.SIGINT) }

// terminate asks a server to shut down (SIGTERM).
func terminate(cmd *exec.Cmd) error { return cmd.Process.Signal(syscall.SIGTERM) }

// kill ends the server's whole process group.
func kill(cmd *exec.Cmd) error { return signalGroup(cmd, syscall.SIGKILL) }

// osUser is the unprivileged account a server runs as when the test runs as root.
type osUser struct {
	name     string
	uid, gid uint32
}

// unprivilegedUser picks the account PostgreSQL runs as when we are root (initdb and
// postgres refuse to run as root): $CAIRN_DBTEST_USER if set, else "postgres" if it
// exists, else "nobody". It returns nil when we are not root: the server then runs as
// ourselves.
func unprivilegedUser() (*osUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	names := []string{"postgres", "nobody"}
	if v := os.Getenv("CAIRN_DBTEST_USER"); v != "" {
		names = []string{v}
	}
	var lastErr error
	for _, name := range names {
		u, err := user.Lookup(name)
		if err != nil {
			lastErr = err
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			lastErr = fmt.Errorf("user %s: non-numeric uid/gid", name)
			continue
		}
		return &osUser{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
	}
	return nil, fmt.Errorf("no unprivileged user to run the server as (tried %v; set CAIRN_DBTEST_USER): %w", names, lastErr)
}

// runAs makes cmd run as u (nil: as ourselves).
func runAs(cmd *exec.Cmd, u *osUser) {
	if u == nil {
		return
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Credential = &syscall.Credential{Uid: u.uid, Gid: u.gid, NoSetGroups: true}
}

// chownTree gives u the directory tree at dir (no-op for nil).
func chownTree(dir string, u *osUser) error {
	if u == nil {
		return nil
	}
	return chownRecursive(dir, int(u.uid), int(u.gid))
}

func chownRecursive(dir string, uid, gid int) error {
	return filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
}
