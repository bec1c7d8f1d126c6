package dbtest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// mariadbBinaries finds mariadbd and mariadb-install-db (or their mysqld and
// mysql_install_db names) on PATH or in /usr/sbin and /usr/bin.
func mariadbBinaries() (install, server string, err error) {
	find := func(names ...string) string {
		for _, n := range names {
			if p, err := exec.LookPath(n); err == nil {
				return p
			}
			for _, d := range []string{"/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"} {
				if p := filepath.Join(d, n); isExecutable(p) {
					return p
				}
			}
		}
		return ""
	}
	server = find("mariadbd", "mysqld")
	install = find("mariadb-install-db", "mysql_install_db")
	if server == "" || install == "" {
		return "", "", fmt.Errorf("%w: mariadbd and mariadb-install-db not found (Debian: apt-get install mariadb-server)", ErrNotInstalled)
	}
	return install, server, nil
}

// StartMariaDB creates a MariaDB data directory in a new temporary directory
// (mariadb-install-db) and starts mariadbd on a free 127.0.0.1 port, with no option
// file read (--no-defaults) and grant tables in force. The admin user is
// "cairn_admin"@"%" with a random password and every privilege. ctx bounds the start
// only; the server runs until Stop, which the caller must call. It returns an error
// wrapping ErrNotInstalled when MariaDB is missing.
func StartMariaDB(ctx context.Context) (*Server, error) {
	install, server, err := mariadbBinaries()
	if err != nil {
		return nil, err
	}
	dir, err := makeDir("dbtest-maria-", nil)
	if err != nil {
		return nil, fmt.Errorf("dbtest: start mariadb: %w", err)
	}
	s := &Server{
		Flavor: MariaDB, Host: "127.0.0.1",
		AdminUser: "cairn_admin", AdminPassword: randomPassword(),
		Dir: dir, LogPath: filepath.Join(dir, "server.log"), socket: filepath.Join(dir, "mysqld.sock"),
	}
	fail := func(err error) (*Server, error) {
		tail := s.LogTail(2048)
		s.Stop()
		return nil, fmt.Errorf("dbtest: start mariadb: %w\nlog:\n%s", err, tail)
	}
	data := filepath.Join(dir, "data")
	userArgs := []string{}
	if os.Geteuid() == 0 {
		userArgs = append(userArgs, "--user=root")
	}
	// Small InnoDB files and buffers: faster to create, and light on a busy
	// machine. mariadb-install-db passes these to its bootstrap server.
	innodb := []string{"--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M"}
	args := append([]string{"--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal",
		"--skip-test-db", "--skip-name-resolve"}, append(innodb, userArgs...)...)
	err = runTool(ctx, s.LogPath, nil, install, args...)
	if err != nil && ctx.Err() == nil {
		// Bootstrapping has been seen to fail once under heavy load; a second
		// attempt on a clean directory is cheap.
		os.RemoveAll(data)
		err = runTool(ctx, s.LogPath, nil, install, args...)
	}
	if err != nil {
		return fail(err)
	}

	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return fail(err)
		}
		s.Port = port
		args := append([]string{"--no-defaults", "--datadir=" + data, "--port=" + strconv.Itoa(port),
			"--bind-address=127.0.0.1", "--socket=" + s.socket, "--pid-file=" + filepath.Join(dir, "mysqld.pid"),
			"--log-error=" + s.LogPath, "--skip-name-resolve", "--skip-log-bin",
			"--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
			"--performance-schema=OFF", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
			"--max-connections=200"}, append(innodb, userArgs...)...)
		cmd := exec.Command(server, args...)
		cmd.Env = toolEnv()
		cmd.Dir = dir
		if err := s.launch(cmd); err != nil {
			return fail(err)
		}
		lastErr = s.waitReady(ctx, func(ctx context.Context) error {
			db := sql.OpenDB(mustConnector(s.rootSocketConfig()))
			defer db.Close()
			return db.PingContext(ctx)
		})
		if lastErr == nil {
			break
		}
		if !s.exited() || ctx.Err() != nil {
			return fail(lastErr)
		}
	}
	if lastErr != nil {
		return fail(lastErr)
	}
	if err := s.bootstrapAdmin(ctx); err != nil {
		return fail(err)
	}
	return s, nil
}

// rootSocketConfig logs in as root over the unix socket (password-less right after
// mariadb-install-db).
func (s *Server) rootSocketConfig() *mysql.Config {
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr, cfg.User = "unix", s.socket, "root"
	return cfg
}

// adminMySQLConfig logs in as the admin user over TCP.
func (s *Server) adminMySQLConfig(db string) *mysql.Config {
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr = "tcp", s.Addr()
	cfg.User, cfg.Passwd, cfg.DBName = s.AdminUser, s.AdminPassword, db
	return cfg
}

func mustConnector(cfg *mysql.Config) driver.Connector {
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		// NewConnector fails only on invalid configuration, which these are not.
		panic(fmt.Sprintf("dbtest: mysql connector: %v", err))
	}
	return c
}

// bootstrapAdmin creates the TCP admin user and removes anonymous accounts, then reads
// the version over TCP as that user.
func (s *Server) bootstrapAdmin(ctx context.Context) error {
	root := sql.OpenDB(mustConnector(s.rootSocketConfig()))
	defer root.Close()
	pw := strings.ReplaceAll(s.AdminPassword, "'", "''")
	for _, st := range []string{
		"DROP USER IF EXISTS ''@'localhost'",
		"CREATE USER '" + s.AdminUser + "'@'%' IDENTIFIED BY '" + pw + "'",
		"GRANT ALL PRIVILEGES ON *.* TO '" + s.AdminUser + "'@'%' WITH GRANT OPTION",
	} {
		if _, err := root.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("bootstrap admin: %w", err)
		}
	}
	admin := sql.OpenDB(mustConnector(s.adminMySQLConfig("")))
	defer admin.Close()
	return admin.QueryRowContext(ctx, "SELECT VERSION()").Scan(&s.Version)
}

func (s *Server) execMariaDB(ctx context.Context, db string, stmts []string) error {
	conn := sql.OpenDB(mustConnector(s.adminMySQLConfig(db)))
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	for i, st := range stmts {
		if _, err := conn.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("dbtest: mariadb: statement %d in %q: %w", i+1, db, err)
		}
	}
	return nil
}
