package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
)

// fileConfig is the YAML config file (--config). Every key mirrors a flag;
// a flag given on the command line wins over the file.
type fileConfig struct {
	Profile       string   `yaml:"profile"`
	Regions       []string `yaml:"regions"`
	EndpointURL   string   `yaml:"endpoint_url"`
	Out           string   `yaml:"out"`
	Only          []string `yaml:"only"`
	Buckets       []string `yaml:"buckets"`
	SampleObjects int      `yaml:"sample_objects"`
	SampleBytes   int64    `yaml:"sample_bytes"`
	MaxKeysListed int64    `yaml:"max_keys_listed"`
	// S3Inventory maps bucket names to the S3 Inventory read instead of
	// listing them (docs/formats.md, "S3 Inventory as the listing source").
	S3Inventory         map[string]string `yaml:"s3_inventory"`
	S3InventoryDiscover bool              `yaml:"s3_inventory_discover"`
	Concurrency         int               `yaml:"concurrency"`
	// RateLimits are --rate-limit's limits: requests per second by AWS
	// service id (docs/resilience.md).
	RateLimits         map[string]float64 `yaml:"rate_limits"`
	FailOn             string             `yaml:"fail_on"`
	FingerprintKeyFile string             `yaml:"fingerprint_key_file"`
	SampleRows         int                `yaml:"sample_rows"`
	ChecksExport       string             `yaml:"checks_export"`
	RDSIdentifiers     []string           `yaml:"rds_identifiers"`
	DynamoDBTables     []string           `yaml:"dynamodb_tables"`
	// Organization runs (docs/scale.md): the keys of --org, --role-name,
	// --external-id, --accounts, --exclude-accounts and --split-objects.
	Org             bool     `yaml:"org"`
	RoleName        string   `yaml:"role_name"`
	ExternalID      string   `yaml:"external_id"`
	Accounts        []string `yaml:"accounts"`
	ExcludeAccounts []string `yaml:"exclude_accounts"`
	SplitObjects    int64    `yaml:"split_objects"`
	// Databases holds connection settings per RDS instance or cluster
	// identifier (docs/databases.md).
	Databases map[string]scanner.DBCredentials `yaml:"databases"`
	// CustomIdentifiers and AllowList feed the engine
	// (docs/custom-identifiers.md).
	CustomIdentifiers []customIdentifier `yaml:"custom_identifiers"`
	AllowList         struct {
		Values  []string `yaml:"values"`
		Regexes []string `yaml:"regexes"`
	} `yaml:"allow_list"`
}

// customIdentifier is one user-defined identifier in the config file.
type customIdentifier struct {
	Name            string   `yaml:"name"`
	Regex           string   `yaml:"regex"`
	Keywords        []string `yaml:"keywords"`
	MaxDistance     int      `yaml:"max_distance"`
	KeywordRequired bool     `yaml:"keyword_required"`
	IgnoreWords     []string `yaml:"ignore_words"`
	Category        string   `yaml:"category"`
	Severity        string   `yaml:"severity"`
}

// engineOptions builds the engine options from the key and the config
// file's custom identifiers and allow list. NewEngine validates them: a bad
// rule is a configuration error naming the rule.
func (c fileConfig) engineOptions(key []byte) classifiers.Options {
	o := classifiers.Options{FingerprintKey: key}
	for _, ci := range c.CustomIdentifiers {
		o.CustomIdentifiers = append(o.CustomIdentifiers, classifiers.CustomIdentifier{
			Name: ci.Name, Regex: ci.Regex, Keywords: ci.Keywords, MaxDistance: ci.MaxDistance,
			KeywordRequired: ci.KeywordRequired, IgnoreWords: ci.IgnoreWords,
			Category: classifiers.Category(ci.Category), Severity: ci.Severity,
		})
	}
	o.AllowList = classifiers.AllowList{Values: c.AllowList.Values, Regexes: c.AllowList.Regexes}
	return o
}

// loadFileConfig reads and strictly decodes a config file: an unknown key is
// an error, so a typo never silently falls back to a default.
func loadFileConfig(path string) (fileConfig, error) {
	var c fileConfig
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) /* empty file */ {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// fingerprintKeyEnv names the environment variable that supplies the
// fingerprint key as hex, overriding the key file.
const fingerprintKeyEnv = "CAIRN_FINGERPRINT_KEY"

// loadFingerprintKey returns the per-installation HMAC key. Order:
// $CAIRN_FINGERPRINT_KEY (hex), the configured file, then the default file
// in the user config directory, created with 32 random bytes (mode 0600) on
// first use. The key makes fingerprints comparable across scans of one
// installation without letting anyone else test guesses against them.
func loadFingerprintKey(file string) ([]byte, string, error) {
	if v := strings.TrimSpace(os.Getenv(fingerprintKeyEnv)); v != "" {
		k, err := hex.DecodeString(v)
		if err != nil || len(k) < 16 {
			return nil, "", fmt.Errorf("%s must be at least 32 hex characters", fingerprintKeyEnv)
		}
		return k, "$" + fingerprintKeyEnv, nil
	}
	if file == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return nil, "", fmt.Errorf("fingerprint key: no config directory (set %s or fingerprint_key_file): %w", fingerprintKeyEnv, err)
		}
		file = filepath.Join(dir, "cairn", "fingerprint.key")
	}
	b, err := os.ReadFile(file)
	if err == nil {
		k, derr := hex.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(k) < 16 {
			return nil, "", fmt.Errorf("fingerprint key %s: want at least 32 hex characters", file)
		}
		return k, file, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("fingerprint key: %w", err)
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, "", fmt.Errorf("fingerprint key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, "", fmt.Errorf("fingerprint key: %w", err)
	}
	if err := os.WriteFile(file, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, "", fmt.Errorf("fingerprint key: %w", err)
	}
	return k, file + " (created)", nil
}
