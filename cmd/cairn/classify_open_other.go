//go:build !unix

package main

import "os"

// openRegular opens a file the walk found regular, for reading.
func openRegular(path string) (*os.File, error) {
	return os.Open(path)
}
