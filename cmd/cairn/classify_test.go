package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairnsec/cairn/scanner"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestClassifyDirectoryJSONL(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"exports/people.csv":   "name,ssn,email\nAda,536-22-8147,ada@example.com\nAlan,219-09-9999,alan@example.com\n",
		"exports/profile.json": `{"customer":{"email":"grace@example.com","notes":"none"}}`,
		"logs/app.log":         "INFO start\nDEBUG aws_access_key_id=AKIAQ3EGUB7ZKXN4PV2H\nINFO stop\n",
		"clean/readme.txt":     "Nothing sensitive here. Order 123456789 shipped.\n",
		"bin/blob.bin":         string([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
	})
	var stdout, stderr bytes.Buffer
	code := run([]string{"classify", "--format", "jsonl", dir}, &stdout, &stderr)
	if code != exitFindings {
		t.Fatalf("exit = %d, want %d; stderr: %s", code, exitFindings, stderr.String())
	}
	got := map[string]classifyRecord{}
	skipped := map[string]string{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var rec classifyRecord
		var raw map[string]any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		if st, ok := raw["status"]; ok {
			skipped[filepath.Base(raw["file"].(string))] = st.(string) + "/" + raw["reason"].(string)
			continue
		}
		_ = json.Unmarshal(sc.Bytes(), &rec)
		got[filepath.Base(rec.File)+"|"+rec.Identifier] = rec
	}
	want := map[string]int64{
		"people.csv|US_SSN": 2, "people.csv|EMAIL_ADDRESS": 2,
		"profile.json|EMAIL_ADDRESS": 1, "app.log|AWS_ACCESS_KEY_ID": 1,
	}
	for k, n := range want {
		if got[k].Count != n {
			t.Errorf("%s: count %d, want %d (all: %v)", k, got[k].Count, n, got)
		}
	}
	if rec := got["people.csv|US_SSN"]; rec.Field != "ssn" || rec.Confidence != "HIGH" {
		t.Errorf("SSN record = %+v", rec)
	}
	for k := range got {
		if strings.HasPrefix(k, "readme.txt|") {
			t.Errorf("finding in the clean file: %s", k)
		}
	}
	if skipped["blob.bin"] != "SKIPPED/UNSUPPORTED_FILE_TYPE" {
		t.Errorf("binary file: %q", skipped["blob.bin"])
	}
	for _, raw := range []string{"536-22-8147", "219-09-9999", "AKIAQ3EGUB7ZKXN4PV2H", "ada@example.com"} {
		if strings.Contains(stdout.String()+stderr.String(), raw) {
			t.Errorf("raw value %s… printed", raw[:4])
		}
	}
}

func TestClassifyStdinTable(t *testing.T) {
	root := newRootCmd()
	var stdout, stderr bytes.Buffer
	root.SetArgs([]string{"classify", "-"})
	root.SetIn(strings.NewReader("card: 4556 7375 8689 9855\n"))
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.Execute()
	if ee, ok := err.(*exitError); !ok || ee.code != exitFindings {
		t.Fatalf("err = %v, want exit %d", err, exitFindings)
	}
	if !strings.Contains(stdout.String(), "CREDIT_CARD_NUMBER") || strings.Contains(stdout.String(), "4556 7375 8689 9855") {
		t.Errorf("table output:\n%s", stdout.String())
	}
}

// TestClassifyFileNamedDash: only the argument "-" is stdin; a file the
// walk finds named "-" is read as a file.
func TestClassifyFileNamedDash(t *testing.T) {
	t.Chdir(writeFiles(t, map[string]string{"-": "name,ssn\nAda,536-22-8147\n"}))
	root := newRootCmd()
	var stdout, stderr bytes.Buffer
	root.SetArgs([]string{"classify", "--format", "jsonl", "."})
	root.SetIn(strings.NewReader("card: 4556 7375 8689 9855\n"))
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	if err := root.Execute(); err == nil {
		t.Fatal("no findings reported")
	}
	if out := stdout.String(); !strings.Contains(out, `"US_SSN"`) || strings.Contains(out, "CREDIT_CARD_NUMBER") {
		t.Errorf("output:\n%s", out)
	}
}

