//go:build !unix

package main

import "time"

// selfCPU is unknown on this platform.
func selfCPU() time.Duration { return 0 }
