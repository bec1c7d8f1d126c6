package scanner

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner/dbtest"
)

// adminLogin logs in to a test server as its admin, who may write: the
// read-only tests must fail because of Cairn's session, not for lack of
// privileges.
func adminLogin(s *dbtest.Server) *dbLogin {
	return &dbLogin{user: s.AdminUser, password: s.AdminPassword, host: s.Host, port: s.Port, tlsMode: TLSDisable}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func testParams() connParams {
	return connParams{connectTimeout: 10 * time.Second, statementTimeout: 30 * time.Second, lockTimeout: 5 * time.Second, idleTimeout: time.Minute}
}

// familyOf maps a test server to the sampler family.
func familyOf(s *dbtest.Server) string {
	if s.Flavor == dbtest.Postgres {
		return "postgresql"
	}
	return "mysql"
}

// TestSQLSessionsAreReadOnly opens sessions with Cairn's own connection code
// as a user allowed to write, and checks that writes fail both on the session
// and inside the per-table transaction, while the same user can write over a
// plain connection.
func TestSQLSessionsAreReadOnly(t *testing.T) {
	ctx := context.Background()
	for _, f := range []dbtest.Flavor{dbtest.Postgres, dbtest.MariaDB} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			srv := dbtest.Shared(t, f)
			db := "readonly_probe"
			if f == dbtest.Postgres {
				if err := srv.Exec(ctx, "postgres", "DROP DATABASE IF EXISTS "+db, "CREATE DATABASE "+db); err != nil {
					t.Fatal(err)
				}
			} else if err := srv.Exec(ctx, "", "DROP DATABASE IF EXISTS "+db, "CREATE DATABASE "+db); err != nil {
				t.Fatal(err)
			}
			if err := srv.Exec(ctx, db, "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)"); err != nil {
				t.Fatalf("plain admin connection cannot write: %v", err)
			}
			c, err := sqlConnect(ctx, familyOf(srv), adminLogin(srv), db, testParams())
			if err != nil {
				t.Fatal(err)
			}
			defer c.close()
			writes := []string{"INSERT INTO t VALUES (2)", "UPDATE t SET id = 3", "DELETE FROM t", "CREATE TABLE t2 (id int)", "DROP TABLE t"}
			switch c := c.(type) {
			case *pgConn:
				for _, w := range writes {
					_, err := c.conn.Exec(ctx, w)
					var pgErr *pgconn.PgError
					if !errors.As(err, &pgErr) || pgErr.Code != "25006" { // read_only_sql_transaction
						t.Errorf("session %q: err = %v, want SQLSTATE 25006", w, err)
					}
				}
				tx, err := c.begin(ctx)
				if err != nil {
					t.Fatal(err)
				}
				_, err = tx.Exec(ctx, "INSERT INTO t VALUES (4)")
				var pgErr *pgconn.PgError
				if !errors.As(err, &pgErr) || pgErr.Code != "25006" {
					t.Errorf("transaction insert: err = %v, want SQLSTATE 25006", err)
				}
				_ = tx.Rollback(ctx)
				var st, lt string
				if err := c.conn.QueryRow(ctx, "SELECT current_setting('statement_timeout'), current_setting('lock_timeout')").Scan(&st, &lt); err != nil || st != "30s" || lt != "5s" {
					t.Errorf("statement_timeout %q lock_timeout %q (%v)", st, lt, err)
				}
			case *myConn:
				for _, w := range writes {
					_, err := c.conn.ExecContext(ctx, w)
					var myErr *mysql.MySQLError
					if !errors.As(err, &myErr) || myErr.Number != 1792 { // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
						t.Errorf("session %q: err = %v, want error 1792", w, err)
					}
				}
				tx, err := c.begin(ctx)
				if err != nil {
					t.Fatal(err)
				}
				_, err = tx.ExecContext(ctx, "INSERT INTO t VALUES (4)")
				var myErr *mysql.MySQLError
				if !errors.As(err, &myErr) || myErr.Number != 1792 {
					t.Errorf("transaction insert: err = %v, want error 1792", err)
				}
				_ = tx.Rollback()
				var mst float64
				var lwt int
				if err := c.conn.QueryRowContext(ctx, "SELECT @@SESSION.max_statement_time, @@SESSION.lock_wait_timeout").Scan(&mst, &lwt); err != nil || mst != 30 || lwt != 5 {
					t.Errorf("max_statement_time %v lock_wait_timeout %v (%v)", mst, lwt, err)
				}
				if c.flavor() != "mariadb" {
					t.Errorf("flavor %s", c.flavor())
				}
			}
		})
	}
}

