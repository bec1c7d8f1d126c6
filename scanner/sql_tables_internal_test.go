package scanner

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner/dbtest"
)

// TestPGPartitionedTableSize lists a partitioned table (with a
// sub-partitioned partition) and checks that its size is its partitions'
// (a parent has no storage: pg_total_relation_size is 0), that the
// partitions are not listed on their own, and that its row estimate is its
// partitions'. With a size of 0 the sampler took the table for small and
// chose BERNOULLI, which reads every page of every partition.
func TestPGPartitionedTableSize(t *testing.T) {
	ctx := context.Background()
	srv := dbtest.Shared(t, dbtest.Postgres)
	const db = "cairn_partitioned"
	if err := srv.Exec(ctx, "postgres", "DROP DATABASE IF EXISTS "+db, "CREATE DATABASE "+db); err != nil {
		t.Fatal(err)
	}
	if err := srv.Exec(ctx, db,
		"CREATE TABLE ev (id bigint, note text) PARTITION BY RANGE (id)",
		"CREATE TABLE ev_a PARTITION OF ev FOR VALUES FROM (0) TO (50000)",
		"CREATE TABLE ev_b PARTITION OF ev FOR VALUES FROM (50000) TO (100000) PARTITION BY RANGE (id)",
		"CREATE TABLE ev_b1 PARTITION OF ev_b FOR VALUES FROM (50000) TO (100000)",
		"INSERT INTO ev SELECT g, 'row ' || g FROM generate_series(0, 99999) g",
		"CREATE TABLE plain (id bigint)",
		"ANALYZE ev"); err != nil {
		t.Fatal(err)
	}
	c, tables, names := listTables(t, "postgresql", srv, db)
	var ev *sqlTable
	for _, tb := range tables {
		if tb.name == "ev" {
			ev = tb
		}
	}
	if !slices.Equal(names, []string{"ev", "plain"}) {
		t.Fatalf("tables %v; want [ev plain] (partitions are read through their parent)", names)
	}
	var parts int64
	for _, p := range []string{"ev_a", "ev_b1"} {
		var n int64
		if err := c.(*pgConn).conn.QueryRow(ctx, "SELECT pg_total_relation_size($1::regclass)", p).Scan(&n); err != nil {
			t.Fatal(err)
		}
		parts += n
	}
	m, pct := pgSampleMethod(ev.estRows, ev.sizeBytes, 100)
	t.Logf("ev: estRows %.0f sizeBytes %d (partitions %d) -> %s %.4f%%", ev.estRows, ev.sizeBytes, parts, m, pct)
	if ev.sizeBytes != parts || parts == 0 {
		t.Errorf("partitioned table size %d; want its partitions' %d", ev.sizeBytes, parts)
	}
	if ev.estRows < 90000 {
		t.Errorf("partitioned table row estimate %.0f; want about 100000", ev.estRows)
	}
}

// TestMariaDBSystemVersionedTable checks that a MariaDB table WITH SYSTEM
// VERSIONING (TABLE_TYPE 'SYSTEM VERSIONED', not 'BASE TABLE') is listed
// and sampled: it was neither sampled, nor counted, nor reported.
func TestMariaDBSystemVersionedTable(t *testing.T) {
	ctx := context.Background()
	srv := dbtest.Shared(t, dbtest.MariaDB)
	const db = "cairn_versioned"
	if err := srv.Exec(ctx, "", "DROP DATABASE IF EXISTS "+db, "CREATE DATABASE "+db); err != nil {
		t.Fatal(err)
	}
	if err := srv.Exec(ctx, db, "CREATE TABLE plain (ssn varchar(11))",
		"CREATE TABLE people (ssn varchar(11)) WITH SYSTEM VERSIONING",
		"INSERT INTO people VALUES ('536-22-8147')"); err != nil {
		t.Fatal(err)
	}
	c, tables, names := listTables(t, "mysql", srv, db)
	if !slices.Equal(names, []string{"people", "plain"}) {
		t.Fatalf("tables %v; want [people plain], the system-versioned table included", names)
	}
	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{3}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	s := &RDSScanner{engine: engine, opts: DBOptions{SampleRows: 100}.withDefaults(), log: discardLogger()}
	target := &dbTarget{arn: "arn:aws:rds:us-east-1:123456789012:db:probe", id: "probe", region: "us-east-1"}
	res, findings := s.sampleTable(ctx, c, target, tables[0], sampleParams{})
	if res.Status != StatusComplete || len(findings) == 0 {
		t.Errorf("sampling the system-versioned table: %s %s, %d findings; want COMPLETE with a finding", res.Status, res.Reason, len(findings))
	}
}

// listTables connects to database db of srv as its administrator (family
// "postgresql" or "mysql") and lists its tables as the sampler does, with
// their names; the connection is closed when the test ends.
func listTables(t *testing.T, family string, srv *dbtest.Server, db string) (sqlConn, []*sqlTable, []string) {
	t.Helper()
	ctx := context.Background()
	c, err := sqlConnect(ctx, family, adminLogin(srv), db, testParams())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.close() })
	tables, _, err := c.tables(ctx, db, 100)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(tables))
	for i, tb := range tables {
		names[i] = tb.name
	}
	return c, tables, names
}
