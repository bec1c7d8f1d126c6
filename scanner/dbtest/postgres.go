package dbtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// postgresBinaries finds initdb and postgres: in $CAIRN_PG_BIN if set, else on PATH,
// else in the newest /usr/lib/postgresql/*/bin.
func postgresBinaries() (initdb, postgres string, err error) {
	var dirs []string
	if d := os.Getenv("CAIRN_PG_BIN"); d != "" {
		dirs = append(dirs, d)
	} else {
		if i, err1 := exec.LookPath("initdb"); err1 == nil {
			if p, err2 := exec.LookPath("postgres"); err2 == nil {
				return i, p, nil
			}
		}
		found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		slices.SortFunc(found, func(a, b string) int { return pgMajor(b) - pgMajor(a) })
		dirs = append(dirs, found...)
	}
	for _, d := range dirs {
		i, p := filepath.Join(d, "initdb"), filepath.Join(d, "postgres")
		if isExecutable(i) && isExecutable(p) {
			return i, p, nil
		}
	}
	return "", "", fmt.Errorf("%w: PostgreSQL initdb and postgres not found on PATH or in /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql-15)", ErrNotInstalled)
}

// pgMajor extracts the major version from /usr/lib/postgresql/<major>/bin.
func pgMajor(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// StartPostgres initialises a PostgreSQL cluster in a new temporary directory and
// starts it on a free 127.0.0.1 port, tuned for tests (fsync off). Local (unix socket)
// connections are trusted; TCP connections need a password (scram-sha-256), so wrong
// passwords fail as on a real server. The admin user is "postgres" with a random
// password. ctx bounds the start only; the server runs until Stop, which the caller
// must call. It returns an error wrapping ErrNotInstalled when PostgreSQL is missing.
func StartPostgres(ctx context.Context) (*Server, error) {
	initdb, postgres, err := postgresBinaries()
	if err != nil {
		return nil, err
	}
	u, err := unprivilegedUser()
	if err != nil {
		return nil, fmt.Errorf("dbtest: start postgres: %w", err)
	}
	dir, err := makeDir("dbtest-pg-", u)
	if err != nil {
		return nil, fmt.Errorf("dbtest: start postgres: %w", err)
	}
	s := &Server{
		Flavor: Postgres, Host: "127.0.0.1",
		AdminUser: "postgres", AdminPassword: randomPassword(),
		Dir: dir, LogPath: filepath.Join(dir, "server.log"), socket: dir,
	}
	fail := func(err error) (*Server, error) {
		tail := s.LogTail(2048)
		s.Stop()
		return nil, fmt.Errorf("dbtest: start postgres: %w\nlog:\n%s", err, tail)
	}
	pwFile := filepath.Join(dir, "pwfile")
	if err := os.WriteFile(pwFile, []byte(s.AdminPassword+"\n"), 0o600); err != nil {
		return fail(err)
	}
	if err := chownTree(dir, u); err != nil {
		return fail(err)
	}
	data := filepath.Join(dir, "data")
	if err := runTool(ctx, s.LogPath, u, initdb, "-D", data, "-U", s.AdminUser, "--pwfile", pwFile,
		"--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C",
		"--no-sync", "--no-instructions"); err != nil {
		return fail(err)
	}
	os.Remove(pwFile)

	var lastErr error
	for range 3 { // a port found free can be taken before the server binds it
		port, err := freePort()
		if err != nil {
			return fail(err)
		}
		s.Port = port
		cmd := exec.Command(postgres, "-D", data, "-p", strconv.Itoa(port), "-k", dir,
			"-c", "listen_addresses=127.0.0.1",
			"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
			"-c", "max_connections=100", "-c", "shared_buffers=32MB",
			"-c", "ssl=off", "-c", "log_min_messages=warning",
			"-c", "logging_collector=off")
		cmd.Env = toolEnv()
		cmd.Dir = dir
		runAs(cmd, u)
		if err := s.launch(cmd); err != nil {
			return fail(err)
		}
		lastErr = s.waitReady(ctx, func(ctx context.Context) error {
			conn, err := pgx.ConnectConfig(ctx, s.adminConfig("postgres"))
			if err != nil {
				return err
			}
			defer conn.Close(context.Background())
			return conn.QueryRow(ctx, "SELECT version()").Scan(&s.Version)
		})
		if lastErr == nil {
			return s, nil
		}
		if !s.exited() || ctx.Err() != nil {
			break
		}
	}
	return fail(lastErr)
}

// adminConfig is a connection config for the admin user over TCP. It is built field
// by field, not parsed from the environment, so PG* variables cannot redirect it.
func (s *Server) adminConfig(db string) *pgx.ConnConfig {
	cfg, _ := pgx.ParseConfig("sslmode=disable")
	cfg.Host, cfg.Port = s.Host, uint16(s.Port)
	cfg.User, cfg.Password, cfg.Database = s.AdminUser, s.AdminPassword, db
	cfg.TLSConfig, cfg.Fallbacks = nil, nil
	cfg.RuntimeParams = map[string]string{"application_name": "dbtest"}
	return cfg
}

func (s *Server) execPostgres(ctx context.Context, db string, stmts []string) error {
	if db == "" {
		db = "postgres"
	}
	conn, err := pgx.ConnectConfig(ctx, s.adminConfig(db))
	if err != nil {
		return fmt.Errorf("dbtest: postgres: connect to %s: %w", db, err)
	}
	defer conn.Close(context.Background())
	for i, st := range stmts {
		if _, err := conn.Exec(ctx, st); err != nil {
			return fmt.Errorf("dbtest: postgres: statement %d in %s: %w", i+1, db, err)
		}
	}
	return nil
}
