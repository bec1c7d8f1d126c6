package dbtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
)

// Fixture names. The fixture is one database (FixtureOptions.Database, default "shop")
// with three tables: customers (seeded sensitive columns and decoys), orders (5,000
// rows of decoys, enough for sampling methods to differ from a plain LIMIT) and
// audit_log (which the reader account may not SELECT). In PostgreSQL the tables are
// in schema FixtureSchema; in MariaDB the schema is the database.
const (
	FixtureDatabase = "shop"
	FixtureSchema   = "crm"
)

// FixtureSensitive maps each sensitive column of the customers table to the
// identifiers its values must be found as. Every value of these columns holds one.
var FixtureSensitive = map[string][]string{
	"ssn":         {"US_SSN"},
	"email":       {"EMAIL_ADDRESS"},
	"card_number": {"CREDIT_CARD_NUMBER"},
	"iban":        {"IBAN"},
	"phone":       {"US_PHONE_NUMBER"},
	"profile":     {"EMAIL_ADDRESS", "US_SSN"}, // a JSON column: {"ssn": …, "contact": {"email": …}}
}

// FixtureDecoys lists columns of customers and orders whose values look like
// sensitive data to a naive pattern (9-digit numbers, UUIDs, hex digests, timestamps,
// binary) but are not: no finding may be reported for them.
var FixtureDecoys = []string{
	"customers.order_id", "customers.request_id", "customers.password_hash",
	"customers.tracking_code", "customers.updated_text", "customers.created_at",
	"customers.avatar", "customers.full_name", "customers.notes",
	"orders.order_ref", "orders.amount", "orders.status", "orders.customer_id",
}

// FixtureOptions shape LoadFixture. Zero values take the defaults.
type FixtureOptions struct {
	Database string // default FixtureDatabase; dropped and recreated
	// Reader and ReaderPassword name a login that is created (or has its password
	// reset) and may SELECT customers and orders but not audit_log. Empty: no reader.
	Reader, ReaderPassword string
	Customers              int // rows of customers, default 300
	Orders                 int // rows of orders, default 5,000
}

// LoadFixture creates the fixture database on s and fills it deterministically, then
// refreshes the planner statistics (the samplers read row estimates from them).
func LoadFixture(ctx context.Context, s *Server, o FixtureOptions) error {
	if o.Database == "" {
		o.Database = FixtureDatabase
	}
	if o.Customers <= 0 {
		o.Customers = 300
	}
	if o.Orders <= 0 {
		o.Orders = 5000
	}
	if !plainIdent(o.Database) || (o.Reader != "" && !plainIdent(o.Reader)) {
		return fmt.Errorf("dbtest: fixture: database and reader names must be [a-z0-9_]")
	}
	switch s.Flavor {
	case Postgres:
		return loadPostgresFixture(ctx, s, o)
	case MariaDB:
		return loadMariaDBFixture(ctx, s, o)
	}
	return fmt.Errorf("dbtest: fixture: unknown flavor %q", s.Flavor)
}

func plainIdent(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}

func loadPostgresFixture(ctx context.Context, s *Server, o FixtureOptions) error {
	db, sc := o.Database, FixtureSchema
	if err := s.Exec(ctx, "postgres",
		"DROP DATABASE IF EXISTS "+db+" WITH (FORCE)",
		"CREATE DATABASE "+db,
	); err != nil {
		return err
	}
	stmts := []string{
		"CREATE SCHEMA " + sc,
		`CREATE TABLE ` + sc + `.customers (
			id integer PRIMARY KEY, full_name text NOT NULL,
			ssn text, email text, card_number varchar(32), iban text, phone text, profile jsonb,
			order_id bigint, request_id uuid, password_hash char(64), tracking_code text,
			updated_text text, created_at timestamptz NOT NULL DEFAULT now(), avatar bytea, notes text)`,
		`CREATE TABLE ` + sc + `.orders (
			id bigint PRIMARY KEY, customer_id integer, amount numeric(10,2), order_ref bigint,
			status text, created_at timestamptz)`,
		fmt.Sprintf(`INSERT INTO %s.orders SELECT g, 1 + g %% %d, (g %% 1000) / 7.0,
			100000000 + (g::bigint * 7919) %% 899999999, (ARRAY['new','paid','shipped'])[1 + g %% 3],
			now() - g * interval '1 minute' FROM generate_series(1, %d) g`, sc, o.Customers, o.Orders),
		`CREATE TABLE ` + sc + `.audit_log (id serial PRIMARY KEY, actor_email text, action text)`,
		`INSERT INTO ` + sc + `.audit_log (actor_email, action) VALUES ('auditor@example.com', 'login')`,
	}
	stmts = append(stmts, customerInserts(Postgres, sc+".customers", o.Customers)...)
	stmts = append(stmts, "ANALYZE")
	if o.Reader != "" {
		pw := sqlString(o.ReaderPassword)
		stmts = append(stmts,
			`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '`+o.Reader+`') THEN CREATE ROLE `+o.Reader+` LOGIN; END IF; END $$`,
			"ALTER ROLE "+o.Reader+" LOGIN PASSWORD "+pw,
			"GRANT CONNECT ON DATABASE "+db+" TO "+o.Reader,
			"GRANT USAGE ON SCHEMA "+sc+" TO "+o.Reader,
			"GRANT SELECT ON "+sc+".customers, "+sc+".orders TO "+o.Reader,
			"REVOKE ALL ON "+sc+".audit_log FROM PUBLIC",
		)
	}
	return s.Exec(ctx, db, stmts...)
}

