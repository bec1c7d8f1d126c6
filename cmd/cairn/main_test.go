package main

import (
	"os"
	"testing"
)

// TestMain lets the tests run the CLI as a real subprocess of the test
// binary: with mainEnv (the organization simulation) or cliEnv (interrupt
// and resume) set to 1, the binary is cairn itself.
func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" || os.Getenv(cliEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
