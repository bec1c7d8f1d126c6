package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// mainEnv makes the test binary run the cairn CLI instead of the tests, so
// the simulation can start real cairn processes without building one.
const mainEnv = "CAIRN_TEST_RUN_MAIN"

// testOrg is a moto organization: the management account and two members.
type testOrg struct {
	endpoint     string
	mgmt, m1, m2 string
}

// seedOrg creates the organization and seeds each account through its own
// credentials (the members' from sts AssumeRole, as moto scopes them).
func seedOrg(t *testing.T, ctx context.Context, srv *mototest.Server) testOrg {
	t.Helper()
	cfg, err := srv.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	org := organizations.NewFromConfig(cfg)
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: "ALL"}); err != nil {
		t.Fatal(err)
	}
	o := testOrg{endpoint: srv.Endpoint, mgmt: mototest.AccountID}
	for i, p := range []*string{&o.m1, &o.m2} {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{
			AccountName: aws.String(fmt.Sprintf("member%d", i+1)), Email: aws.String(fmt.Sprintf("m%d@example.com", i+1))})
		if err != nil {
			t.Fatal(err)
		}
		*p = aws.ToString(out.CreateAccountStatus.AccountId)
	}
	in := func(account string) aws.Config {
		if account == o.mgmt {
			return cfg
		}
		out, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("seed")})
		if err != nil {
			t.Fatal(err)
		}
		c := cfg.Copy()
		cr := out.Credentials
		c.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
		return c
	}
	bucket := func(c aws.Config, name string, objects map[string]string) {
		t.Helper()
		cl := mototest.SeedS3Client(c)
		if _, err := cl.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
		for k, v := range objects {
			if _, err := cl.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(name), Key: aws.String(k), Body: strings.NewReader(v)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	const people = "name,ssn,card\nAda Lovelace,536-22-8147,4111 1111 1111 1111\nAlan Turing,219-09-9999,5555 5555 5555 4444\n"
	bucket(in(o.mgmt), "mgmt-notes", map[string]string{"notes.txt": "contact grace@example.com for access", "readme.md": "nothing here"})
	// Member 1: a bucket large enough to split (13 keys > --split-objects 5):
	// three top-level prefixes and two keys outside them.
	big := map[string]string{"root.csv": people, "root.txt": "plain"}
	for _, p := range []string{"a/", "b/", "c/"} {
		for i := range 3 {
			big[fmt.Sprintf("%sf%d.csv", p, i)] = people
		}
	}
	big["b/deep/x.json"] = `{"email":"ada@example.com"}`
	big["c/deep/y.txt"] = "card 4111-1111-1111-1111"
	bucket(in(o.m1), "m1-big", big)
	bucket(in(o.m1), "m1-hr", map[string]string{"staff.csv": people})
	// Member 2: a bucket and a DynamoDB table.
	bucket(in(o.m2), "m2-logs", map[string]string{"app.log": "login by grace@example.com from 10.0.0.1\n"})
	ddb := dynamodb.NewFromConfig(in(o.m2))
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   aws.String("m2-customers"),
		KeySchema:   []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
	}); err != nil {
		t.Fatal(err)
	}
	for i, ssn := range []string{"536-22-8147", "219-09-9999"} {
		if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("m2-customers"), Item: map[string]ddbtypes.AttributeValue{
			"id": &ddbtypes.AttributeValueMemberS{Value: fmt.Sprint(i)}, "ssn": &ddbtypes.AttributeValueMemberS{Value: ssn},
		}}); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

// history is every row of a history directory, by table.
type history struct {
	scans     []report.ScanRow
	assets    []report.AssetRow
	objects   []report.ObjectResultRow
	findings  []report.FindingRow
	controls  []report.ControlResultRow
	exposures []report.ExposureRow
	files     []string // paths relative to the directory
}

