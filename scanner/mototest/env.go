package mototest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Test credentials and region. moto accepts any credentials; these are the values its
// documentation uses, and they can never be mistaken for real keys.
const (
	AccessKeyID     = "testing"
	SecretAccessKey = "testing"
	Region          = "us-east-1"
	// AccountID is the account moto reports for these credentials.
	AccountID = "123456789012"
)

// CredentialsEnv returns the environment ("KEY=VALUE") under which the SDK's default
// chain resolves the test credentials and region, reads no shared config or credentials
// file (both point into a directory that does not exist) and does not probe the
// instance metadata service. Every other AWS_* variable should be unset: tests use
// SetTestCredentials, programs such as the demo UseTestCredentials.
func CredentialsEnv() []string {
	missing := filepath.Join(os.TempDir(), "mototest-no-such-dir")
	return []string{
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region,
		"AWS_CONFIG_FILE=" + filepath.Join(missing, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(missing, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// SetTestCredentials sets the environment of CredentialsEnv for the duration of t (the
// shared files pointing into t.TempDir) and unsets every other AWS_* variable
// (AWS_PROFILE, AWS_SESSION_TOKEN, AWS_ENDPOINT_URL…, AWS_ROLE_ARN,
// AWS_CONTAINER_CREDENTIALS_…), so nothing outside the test changes what the SDK does.
// The previous environment is restored when t ends. Like t.Setenv, it cannot be used in
// parallel tests or tests with parallel ancestors.
func SetTestCredentials(t testing.TB) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "") // registers the restore of the old value
			os.Unsetenv(k)
		}
	}
	dir := filepath.Join(t.TempDir(), "no-such-dir")
	for _, kv := range CredentialsEnv() {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "AWS_CONFIG_FILE":
			v = filepath.Join(dir, "config")
		case "AWS_SHARED_CREDENTIALS_FILE":
			v = filepath.Join(dir, "credentials")
		}
		t.Setenv(k, v)
	}
}

// UseTestCredentials is SetTestCredentials for programs (the demo): it unsets every
// AWS_* variable of the process and sets those of CredentialsEnv, for good.
func UseTestCredentials() error {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			if err := os.Unsetenv(k); err != nil {
				return fmt.Errorf("mototest: use test credentials: %w", err)
			}
		}
	}
	for _, kv := range CredentialsEnv() {
		k, v, _ := strings.Cut(kv, "=")
		if err := os.Setenv(k, v); err != nil {
			return fmt.Errorf("mototest: use test credentials: %w", err)
		}
	}
	return nil
}