// TestClassifyNeedsNoKey: classify prints no fingerprints, so it neither
// reads nor creates the installation's fingerprint key, and the flag that
// named one is accepted with a deprecation notice.
func TestClassifyNeedsNoKey(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv(fingerprintKeyEnv, "")
	dir := writeFiles(t, map[string]string{"people.csv": "name,ssn\nAda,536-22-8147\n"})
	var stdout, stderr bytes.Buffer
	if code := run([]string{"classify", "--format", "jsonl", dir}, &stdout, &stderr); code != exitFindings {
		t.Fatalf("exit = %d, want %d; stderr: %s", code, exitFindings, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"US_SSN"`) {
		t.Errorf("no SSN finding: %s", stdout.String())
	}
	if err := filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("classify wrote %s", p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	bad := filepath.Join(home, "no-such.key")
	if code := run([]string{"classify", "--fingerprint-key-file", bad, dir}, &stdout, &stderr); code != exitFindings {
		t.Fatalf("with --fingerprint-key-file: exit = %d, want %d; stderr: %s", code, exitFindings, stderr.String())
	}
	if !strings.Contains(stderr.String(), "--fingerprint-key-file is ignored") || strings.Contains(stdout.String(), "fingerprint") {
		t.Errorf("--fingerprint-key-file: want a notice on stderr only; stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}

func TestClassifyMissingPathIsIncomplete(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"classify", filepath.Join(t.TempDir(), "nope")}, &stdout, &stderr)
	if code != exitIncomplete {
		t.Fatalf("exit = %d, want %d", code, exitIncomplete)
	}
}

func TestClassifyCustomRulesAndAllowList(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"hr.txt": "badge EMP-123456 issued; contact ada@example.com or privacy@example.com\n",
		"cairn.yaml": `custom_identifiers:
  - name: EMPLOYEE_ID
    regex: '\bEMP-\d{6}\b'
    keywords: [badge]
    category: PERSONAL
allow_list:
  values: [privacy@example.com]
`,
	})
	var stdout, stderr bytes.Buffer
	code := run([]string{"classify", "--format", "jsonl", "--config", filepath.Join(dir, "cairn.yaml"), filepath.Join(dir, "hr.txt")}, &stdout, &stderr)
	if code != exitFindings {
		t.Fatalf("exit = %d; stderr: %s", code, stderr.String())
	}
	counts := map[string]int64{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var rec classifyRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		counts[rec.Identifier] = rec.Count
	}
	if counts["EMPLOYEE_ID"] != 1 || counts["EMAIL_ADDRESS"] != 1 {
		t.Errorf("counts = %v, want EMPLOYEE_ID 1 and EMAIL_ADDRESS 1 (the allow-listed address suppressed)", counts)
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("custom_identifiers:\n  - name: BROKEN_RULE\n    regex: '(['\n    category: PERSONAL\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	if code := run([]string{"classify", "--config", bad, filepath.Join(dir, "hr.txt")}, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "BROKEN_RULE") {
		t.Errorf("invalid rule: exit %d, stderr %q; want exit %d naming the rule", code, stderr.String(), exitUsage)
	}
}

// TestClassifyProgress checks classify's live status line: printClassify
// counts every outcome into it, the line shows the counts, and stop
// clears it before anything else is printed.
func TestClassifyProgress(t *testing.T) {
	var status syncBuffer
	p := &progress{out: &status, tty: true, line: classifyStatus}
	p.start()
	outcomes := make(chan fileOutcome, 2)
	outcomes <- fileOutcome{file: "a.csv", status: scanner.StatusComplete, bytes: 3 << 20, findings: make([]scanner.Finding, 2)}
	outcomes <- fileOutcome{file: "b.txt", status: scanner.StatusComplete, bytes: 1 << 20}
	close(outcomes)
	printClassify(io.Discard, "jsonl", outcomes, p)
	const want = "classifying: 2 files read (4.0 MiB, "
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(status.String(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("no status line with %q in %q", want, status.String())
		}
		time.Sleep(time.Millisecond)
	}
	p.stop()
	got := status.String()
	last := got[strings.LastIndex(got, want):]
	if !strings.Contains(last, "MB/s), 2 findings, ") {
		t.Errorf("status line %q: want the rate and 2 findings", last)
	}
	if !strings.HasSuffix(got, "\r\033[K") {
		t.Errorf("stop left the status line on the terminal: %q", got[max(0, len(got)-80):])
	}
}