func loadMariaDBFixture(ctx context.Context, s *Server, o FixtureOptions) error {
	db := o.Database
	if err := s.Exec(ctx, "", "DROP DATABASE IF EXISTS "+db, "CREATE DATABASE "+db+" CHARACTER SET utf8mb4"); err != nil {
		return err
	}
	stmts := []string{
		`CREATE TABLE ` + db + `.customers (
			id INT PRIMARY KEY, full_name VARCHAR(100) NOT NULL,
			ssn CHAR(11), email VARCHAR(255), card_number VARCHAR(32), iban VARCHAR(40), phone VARCHAR(20), profile JSON,
			order_id BIGINT, request_id CHAR(36), password_hash CHAR(64), tracking_code VARCHAR(9),
			updated_text VARCHAR(32), created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, avatar BLOB, notes TEXT)`,
		`CREATE TABLE ` + db + `.orders (
			id BIGINT PRIMARY KEY, customer_id INT, amount DECIMAL(10,2), order_ref BIGINT,
			status VARCHAR(16), created_at DATETIME)`,
		fmt.Sprintf(`INSERT INTO %s.orders SELECT seq, 1 + seq %% %d, (seq %% 1000) / 7,
			100000000 + (seq * 7919) %% 899999999, ELT(1 + seq %% 3, 'new', 'paid', 'shipped'),
			NOW() - INTERVAL seq MINUTE FROM seq_1_to_%d`, db, o.Customers, o.Orders),
		`CREATE TABLE ` + db + `.audit_log (id INT AUTO_INCREMENT PRIMARY KEY, actor_email VARCHAR(255), action VARCHAR(32))`,
		`INSERT INTO ` + db + `.audit_log (actor_email, action) VALUES ('auditor@example.com', 'login')`,
	}
	stmts = append(stmts, customerInserts(MariaDB, db+".customers", o.Customers)...)
	stmts = append(stmts, "ANALYZE TABLE "+db+".customers, "+db+".orders")
	if o.Reader != "" {
		acct := "'" + o.Reader + "'@'%'"
		stmts = append(stmts,
			"CREATE USER IF NOT EXISTS "+acct+" IDENTIFIED BY "+sqlString(o.ReaderPassword),
			"ALTER USER "+acct+" IDENTIFIED BY "+sqlString(o.ReaderPassword),
			"GRANT SELECT ON "+db+".customers TO "+acct,
			"GRANT SELECT ON "+db+".orders TO "+acct,
			// Visible in information_schema, but SELECT is denied.
			"GRANT INSERT ON "+db+".audit_log TO "+acct,
		)
	}
	return s.Exec(ctx, db, stmts...) // seq_1_to_N needs a current database
}

