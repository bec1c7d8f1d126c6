package scanner

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgreSQL sampling (RDS for PostgreSQL, Aurora PostgreSQL).
//
// Every session starts with default_transaction_read_only=on, a
// statement_timeout, a lock_timeout and an idle_in_transaction timeout set in
// the startup packet, and every table is read inside BEGIN READ ONLY. System
// schemas (pg_catalog, information_schema, pg_toast*, pg_temp*) are skipped.

// pgConn is a read-only PostgreSQL session.
type pgConn struct {
	conn *pgx.Conn
}

var _ sqlConn = (*pgConn)(nil)

// pgSessionParams are the startup parameters of every Cairn session.
func pgSessionParams(p connParams) map[string]string {
	ms := func(d interface{ Milliseconds() int64 }) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	return map[string]string{
		"application_name":                    "cairn",
		"default_transaction_read_only":       "on",
		"statement_timeout":                   ms(p.statementTimeout),
		"lock_timeout":                        ms(p.lockTimeout),
		"idle_in_transaction_session_timeout": ms(p.idleTimeout),
	}
}

// connectPostgres opens a session to database db. The configuration is built
// field by field: PG* environment variables and service files cannot change
// where it connects, how it authenticates or its TLS.
func connectPostgres(ctx context.Context, l *dbLogin, db string, p connParams) (*pgConn, error) {
	cfg, err := pgx.ParseConfig("sslmode=disable")
	if err != nil {
		return nil, fmt.Errorf("scanner: rds: postgres config: %w", err)
	}
	cfg.Host, cfg.Port = l.host, uint16(l.port)
	cfg.User, cfg.Password, cfg.Database = l.user, l.password, db
	cfg.TLSConfig, cfg.Fallbacks = l.tls, nil
	cfg.ConnectTimeout = p.connectTimeout
	cfg.RuntimeParams = pgSessionParams(p)
	cfg.KerberosSrvName, cfg.KerberosSpn = "", ""
	cfg.ValidateConnect, cfg.AfterConnect = nil, nil
	// Unnamed statements only: nothing is left prepared on the server, and
	// transaction-pooling proxies (RDS Proxy, pgbouncer) work.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &pgConn{conn: conn}, nil
}

func (c *pgConn) flavor() string { return "postgresql" }

func (c *pgConn) alive(ctx context.Context) bool { return !c.conn.IsClosed() }

func (c *pgConn) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.conn.Close(ctx)
}

