//go:build unix

package main

import (
	"io/fs"
	"os"
	"syscall"
)

// openRegular opens a file the walk found regular, for reading. os.Open
// first tries to register every file with the network poller, which fails
// for a regular file and costs four fcntl calls and an epoll_ctl more than
// the open itself: with many small files, a third of classify's system
// calls. os.NewFile makes a plain blocking file, which is what os.Open falls
// back to for a regular file anyway.
func openRegular(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}
