package scanner_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/cairnsec/cairn/scanner/dbtest"
)

// TestMain stops the database servers that tests share (dbtest.Shared): one
// PostgreSQL and one MariaDB per test binary, started on first use.
func TestMain(m *testing.M) {
	code := m.Run()
	if err := dbtest.StopShared(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