// TestSQLStatementTimeout checks that the server-side limit stops a long
// statement and that the error maps to TIMEOUT.
func TestSQLStatementTimeout(t *testing.T) {
	ctx := context.Background()
	p := testParams()
	p.statementTimeout = 200 * time.Millisecond
	for _, f := range []dbtest.Flavor{dbtest.Postgres, dbtest.MariaDB} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			srv := dbtest.Shared(t, f)
			db := "mysql" // seq_1_to_N needs a current database
			if f == dbtest.Postgres {
				db = "postgres"
			}
			c, err := sqlConnect(ctx, familyOf(srv), adminLogin(srv), db, p)
			if err != nil {
				t.Fatal(err)
			}
			defer c.close()
			start := time.Now()
			switch c := c.(type) {
			case *pgConn:
				_, err = c.conn.Exec(ctx, "SELECT pg_sleep(5)")
			case *myConn:
				// SLEEP() interrupted by max_statement_time returns 1 instead of
				// failing; a slow query is needed instead.
				_, err = c.conn.ExecContext(ctx, "SELECT SUM(seq % 7) FROM seq_1_to_1000000000")
			}
			if err == nil {
				t.Fatalf("statement not stopped after %v", time.Since(start))
			}
			if dbReason(err, false) != ReasonTimeout || time.Since(start) > 4*time.Second {
				t.Errorf("err = %v (reason %s) after %v, want TIMEOUT quickly", err, dbReason(err, false), time.Since(start))
			}
			if !c.alive(ctx) {
				t.Error("session unusable after a server-side timeout")
			}
		})
	}
}

// TestSQLSamplingMethods loads the fixture and checks each sampling method
// on real servers, forcing the ones the fixture's sizes do not select.
func TestSQLSamplingMethods(t *testing.T) {
	ctx := context.Background()
	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{3}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	s := &RDSScanner{engine: engine, opts: DBOptions{SampleRows: 100}.withDefaults(), log: discardLogger()}
	target := &dbTarget{arn: "arn:aws:rds:us-east-1:123456789012:db:probe", id: "probe", region: "us-east-1"}
	for _, f := range []dbtest.Flavor{dbtest.Postgres, dbtest.MariaDB} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			srv := dbtest.Shared(t, f)
			db := "methods_probe"
			if err := dbtest.LoadFixture(ctx, srv, dbtest.FixtureOptions{Database: db, Customers: 120, Orders: 3000}); err != nil {
				t.Fatal(err)
			}
			c, err := sqlConnect(ctx, familyOf(srv), adminLogin(srv), db, testParams())
			if err != nil {
				t.Fatal(err)
			}
			defer c.close()
			tables, truncated, err := c.tables(ctx, db, 2)
			if err != nil || !truncated || len(tables) != 2 {
				t.Fatalf("tables(max 2) = %d tables, truncated %v, %v", len(tables), truncated, err)
			}
			tables, _, err = c.tables(ctx, db, 100)
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]*sqlTable{}
			for _, tb := range tables {
				byName[tb.name] = tb
			}
			orders, customers := byName["orders"], byName["customers"]
			if orders == nil || customers == nil {
				t.Fatalf("tables %v", byName)
			}
			for _, col := range customers.columns {
				if col.name == "created_at" {
					t.Errorf("timestamp column %s listed as sampleable", col.name)
				}
			}
			type tc struct {
				tbl    *sqlTable
				p      sampleParams
				format string
				rows   int64
			}
			var cases []tc
			if f == dbtest.Postgres {
				cases = []tc{
					{orders, sampleParams{}, "postgresql:tablesample-bernoulli", 100},
					{orders, sampleParams{force: pgMethodSystem, pct: 100}, "postgresql:tablesample-system", 100},
					{orders, sampleParams{force: pgMethodSystem, pct: 0.0001}, "postgresql:limit-fallback", 100},
					{customers, sampleParams{}, "postgresql:limit", 100},
				}
			} else {
				cases = []tc{
					{orders, sampleParams{}, "mariadb:pk-range", 100},
					{customers, sampleParams{force: myMethodPKRange}, "mariadb:pk-range", 100},
					{customers, sampleParams{}, "mariadb:limit", 100},
				}
			}
			for _, k := range cases {
				res, findings := s.sampleTable(ctx, c, target, k.tbl, k.p)
				if res.Format != k.format || res.Status != StatusComplete {
					t.Errorf("%s %+v: format %s status %s %s, want %s", k.tbl.name, k.p, res.Format, res.Status, res.Reason, k.format)
				}
				if k.tbl == customers {
					n := int64(0)
					for _, fd := range findings {
						if fd.Identifier == "US_SSN" && strings.HasSuffix(fd.Location, ".customers.ssn") {
							n = fd.Count
						}
					}
					// Each row holds one distinct SSN. Primary-key ranges may
					// return fewer rows than asked when keys are sparse
					// relative to the ranges, never more.
					if n != k.rows && !(strings.HasSuffix(res.Format, myMethodPKRange) && n > 0 && n <= k.rows) {
						t.Errorf("%s: %d SSNs, want %d", res.Format, n, k.rows)
					}
				}
			}
		})
	}
}