// customerInserts returns multi-row INSERTs of n deterministic customers.
func customerInserts(f Flavor, table string, n int) []string {
	const batch = 100
	var stmts []string
	for start := 1; start <= n; start += batch {
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (id, full_name, ssn, email, card_number, iban, phone, profile, " +
			"order_id, request_id, password_hash, tracking_code, updated_text, avatar, notes) VALUES ")
		for i := start; i < start+batch && i <= n; i++ {
			if i > start {
				b.WriteString(", ")
			}
			c := FixtureCustomer(i)
			avatar := sha256.Sum256([]byte(fmt.Sprintf("avatar-%d", i)))
			bin := strings.Repeat(hex.EncodeToString(avatar[:]), 2)
			binLit := "'\\x" + bin + "'::bytea"
			uuidLit := sqlString(c.RequestID) + "::uuid"
			if f == MariaDB {
				binLit = "X'" + bin + "'"
				uuidLit = sqlString(c.RequestID)
			}
			fmt.Fprintf(&b, "(%d, %s, %s, %s, %s, %s, %s, %s, %d, %s, %s, %s, %s, %s, %s)",
				i, sqlString(c.FullName), sqlString(c.SSN), sqlString(c.Email), sqlString(c.CardNumber),
				sqlString(c.IBAN), sqlString(c.Phone), sqlString(c.ProfileJSON), c.OrderID, uuidLit,
				sqlString(c.PasswordHash), sqlString(c.TrackingCode), sqlString(c.UpdatedText), binLit,
				sqlString(c.Notes))
		}
		stmts = append(stmts, b.String())
	}
	return stmts
}

// sqlString quotes s as a standard SQL string literal. Fixture values are ASCII
// without backslashes, so doubling quotes is enough for both servers.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Customer is one deterministic fixture customer. The sensitive values are valid
// (checksums, number ranges) but fictitious.
type Customer struct {
	FullName     string
	SSN          string // 123-45-6789 form, valid area/group/serial
	Email        string
	CardNumber   string // 16-digit Visa, Luhn-valid
	IBAN         string // German IBAN, mod-97 valid
	Phone        string // (212) 555-0142 form
	ProfileJSON  string // {"tier":…, "ssn":…, "contact":{"email":…}}
	OrderID      int64  // 9 digits: decoy
	RequestID    string // UUID: decoy
	PasswordHash string // 64 hex characters: decoy
	TrackingCode string // 9 digits as text: decoy
	UpdatedText  string // timestamp as text: decoy
	Notes        string // free text without sensitive values
}

// FixtureCustomer returns customer i (i ≥ 1). Tests and the demo can use it to seed
// other stores (DynamoDB, S3) with the same kind of data.
func FixtureCustomer(i int) Customer {
	area := 100 + (i*37)%565
	if area == 666 {
		area = 667
	}
	ssn := fmt.Sprintf("%03d-%02d-%04d", area, 1+(i*13)%98, 1+(i*7919)%9998)
	email := fmt.Sprintf("customer%d@example.com", i)
	sum := sha256.Sum256([]byte(fmt.Sprintf("customer-%d", i)))
	h := hex.EncodeToString(sum[:])
	areas := []int{212, 303, 415, 646, 617, 702}
	exch := 200 + (i*17)%700
	if exch%100 == 11 {
		exch++
	}
	return Customer{
		FullName:     fmt.Sprintf("Customer %d", i),
		SSN:          ssn,
		Email:        email,
		CardNumber:   luhnComplete(fmt.Sprintf("4%014d", 532013000000+int64(i)*7919)),
		IBAN:         germanIBAN(fmt.Sprintf("%08d%010d", 37040044, 532013000+i)),
		Phone:        fmt.Sprintf("(%d) %03d-%04d", areas[i%len(areas)], exch, (i*31)%10000),
		ProfileJSON:  fmt.Sprintf(`{"tier": "%s", "ssn": "%s", "contact": {"email": "%s", "preferred": true}}`, []string{"gold", "silver", "bronze"}[i%3], ssn, email),
		OrderID:      100000000 + int64(i*7919)%899999999,
		RequestID:    h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32],
		PasswordHash: h,
		TrackingCode: fmt.Sprintf("%09d", 100000000+(i*104729)%899999999),
		UpdatedText:  fmt.Sprintf("2025-%02d-%02d %02d:%02d:%02d", 1+i%12, 1+i%28, i%24, i%60, (i*7)%60),
		Notes:        []string{"prefers contact by post", "VIP since 2019", "asked about the loyalty programme"}[i%3],
	}
}

// luhnComplete appends the Luhn check digit to the digit string d.
func luhnComplete(d string) string {
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if (len(d)-1-i)%2 == 0 { // doubled positions, counting from the check digit's left
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return d + string(rune('0'+(10-sum%10)%10))
}

// germanIBAN returns the IBAN DEkk<bban> with valid check digits.
func germanIBAN(bban string) string {
	// Move "DE00" to the end, letters as numbers (D=13, E=14), remainder mod 97.
	n, _ := new(big.Int).SetString(bban+"131400", 10)
	r := new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("DE%02d%s", 98-r, bban)
}
