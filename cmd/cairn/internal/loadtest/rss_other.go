//go:build !linux

package main

import "os"

// maxRSS returns 0: ru_maxrss is read on Linux only (its unit differs
// elsewhere, bytes on macOS).
func maxRSS(*os.ProcessState) int64 { return 0 }