// databases lists the databases that accept connections, templates and
// rdsadmin (RDS's own, closed to customers) excepted.
func (c *pgConn) databases(ctx context.Context) ([]string, error) {
	rows, err := c.conn.Query(ctx, `SELECT datname FROM pg_catalog.pg_database
		WHERE datallowconn AND NOT datistemplate AND datname <> 'rdsadmin' ORDER BY datname`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// pgTablesSQL lists tables, partitioned tables (not their partitions) and
// materialized views with their columns, outside the system schemas. $1 caps
// the relations. A partitioned table (relkind 'p') has no storage of its
// own: its size is the sum over its partitions, sub-partitions included
// (walked through pg_inherits, which every version with declarative
// partitioning has, unlike pg_partition_tree), and its row estimate the
// larger of its own and its partitions' (a parent that was never analysed
// has none).
const pgTablesSQL = `
WITH RECURSIVE rel AS (
  SELECT c.oid, c.relkind, n.nspname, c.relname, c.reltuples
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_(toast|temp_)'
  ORDER BY n.nspname, c.relname
  LIMIT $1),
tree(root, oid) AS (
  SELECT rel.oid, rel.oid FROM rel WHERE rel.relkind = 'p'
  UNION ALL
  SELECT tree.root, i.inhrelid FROM tree JOIN pg_catalog.pg_inherits i ON i.inhparent = tree.oid),
part AS (
  SELECT tree.root,
         sum(pg_catalog.pg_total_relation_size(tree.oid))::bigint AS bytes,
         sum(GREATEST(c.reltuples, 0))::float8 AS tuples
  FROM tree JOIN pg_catalog.pg_class c ON c.oid = tree.oid
  WHERE tree.oid <> tree.root
  GROUP BY tree.root)
SELECT rel.nspname, rel.relname, GREATEST(rel.reltuples::float8, COALESCE(part.tuples, -1)),
       COALESCE(part.bytes, pg_catalog.pg_total_relation_size(rel.oid), 0),
       COALESCE(a.attname::text, ''),
       COALESCE(bt.typname::text, ty.typname::text, ''),
       COALESCE(bt.typcategory::text, ty.typcategory::text, '')
FROM rel
LEFT JOIN part ON part.root = rel.oid
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type bt ON ty.typtype = 'd' AND bt.oid = ty.typbasetype
ORDER BY rel.nspname, rel.relname, a.attnum`

// pgColumnKind decides whether and how a column of a type is sampled: text
// (strings, numbers, enums, arrays, composites, JSON, XML, UUID) or binary
// (bytea). Dates, times, booleans, geometry, network and range types are
// skipped: they cannot hold the identifiers Cairn looks for.
func pgColumnKind(typname, category string) (columnKind, bool) {
	switch category {
	case "S", "N", "A", "E", "C":
		return kindText, true
	case "U":
		switch typname {
		case "json", "jsonb", "xml", "uuid", "citext", "hstore":
			return kindText, true
		case "bytea":
			return kindBinary, true
		}
	}
	return 0, false
}

func (c *pgConn) tables(ctx context.Context, db string, max int) ([]*sqlTable, bool, error) {
	rows, err := c.conn.Query(ctx, pgTablesSQL, max+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []*sqlTable
	for rows.Next() {
		var schema, name, col, typ, cat string
		var est float64
		var size int64
		if err := rows.Scan(&schema, &name, &est, &size, &col, &typ, &cat); err != nil {
			return nil, false, err
		}
		if n := len(out); n == 0 || out[n-1].schema != schema || out[n-1].name != name {
			out = append(out, &sqlTable{db: db, schema: schema, name: name, estRows: est, sizeBytes: size})
		}
		t := out[len(out)-1]
		if kind, ok := pgColumnKind(typ, cat); ok && col != "" {
			t.columns = append(t.columns, sqlColumn{name: col, typ: typ, kind: kind})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	truncated := len(out) > max
	if truncated {
		out = out[:max]
	}
	return out, truncated, nil
}

// PostgreSQL sampling methods (ObjectResult.Format is "postgresql:<method>").
const (
	pgMethodLimit         = "limit"                 // small table, or no statistics
	pgMethodBernoulli     = "tablesample-bernoulli" // row-level sample; reads every page
	pgMethodSystem        = "tablesample-system"    // page-level sample; reads only the sampled pages
	pgMethodLimitFallback = "limit-fallback"        // TABLESAMPLE returned too few rows
)

// pgBernoulliMaxBytes is the largest table sampled with BERNOULLI, which
// reads every page; larger tables use SYSTEM, which reads only the sampled
// pages.
const pgBernoulliMaxBytes = 256 << 20

// pgSampleMethod chooses how to sample a table of estRows rows (< 0: never
// analysed) and sizeBytes for n rows, and the TABLESAMPLE percentage. Tables
// with at most 2n rows, or without statistics, are read with LIMIT. A size
// of 0 for a table with rows is not known to be small (a relation without
// storage of its own): BERNOULLI, which reads every page, is never chosen
// on it.
func pgSampleMethod(estRows float64, sizeBytes int64, n int) (string, float64) {
	if estRows <= 2*float64(n) {
		return pgMethodLimit, 0
	}
	// Oversample by half so that LIMIT n usually fills from the sample.
	pct := min(100, 150*float64(n)/estRows)
	if sizeBytes > 0 && sizeBytes <= pgBernoulliMaxBytes {
		return pgMethodBernoulli, pct
	}
	return pgMethodSystem, pct
}

// pgSelectList returns the column expressions: text cast and truncated to
// maxValue characters, bytea truncated to maxValue bytes and escape-encoded
// (printable bytes stay as they are). Identifiers are quoted with
// pgx.Identifier.Sanitize.
func pgSelectList(cols []sqlColumn, maxValue int) string {
	exprs := make([]string, len(cols))
	for i, col := range cols {
		id := pgx.Identifier{col.name}.Sanitize()
		if col.kind == kindBinary {
			exprs[i] = fmt.Sprintf("encode(substring(%s from 1 for %d), 'escape')", id, maxValue)
		} else {
			exprs[i] = fmt.Sprintf("left((%s)::text, %d)", id, maxValue)
		}
	}
	return strings.Join(exprs, ", ")
}

// pgSampleSQL builds the sampling query of a method.
func pgSampleSQL(tbl *sqlTable, cols []sqlColumn, method string, pct float64, p sampleParams) string {
	q := "SELECT " + pgSelectList(cols, p.maxValue) + " FROM " + pgx.Identifier{tbl.schema, tbl.name}.Sanitize()
	switch method {
	case pgMethodBernoulli:
		q += " TABLESAMPLE BERNOULLI (" + strconv.FormatFloat(pct, 'f', 6, 64) + ")"
	case pgMethodSystem:
		q += " TABLESAMPLE SYSTEM (" + strconv.FormatFloat(pct, 'f', 6, 64) + ")"
	}
	return q + " LIMIT " + strconv.Itoa(p.rows)
}

// sample reads the table in one read-only transaction: TABLESAMPLE for large
// tables, falling back to LIMIT when the sample returns fewer than half the
// rows expected; LIMIT for small ones.
func (c *pgConn) sample(ctx context.Context, tbl *sqlTable, cols []sqlColumn, p sampleParams, rs *rowSink) (string, error) {
	method, pct := pgSampleMethod(tbl.estRows, tbl.sizeBytes, p.rows)
	if p.force != "" {
		method, pct = p.force, max(pct, 1)
	}
	if p.pct > 0 {
		pct = p.pct
	}
	tx, err := c.begin(ctx)
	if err != nil {
		return method, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := c.read(ctx, tx, pgSampleSQL(tbl, cols, method, pct, p), rs); err != nil {
		return method, err
	}
	if method == pgMethodLimit {
		return method, nil
	}
	expected := min(float64(p.rows), tbl.estRows)
	if float64(rs.rows) >= expected/2 {
		return method, nil
	}
	rs.reset()
	return pgMethodLimitFallback, c.read(ctx, tx, pgSampleSQL(tbl, cols, pgMethodLimit, 0, p), rs)
}

// begin starts the read-only transaction a table is read in (BEGIN READ
// ONLY; the session default is read-only as well).
func (c *pgConn) begin(ctx context.Context) (pgx.Tx, error) {
	return c.conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
}

// read runs a query and feeds its rows to rs.
func (c *pgConn) read(ctx context.Context, tx pgx.Tx, q string, rs *rowSink) error {
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rs.add(rows.RawValues()); err != nil {
			return err
		}
	}
	return rows.Err()
}
