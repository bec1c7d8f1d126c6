package scanner

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// MySQL and MariaDB sampling (RDS for MySQL and MariaDB, Aurora MySQL).
//
// Every session runs SET SESSION TRANSACTION READ ONLY, a statement time
// limit (MySQL max_execution_time, MariaDB max_statement_time) and lock wait
// limits before its first query, and every table is read inside START
// TRANSACTION READ ONLY. The system schemas (mysql, sys, performance_schema,
// information_schema) are skipped. In MySQL a schema is a database, so
// locations read db/db.table.column.

// mysqlSystemSchemas are never sampled.
var mysqlSystemSchemas = []string{"mysql", "sys", "performance_schema", "information_schema", "rdsadmin"}

// myConn is a read-only MySQL or MariaDB session: one pinned connection of a
// private pool, so the session settings hold for every statement.
type myConn struct {
	db      *sql.DB
	conn    *sql.Conn
	mariadb bool
}

var _ sqlConn = (*myConn)(nil)

// connectMySQL opens a session to database db ("" for none) and applies the
// read-only settings; a session whose settings fail is closed, never used.
func connectMySQL(ctx context.Context, l *dbLogin, db string, p connParams) (*myConn, error) {
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr = "tcp", net.JoinHostPort(l.host, strconv.Itoa(l.port))
	cfg.User, cfg.Passwd, cfg.DBName = l.user, l.password, db
	cfg.TLS = l.tls
	// RDS IAM tokens are sent with the cleartext plugin, which the driver
	// allows only over TLS.
	cfg.AllowCleartextPasswords = l.iam && l.tls != nil
	cfg.Timeout = p.connectTimeout
	// A backstop for a server that stops answering; statements are limited
	// server-side first.
	cfg.ReadTimeout = p.statementTimeout + 30*time.Second
	cfg.WriteTimeout = 30 * time.Second
	cfg.InterpolateParams = true // no server-side prepared statements
	cfg.ParseTime = false
	cfg.Params = nil
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("scanner: rds: mysql config: %w", err)
	}
	pool := sql.OpenDB(connector)
	pool.SetMaxOpenConns(1)
	pool.SetMaxIdleConns(1)
	conn, err := pool.Conn(ctx)
	if err != nil {
		pool.Close()
		return nil, err
	}
	c := &myConn{db: pool, conn: conn}
	if err := c.setup(ctx, p); err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

// setup applies the session's read-only mode and limits.
func (c *myConn) setup(ctx context.Context, p connParams) error {
	var version string
	if err := c.conn.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		return err
	}
	c.mariadb = strings.Contains(strings.ToLower(version), "mariadb")
	lock := max(1, int(p.lockTimeout/time.Second))
	stmts := []string{
		"SET SESSION TRANSACTION READ ONLY",
		fmt.Sprintf("SET SESSION lock_wait_timeout = %d", lock),
		fmt.Sprintf("SET SESSION innodb_lock_wait_timeout = %d", lock),
	}
	if c.mariadb {
		stmts = append(stmts, fmt.Sprintf("SET SESSION max_statement_time = %.3f", p.statementTimeout.Seconds()))
	} else {
		stmts = append(stmts, fmt.Sprintf("SET SESSION max_execution_time = %d", p.statementTimeout.Milliseconds()))
	}
	for _, st := range stmts {
		if _, err := c.conn.ExecContext(ctx, st); err != nil {
			return err
		}
	}
	return nil
}

func (c *myConn) flavor() string {
	if c.mariadb {
		return "mariadb"
	}
	return "mysql"
}

func (c *myConn) alive(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return c.conn.PingContext(ctx) == nil
}

func (c *myConn) close() {
	_ = c.conn.Close()
	_ = c.db.Close()
}

// myQuote quotes an identifier with backticks, doubling embedded backticks.
func myQuote(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }

func (c *myConn) databases(ctx context.Context) ([]string, error) {
	rows, err := c.conn.QueryContext(ctx, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		if !slices.Contains(mysqlSystemSchemas, strings.ToLower(name)) {
			out = append(out, name)
		}
	}
	return out, rows.Err()
}

// myTablesSQL lists the base tables of one schema (capped) with their
// columns, MariaDB's system-versioned tables included (TABLE_TYPE 'SYSTEM
// VERSIONED': their current rows are sampled). Tables on which the user has
// no privilege at all are not visible in information_schema; see
// docs/databases.md.
const myTablesSQL = `
SELECT t.TABLE_NAME, COALESCE(t.TABLE_ROWS, -1), COALESCE(t.DATA_LENGTH, 0) + COALESCE(t.INDEX_LENGTH, 0),
       c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_KEY
FROM (SELECT TABLE_NAME, TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME LIMIT ?) t
JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = ? AND c.TABLE_NAME = t.TABLE_NAME
ORDER BY t.TABLE_NAME, c.ORDINAL_POSITION`

// myColumnKind decides whether and how a column of a data type is sampled.
func myColumnKind(dataType string) (columnKind, bool) {
	switch strings.ToLower(dataType) {
	case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json",
		"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double":
		return kindText, true
	case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob":
		return kindBinary, true
	}
	return 0, false
}

func isIntType(dataType string) bool {
	switch strings.ToLower(dataType) {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint":
		return true
	}
	return false
}