func readHistory(t *testing.T, dir string) history {
	t.Helper()
	var h history
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".parquet") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h.files = append(h.files, filepath.ToSlash(rel))
		switch strings.Split(filepath.ToSlash(rel), "/")[0] {
		case report.TableScans:
			err = appendRows(&h.scans, p)
		case report.TableAssets:
			err = appendRows(&h.assets, p)
		case report.TableObjectResults:
			err = appendRows(&h.objects, p)
		case report.TableFindings:
			err = appendRows(&h.findings, p)
		case report.TableControlResults:
			err = appendRows(&h.controls, p)
		case report.TableExposures:
			err = appendRows(&h.exposures, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func appendRows[T any](dst *[]T, path string) error {
	rows, err := report.ReadRows[T](path)
	*dst = append(*dst, rows...)
	return err
}

// keyed maps each row's stable key to its compared values (scan ids and
// timestamps left out); dups lists keys seen more than once.
func keyed[T any](rows []T, key func(T) string, val func(T) any) (map[string]string, []string) {
	m := map[string]string{}
	var dups []string
	for _, r := range rows {
		k := key(r)
		if _, ok := m[k]; ok {
			dups = append(dups, k)
		}
		b, _ := json.Marshal(val(r))
		m[k] = string(b)
	}
	return m, dups
}

// compareTable checks that two runs recorded the same rows of one table.
func compareTable[T any](t *testing.T, table string, single, sharded []T, key func(T) string, val func(T) any) {
	t.Helper()
	a, dupA := keyed(single, key, val)
	b, dupB := keyed(sharded, key, val)
	if len(dupA) > 0 {
		t.Errorf("%s: the single-process run has duplicate keys %q", table, dupA)
	}
	if len(dupB) > 0 {
		t.Errorf("%s: the sharded run has duplicate keys %q", table, dupB)
	}
	if len(a) == 0 {
		t.Errorf("%s: no rows", table)
	}
	for k, v := range a {
		if w, ok := b[k]; !ok {
			t.Errorf("%s: %s missing from the sharded run", table, k)
		} else if v != w {
			t.Errorf("%s: %s differs:\n single  %s\n sharded %s", table, k, v, w)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			t.Errorf("%s: %s only in the sharded run", table, k)
		}
	}
}

// TestOrgShardSimulation is issue #9's acceptance test: an organization of
// three accounts in moto, scanned once by a single process and once as a
// plan split into 4 shards run as 4 processes into one history. The merged
// history must hold the same assets, object results, findings and control
// results, none twice, with each account's checks run exactly once.
func TestOrgShardSimulation(t *testing.T) {
	mototest.SetTestCredentials(t)
	t.Setenv(fingerprintKeyEnv, hex.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	srv := mototest.Start(t)
	ctx := context.Background()
	o := seedOrg(t, ctx, srv)
	common := []string{"--endpoint-url", o.endpoint, "--regions", "us-east-1", "--org", "--role-name", "CairnReadOnly",
		"--external-id", "cairn-test", "--split-objects", "5", "--log-level", "warn"}
	scanFlags := []string{"--no-pdf", "--fail-on", "none", "--now", "2026-11-25T09:00:00Z"}

	// (a) one process.
	single := t.TempDir()
	start := time.Now()
	var so, se bytes.Buffer
	codeA := run(slices.Concat([]string{"scan"}, common, scanFlags, []string{"--out", single}), &so, &se)
	t.Logf("single-process scan: exit %d in %s\n%s", codeA, time.Since(start).Round(time.Millisecond), so.String())
	if codeA != exitClean && codeA != exitIncomplete { // moto lacks some APIs the checks read: ERROR results make it 3
		t.Fatalf("single-process scan: exit %d\n%s", codeA, se.String())
	}

	// (b) the plan, then 4 shard processes sharing one run id.
	var po, pe bytes.Buffer
	if code := run(slices.Concat([]string{"plan"}, common), &po, &pe); code != exitClean {
		t.Fatalf("plan: exit %d\n%s", code, pe.String())
	}
	planFile := filepath.Join(t.TempDir(), "plan.jsonl")
	if err := os.WriteFile(planFile, po.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	plan := checkPlan(t, o, po.String())

	const runID = "sim-run.1"
	sharded := t.TempDir()
	start = time.Now()
	type proc struct {
		cmd *exec.Cmd
		out bytes.Buffer
	}
	var procs []*proc
	for i := range 4 {
		args := slices.Concat([]string{"scan"}, common, scanFlags, []string{"--out", sharded, "--plan", planFile})
		env := append(os.Environ(), mainEnv+"=1")
		switch i { // every way a shard learns its index and the run id
		case 1:
			args = append(args, "--shard", "auto/4", "--run-id", runID)
			env = append(env, envK8sIndex+"=1")
		case 2:
			args = append(args, "--shard", "auto/4")
			env = append(env, envBatchIndex+"=2", envBatchJobID+"="+runID+":2")
		case 3:
			args = append(args, "--shard", "3/4")
			env = append(env, envRunID+"="+runID)
		default:
			args = append(args, "--shard", "0/4", "--run-id", runID)
		}
		p := &proc{cmd: exec.Command(os.Args[0], args...)}
		p.cmd.Env = env
		p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, p)
	}
	for i, p := range procs {
		err := p.cmd.Wait()
		code := p.cmd.ProcessState.ExitCode()
		t.Logf("shard %d/4: exit %d\n%s", i, code, p.out.String())
		if err != nil && code != exitIncomplete {
			t.Fatalf("shard %d: %v", i, err)
		}
	}
	t.Logf("4 shards in %s", time.Since(start).Round(time.Millisecond))

	a, b := readHistory(t, single), readHistory(t, sharded)
	t.Run("same rows", func(t *testing.T) {
		compareTable(t, "assets", a.assets, b.assets,
			func(r report.AssetRow) string { return r.AssetARN },
			func(r report.AssetRow) any {
				return []any{r.AccountID, r.Service, r.Region, r.Name, r.Encryption, r.Public, r.PublicReason, r.DataClasses,
					r.SensitivityScore, r.ObjectCount, r.SampledObjects, r.SampledBytes, r.Status, r.Reason}
			})
		compareTable(t, "object_results", a.objects, b.objects,
			func(r report.ObjectResultRow) string { return r.AssetARN + "/" + r.Location },
			func(r report.ObjectResultRow) any {
				return []any{r.AccountID, r.Format, r.Status, r.Reason, r.Size, r.BytesRead, r.Findings}
			})
		compareTable(t, "findings", a.findings, b.findings,
			func(r report.FindingRow) string {
				return r.AssetARN + "/" + r.Location + "#" + r.Field + "#" + r.Identifier
			},
			func(r report.FindingRow) any {
				// Examples and fingerprints as sets: their order follows the
				// order DynamoDB's Scan returns items in, which moto varies.
				return []any{r.AccountID, r.Category, r.Confidence, r.Count, slices.Sorted(slices.Values(r.RedactedExamples)),
					slices.Sorted(slices.Values(r.Fingerprints)), r.FieldSensitive}
			})
		// The data.* checks need the whole account's classification: a shard
		// leaves them out (the window report derives them from the merged
		// stores), so they are compared apart below.
		notData := func(rows []report.ControlResultRow) []report.ControlResultRow {
			return slices.DeleteFunc(slices.Clone(rows), func(r report.ControlResultRow) bool { return strings.HasPrefix(r.CheckID, "data.") })
		}
		compareTable(t, "control_results", notData(a.controls), notData(b.controls),
			func(r report.ControlResultRow) string {
				return r.AccountID + "|" + r.CheckID + "|" + r.Region + "|" + r.ResourceARN + "|" + r.FindingUID
			},
			func(r report.ControlResultRow) any { return []any{r.Status, r.Severity, r.StatusExtended} })
		if n := len(a.controls) - len(notData(a.controls)); n == 0 {
			t.Error("the single-process run recorded no data.* check")
		}
		if n := len(b.controls) - len(notData(b.controls)); n != 0 {
			t.Errorf("the shards recorded %d data.* check results, want none", n)
		}
	})
	t.Run("checks once per account", func(t *testing.T) {
		for _, h := range []struct {
			name string
			rows []report.ControlResultRow
		}{{"single", a.controls}, {"sharded", b.controls}} {
			files := map[string]map[string]bool{} // account → the shard files holding its checks
			for _, r := range h.rows {
				if files[r.AccountID] == nil {
					files[r.AccountID] = map[string]bool{}
				}
			}
			for _, f := range b.files {
				if h.name == "sharded" && strings.HasPrefix(f, report.TableControlResults+"/") {
					rows, err := report.ReadRows[report.ControlResultRow](filepath.Join(sharded, f))
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range rows {
						files[r.AccountID][f] = true
					}
				}
			}
			for _, acct := range []string{o.mgmt, o.m1, o.m2} {
				if files[acct] == nil {
					t.Errorf("%s: no control results for account %s", h.name, acct)
				}
				if h.name == "sharded" && len(files[acct]) != 1 {
					t.Errorf("sharded: the checks of %s ran in %d shards, want 1", acct, len(files[acct]))
				}
			}
		}
	})
	t.Run("run id, files and scans rows", func(t *testing.T) {
		for _, f := range b.files {
			base := filepath.Base(f)
			if !strings.HasPrefix(base, runID+"-s") || !strings.Contains(base, "of4") {
				t.Errorf("shard file %s not named %s-s<I>of4", f, runID)
			}
		}
		for _, rows := range [][]string{
			scanIDs(b.scans),
			column(b.assets, func(r report.AssetRow) string { return r.ScanID }),
			column(b.findings, func(r report.FindingRow) string { return r.ScanID }),
			column(b.controls, func(r report.ControlResultRow) string { return r.ScanID }),
		} {
			for _, id := range rows {
				if id != runID {
					t.Fatalf("sharded row with scan_id %q, want %q", id, runID)
				}
			}
		}
		if len(b.scans) != 12 {
			t.Errorf("sharded run wrote %d scans rows, want 4 shards × 3 accounts", len(b.scans))
		}
		if len(a.scans) != 3 || len(slices.Compact(scanIDs(a.scans))) != 1 {
			t.Errorf("single run wrote %d scans rows (%v), want one per account under one id", len(a.scans), scanIDs(a.scans))
		}
		var units int
		for _, s := range b.scans {
			var opt struct{ Units int }
			_ = json.Unmarshal([]byte(s.Options), &opt)
			units += opt.Units
		}
		if units != len(plan) {
			t.Errorf("the shards ran %d units, the plan has %d", units, len(plan))
		}
		// One exposures row per store, from the shard that owns it.
		seen := map[string]int{}
		for _, e := range b.exposures {
			seen[e.AssetARN]++
		}
		for _, as := range b.assets {
			if seen[as.AssetARN] != 1 {
				t.Errorf("exposures rows for %s: %d, want 1", as.AssetARN, seen[as.AssetARN])
			}
		}
	})
	t.Run("report merges the shards", func(t *testing.T) {
		day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
		d, err := report.LoadAuditData(sharded, report.AuditFilter{From: day, To: day})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Scans) != 3 {
			t.Fatalf("window report sees %d scans, want one per account", len(d.Scans))
		}
		ds, err := report.LoadAuditData(single, report.AuditFilter{From: day, To: day})
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range d.Scans {
			w := ds.Scans[i]
			if s.AccountID != w.AccountID || s.Assets != w.Assets || s.Objects != w.Objects || s.Findings != w.Findings || s.Skipped != w.Skipped {
				t.Errorf("merged scans row %+v, single run's %+v", s, w)
			}
		}
		// The data.* checks the shards leave out are evaluated by the report
		// over the merged rows: the same rows as the single run's checks wrote,
		// data.sensitive_cmk and data.s3_classified (CIS 2.1.3) included.
		isData := func(r report.ControlResultRow) bool { return strings.HasPrefix(r.CheckID, "data.") }
		dataRows := func(d report.AuditData) []report.ControlResultRow {
			return slices.DeleteFunc(slices.Clone(d.Controls), func(r report.ControlResultRow) bool { return !isData(r) })
		}
		if d.Derived == 0 || d.Derived != len(dataRows(d)) {
			t.Errorf("the report derived %d data.* rows, and holds %d", d.Derived, len(dataRows(d)))
		}
		if ds.Derived != 0 {
			t.Errorf("the single run's report derived %d data.* rows, want none (it wrote them)", ds.Derived)
		}
		compareTable(t, "data.* control_results", dataRows(ds), dataRows(d),
			func(r report.ControlResultRow) string {
				return r.AccountID + "|" + r.CheckID + "|" + r.Region + "|" + r.ResourceARN + "|" + r.FindingUID
			},
			func(r report.ControlResultRow) any {
				return []any{r.Status, r.Severity, r.StatusExtended, r.EvidenceJSON, r.Title, r.CISIDs, r.SOC2Criteria}
			})
		for _, id := range []string{"data.s3_classified", "data.sensitive_cmk", "data.sensitive_encrypted", "data.sensitive_not_public"} {
			for _, acct := range []string{o.mgmt, o.m1, o.m2} {
				if !slices.ContainsFunc(dataRows(d), func(r report.ControlResultRow) bool { return r.CheckID == id && r.AccountID == acct }) {
					t.Errorf("%s: no %s row for account %s in the sharded run's report", id, id, acct)
				}
			}
		}
		// What the PDF shows of every data.* control: its counts per status.
		dataControls := func(d report.AuditData) map[string]string {
			m := map[string]string{}
			for _, c := range report.BuildAuditReport(d, report.AuditOptions{From: day, To: day}).Criteria {
				for _, l := range c.Controls {
					if strings.HasPrefix(l.CheckID, "data.") {
						m[c.ID+" "+l.CheckID] = fmt.Sprintf("%s pass %d fail %d error %d other %d", l.Source, l.Pass, l.Fail, l.Error, l.Other)
					}
				}
			}
			return m
		}
		gotData, wantData := dataControls(d), dataControls(ds)
		if len(wantData) == 0 || !maps.Equal(gotData, wantData) {
			t.Errorf("data controls of the merged shards %v, single run %v", gotData, wantData)
		}
		// Exposures of a sharded run are recomputed from the merged rows: the
		// split bucket's classes found by its prefix parts included.
		compareTable(t, "exposures (report)", ds.Exposures, d.Exposures,
			func(r report.ExposureRecord) string { return r.AccountID + "|" + r.AssetARN },
			func(r report.ExposureRecord) any { return []any{r.DataClasses, r.Encryption, r.Public, r.RiskScore} })
		// The exposures row a shard wrote for the split bucket lacks the
		// classes its prefix parts found: what the recomputation is for.
		var split int
		for _, e := range b.exposures {
			if !strings.HasSuffix(e.AssetARN, ":::m1-big") {
				continue
			}
			split++
			for _, w := range ds.Exposures {
				if w.AssetARN == e.AssetARN && slices.Equal(w.DataClasses, e.DataClasses) {
					t.Errorf("the shard's exposures row of the split bucket already has every class %v: the fixture no longer tests the recomputation", e.DataClasses)
				}
			}
		}
		if split != 1 {
			t.Errorf("%d shard-written exposures rows of the split bucket m1-big, want 1", split)
		}
		if len(d.Exposures) != len(b.assets) {
			t.Errorf("the report has %d exposures of the sharded run, want one per store (%d)", len(d.Exposures), len(b.assets))
		}
		out := filepath.Join(t.TempDir(), "run.pdf")
		var ro, re bytes.Buffer
		if code := run([]string{"report", "--history", sharded, "--from", "2026-11-25", "--to", "2026-11-25", "--out", out}, &ro, &re); code != exitClean {
			t.Fatalf("report: exit %d\n%s%s", code, ro.String(), re.String())
		}
		var vo, ve bytes.Buffer
		if code := run([]string{"verify", "--history", sharded, "--manifest", out + report.ManifestSuffix}, &vo, &ve); code != exitClean {
			t.Fatalf("verify: exit %d\n%s%s", code, vo.String(), ve.String())
		}
	})
	t.Run("no raw value", func(t *testing.T) {
		for _, dir := range []string{single, sharded} {
			_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, _ := os.ReadFile(p)
				for _, raw := range []string{"536-22-8147", "219-09-9999", "4111 1111 1111 1111", "4111-1111-1111-1111"} {
					if bytes.Contains(data, []byte(raw)) {
						t.Errorf("%s holds a raw value", p)
					}
				}
				return nil
			})
		}
	})
}

