package dbtest_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner/dbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if err := dbtest.StopShared(); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// TestFixtureLoads starts both servers, loads the fixture and checks the row counts
// through the admin account.
func TestFixtureLoads(t *testing.T) {
	for _, f := range []dbtest.Flavor{dbtest.Postgres, dbtest.MariaDB} {
		t.Run(string(f), func(t *testing.T) {
			start := time.Now()
			s := dbtest.Shared(t, f)
			t.Logf("%s %s on %s, started in %v", f, s.Version, s.Addr(), time.Since(start))
			ctx := context.Background()
			start = time.Now()
			if err := dbtest.LoadFixture(ctx, s, dbtest.FixtureOptions{Database: "fixture_probe", Reader: "probe_reader", ReaderPassword: "pw'1"}); err != nil {
				t.Fatal(err)
			}
			t.Logf("fixture loaded in %v", time.Since(start))
			table := "fixture_probe.customers"
			db := ""
			if f == dbtest.Postgres {
				table, db = dbtest.FixtureSchema+".customers", "fixture_probe"
			}
			if err := s.Exec(ctx, db, "SELECT 1 FROM "+table+" WHERE id = 300"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestFixtureValuesAreFound checks that every seeded sensitive value is found by the
// engine as its identifier, and that no decoy value is.
func TestFixtureValuesAreFound(t *testing.T) {
	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 300; i++ {
		c := dbtest.FixtureCustomer(i)
		for field, v := range map[string]string{"ssn": c.SSN, "email": c.Email, "card_number": c.CardNumber, "iban": c.IBAN, "phone": c.Phone} {
			ms := engine.Scan([]byte(v), field)
			if len(ms) != 1 || ms[0].Identifier != dbtest.FixtureSensitive[field][0] {
				t.Errorf("customer %d %s: matches %v", i, field, ms)
			}
		}
		for field, v := range map[string]string{"request_id": c.RequestID, "password_hash": c.PasswordHash, "tracking_code": c.TrackingCode, "updated_text": c.UpdatedText, "notes": c.Notes, "full_name": c.FullName} {
			if ms := engine.Scan([]byte(v), field); len(ms) != 0 {
				t.Errorf("customer %d decoy %s: matches %v", i, field, ms)
			}
		}
	}
}