// TestSQLIdentifierQuoting samples tables and columns whose names contain
// quotes, backticks, dots and SQL, through the real servers.
func TestSQLIdentifierQuoting(t *testing.T) {
	ctx := context.Background()
	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{4}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	s := &RDSScanner{engine: engine, opts: DBOptions{}.withDefaults(), log: discardLogger()}
	target := &dbTarget{arn: "arn:aws:rds:us-east-1:123456789012:db:probe", id: "probe", region: "us-east-1"}
	for _, f := range []dbtest.Flavor{dbtest.Postgres, dbtest.MariaDB} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			srv := dbtest.Shared(t, f)
			db := "quoting_probe"
			var setup []string
			if f == dbtest.Postgres {
				if err := srv.Exec(ctx, "postgres", "DROP DATABASE IF EXISTS "+db, "CREATE DATABASE "+db); err != nil {
					t.Fatal(err)
				}
				setup = []string{
					`CREATE SCHEMA "we""ird.schema"`,
					`CREATE TABLE "we""ird.schema"."t; DROP TABLE x; --" ("ssn"" col" text, "a.b" text)`,
					`INSERT INTO "we""ird.schema"."t; DROP TABLE x; --" VALUES ('536-22-8147', 'x'), ('219-09-9999', 'y'), ('078-05-1120', 'z')`,
				}
			} else {
				if err := srv.Exec(ctx, "", "DROP DATABASE IF EXISTS "+db, "CREATE DATABASE "+db); err != nil {
					t.Fatal(err)
				}
				setup = []string{
					"CREATE TABLE `t``; DROP TABLE x; --` (`ssn`` col` text, `a.b` text)",
					"INSERT INTO `t``; DROP TABLE x; --` VALUES ('536-22-8147', 'x'), ('219-09-9999', 'y'), ('078-05-1120', 'z')",
				}
			}
			if err := srv.Exec(ctx, db, setup...); err != nil {
				t.Fatal(err)
			}
			c, err := sqlConnect(ctx, familyOf(srv), adminLogin(srv), db, testParams())
			if err != nil {
				t.Fatal(err)
			}
			defer c.close()
			tables, _, err := c.tables(ctx, db, 10)
			if err != nil || len(tables) != 1 {
				t.Fatalf("tables %v, %v", tables, err)
			}
			res, findings := s.sampleTable(ctx, c, target, tables[0], sampleParams{})
			if res.Status != StatusComplete || len(findings) != 1 || findings[0].Count != 3 || !findings[0].FieldSensitive {
				t.Fatalf("result %+v findings %+v", res, findings)
			}
			wantCol := "ssn` col"
			if f == dbtest.Postgres {
				wantCol = `ssn" col`
			}
			if findings[0].Field != wantCol || !strings.HasSuffix(findings[0].Location, "."+wantCol) {
				t.Errorf("field %q location %q", findings[0].Field, findings[0].Location)
			}
		})
	}
}