// checkPlan checks the plan's shape: one checks unit per account, the big
// bucket split into a root part and its three prefixes, stable JSON Lines.
func checkPlan(t *testing.T, o testOrg, text string) []workUnit {
	t.Helper()
	var plan []workUnit
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		var u workUnit
		if err := json.Unmarshal(sc.Bytes(), &u); err != nil {
			t.Fatalf("plan line %q: %v", sc.Text(), err)
		}
		plan = append(plan, u)
	}
	if !slices.IsSortedFunc(plan, compareUnits) {
		t.Error("plan is not in its stable order")
	}
	checks := map[string]int{}
	var big []string
	for _, u := range plan {
		if u.Service == unitChecks {
			checks[u.Account]++
		}
		if u.Asset == "arn:aws:s3:::m1-big" {
			big = append(big, u.Part+":"+u.Prefix)
			if u.Account != o.m1 {
				t.Errorf("m1-big planned in account %s", u.Account)
			}
		}
	}
	for _, acct := range []string{o.mgmt, o.m1, o.m2} {
		if checks[acct] != 1 {
			t.Errorf("account %s has %d checks units, want 1", acct, checks[acct])
		}
	}
	sort.Strings(big)
	if want := []string{"prefix:a/", "prefix:b/", "prefix:c/", "root:"}; !slices.Equal(big, want) {
		t.Errorf("m1-big units %q, want %q", big, want)
	}
	return plan
}

