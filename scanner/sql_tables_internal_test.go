package scanner

import (
	"context"
	"slices"
	"testing"

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
	c, err := sqlConnect(ctx, "postgresql", adminLogin(srv), db, testParams())
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	tables, _, err := c.tables(ctx, db, 100)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var ev *sqlTable
	for _, tb := range tables {
		names = append(names, tb.name)
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