func (c *myConn) tables(ctx context.Context, db string, max int) ([]*sqlTable, bool, error) {
	rows, err := c.conn.QueryContext(ctx, myTablesSQL, db, max+1, db)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []*sqlTable
	pkCols := map[*sqlTable][]string{}
	pkInt := map[*sqlTable]bool{}
	for rows.Next() {
		var name, col, dataType, key string
		var est, size int64
		if err := rows.Scan(&name, &est, &size, &col, &dataType, &key); err != nil {
			return nil, false, err
		}
		if n := len(out); n == 0 || out[n-1].name != name {
			out = append(out, &sqlTable{db: db, schema: db, name: name, estRows: float64(est), sizeBytes: size})
		}
		t := out[len(out)-1]
		if key == "PRI" {
			pkCols[t] = append(pkCols[t], col)
			if isIntType(dataType) {
				pkInt[t] = true
			}
		}
		if kind, ok := myColumnKind(dataType); ok {
			t.columns = append(t.columns, sqlColumn{name: col, typ: dataType, kind: kind})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	for t, cols := range pkCols {
		if len(cols) == 1 && pkInt[t] {
			t.intPK = cols[0]
		}
	}
	truncated := len(out) > max
	if truncated {
		out = out[:max]
	}
	return out, truncated, nil
}

// MySQL sampling methods (ObjectResult.Format is "mysql:<method>" or
// "mariadb:<method>").
const (
	myMethodLimit   = "limit"    // small table, or no single-column integer primary key
	myMethodPKRange = "pk-range" // random ranges of an integer primary key
)

// myPKChunks is how many random primary-key ranges a sample is drawn from.
const myPKChunks = 4

// mySelectList returns the column expressions: text truncated to maxValue
// characters, numbers and JSON as text, binary truncated to maxValue bytes.
func mySelectList(cols []sqlColumn, maxValue int) string {
	exprs := make([]string, len(cols))
	for i, col := range cols {
		id := myQuote(col.name)
		switch {
		case col.kind == kindBinary:
			exprs[i] = fmt.Sprintf("LEFT(%s, %d)", id, maxValue)
		default:
			exprs[i] = fmt.Sprintf("LEFT(CAST(%s AS CHAR), %d)", id, maxValue)
		}
	}
	return strings.Join(exprs, ", ")
}

// sample reads the table in one read-only transaction. A table with more
// than 2n estimated rows and a single-column integer primary key is read in
// myPKChunks ranges starting at random keys between its minimum and maximum
// (so the sample is not always the first rows), topped up from the start of
// the key space when the ranges are sparse; other tables with LIMIT.
func (c *myConn) sample(ctx context.Context, tbl *sqlTable, cols []sqlColumn, p sampleParams, rs *rowSink) (string, error) {
	method := myMethodLimit
	if tbl.intPK != "" && tbl.estRows > 2*float64(p.rows) {
		method = myMethodPKRange
	}
	if p.force != "" {
		method = p.force
	}
	tx, err := c.begin(ctx)
	if err != nil {
		return method, err
	}
	defer func() { _ = tx.Rollback() }()
	from := " FROM " + myQuote(tbl.db) + "." + myQuote(tbl.name)
	sel := "SELECT " + mySelectList(cols, p.maxValue) + from
	if method == myMethodLimit || tbl.intPK == "" {
		return myMethodLimit, c.read(ctx, tx, rs, sel+" LIMIT ?", p.rows)
	}

	pk := myQuote(tbl.intPK)
	var loS, hiS sql.NullString
	if err := tx.QueryRowContext(ctx, "SELECT MIN("+pk+"), MAX("+pk+")"+from).Scan(&loS, &hiS); err != nil {
		return method, err
	}
	if !loS.Valid || !hiS.Valid {
		return method, nil // empty
	}
	lo, err1 := strconv.ParseInt(loS.String, 10, 64)
	hi, err2 := strconv.ParseInt(hiS.String, 10, 64)
	if err1 != nil || err2 != nil || hi < lo || hi-lo+1 <= 0 {
		// Keys beyond int64 (BIGINT UNSIGNED) or a span that overflows.
		return myMethodLimit, c.read(ctx, tx, rs, sel+" LIMIT ?", p.rows)
	}
	starts := make([]int64, myPKChunks)
	for i := range starts {
		starts[i] = lo + rand.Int64N(hi-lo+1)
	}
	slices.Sort(starts)
	starts = slices.Compact(starts)
	per := max(1, p.rows/len(starts))
	for i, s := range starts {
		if i < len(starts)-1 {
			err = c.read(ctx, tx, rs, sel+" WHERE "+pk+" >= ? AND "+pk+" < ? ORDER BY "+pk+" LIMIT ?", s, starts[i+1], per)
		} else {
			err = c.read(ctx, tx, rs, sel+" WHERE "+pk+" >= ? ORDER BY "+pk+" LIMIT ?", s, p.rows-int(rs.rows))
		}
		if err != nil {
			return method, err
		}
	}
	if missing := p.rows - int(rs.rows); missing > 0 {
		err = c.read(ctx, tx, rs, sel+" WHERE "+pk+" < ? ORDER BY "+pk+" LIMIT ?", starts[0], missing)
	}
	return method, err
}

// begin starts the read-only transaction a table is read in (START
// TRANSACTION READ ONLY; the session default is read-only as well).
func (c *myConn) begin(ctx context.Context) (*sql.Tx, error) {
	return c.conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
}

// read runs a query and feeds its rows to rs.
func (c *myConn) read(ctx context.Context, tx *sql.Tx, rs *rowSink, q string, args ...any) error {
	if n, ok := args[len(args)-1].(int); ok && n <= 0 {
		return nil // LIMIT 0: nothing left to read
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	raw := make([]sql.RawBytes, len(cols))
	dest := make([]any, len(cols))
	for i := range raw {
		dest[i] = &raw[i]
	}
	vals := make([][]byte, len(cols))
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, r := range raw {
			vals[i] = r
		}
		if err := rs.add(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}