// column returns f of each row.
func column[R any](rows []R, f func(R) string) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, f(r))
	}
	return out
}

func scanIDs(rows []report.ScanRow) []string {
	return column(rows, func(r report.ScanRow) string { return r.ScanID })
}

// denyAssumeRole is a proxy to moto that refuses sts AssumeRole into one
// account, as a member account whose role does not trust the caller would:
// moto itself lets any role be assumed.
func denyAssumeRole(t *testing.T, upstream, account string) string {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			form, _ := url.ParseQuery(string(body))
			if form.Get("Action") == "AssumeRole" && strings.Contains(form.Get("RoleArn"), ":"+account+":") {
				w.Header().Set("Content-Type", "text/xml")
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole on %s</Message></Error><RequestId>1</RequestId></ErrorResponse>`, form.Get("RoleArn"))
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestOrgAccountSelectionAndDenied checks --accounts and --exclude-accounts
// on the plan, and that an account whose role cannot be assumed is recorded
// (a FAILED scans row with the reason, named in the summary, exit 3) while
// the other accounts are scanned.
func TestOrgAccountSelectionAndDenied(t *testing.T) {
	mototest.SetTestCredentials(t)
	t.Setenv(fingerprintKeyEnv, hex.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	srv := mototest.Start(t)
	ctx := context.Background()
	o := seedOrg(t, ctx, srv)

	planAccounts := func(extra ...string) (map[string]int, []workUnit, int) {
		var po, pe bytes.Buffer
		code := run(slices.Concat([]string{"plan", "--endpoint-url", o.endpoint, "--regions", "us-east-1", "--org", "--only", "s3", "--log-level", "error"}, extra), &po, &pe)
		accts := map[string]int{}
		var plan []workUnit
		for _, line := range strings.Split(strings.TrimSpace(po.String()), "\n") {
			var u workUnit
			if err := json.Unmarshal([]byte(line), &u); err != nil {
				t.Fatalf("plan %v: %q: %v\n%s", extra, line, err, pe.String())
			}
			accts[u.Account]++
			plan = append(plan, u)
		}
		return accts, plan, code
	}
	if got, _, code := planAccounts("--exclude-accounts", o.m2); code != exitClean || len(got) != 2 || got[o.m2] != 0 || got[o.mgmt] == 0 || got[o.m1] == 0 {
		t.Errorf("--exclude-accounts %s: exit %d, accounts %v", o.m2, code, got)
	}
	got, plan, code := planAccounts("--accounts", o.m2+",999999999999")
	if code != exitIncomplete || len(got) != 2 || got[o.m2] == 0 {
		t.Errorf("--accounts %s,999999999999: exit %d, accounts %v", o.m2, code, got)
	}
	if i := slices.IndexFunc(plan, func(u workUnit) bool { return u.Account == "999999999999" }); i < 0 ||
		plan[i].Service != unitAccount || !strings.Contains(plan[i].Error, "not an account of the organization") {
		t.Errorf("the unknown account is not planned as a failed account unit: %+v", plan)
	}
	var ue bytes.Buffer
	if code := run([]string{"plan", "--accounts", o.m1}, io.Discard, &ue); code != exitUsage || !strings.Contains(ue.String(), "needs --org") {
		t.Errorf("--accounts without --org: exit %d, %q", code, ue.String())
	}

	proxy := denyAssumeRole(t, o.endpoint, o.m2)
	out := t.TempDir()
	var so, se bytes.Buffer
	code = run([]string{"scan", "--endpoint-url", proxy, "--regions", "us-east-1", "--org", "--only", "s3", "--out", out,
		"--no-pdf", "--fail-on", "none", "--log-level", "error"}, &so, &se)
	t.Logf("exit %d\n%s%s", code, so.String(), se.String())
	if code != exitIncomplete {
		t.Errorf("exit %d, want %d (an account could not be entered)", code, exitIncomplete)
	}
	if !strings.Contains(so.String(), o.m2) || !strings.Contains(so.String(), "AccessDenied") {
		t.Errorf("summary does not name the denied account and why:\n%s", so.String())
	}
	h := readHistory(t, out)
	status := map[string]string{}
	for _, s := range h.scans {
		status[s.AccountID] = s.Status
		if s.AccountID == o.m2 && !strings.Contains(s.Options, "AccessDenied") {
			t.Errorf("the denied account's scans row does not say why: %s", s.Options)
		}
	}
	if status[o.m2] != "FAILED" || status[o.m1] != "COMPLETE" || status[o.mgmt] != "COMPLETE" {
		t.Errorf("scans statuses %v, want %s FAILED and the others COMPLETE", status, o.m2)
	}
	found := map[string]bool{}
	for _, a := range h.assets {
		found[a.AccountID] = true
	}
	if !found[o.m1] || !found[o.mgmt] || found[o.m2] {
		t.Errorf("assets recorded for accounts %v, want %s and %s only", found, o.mgmt, o.m1)
	}
}
