package main

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// testPlan is a plan of a few accounts, with a split bucket and checks.
// unitsEqual compares plans (workUnit holds a slice: not comparable).
func unitsEqual(a, b []workUnit) bool {
	return slices.EqualFunc(a, b, func(x, y workUnit) bool { return reflect.DeepEqual(x, y) })
}

func testPlan() []workUnit {
	var plan []workUnit
	for _, acct := range []string{"111111111111", "222222222222", "333333333333"} {
		for i := range 7 {
			plan = append(plan, workUnit{Account: acct, Service: "s3", Region: "us-east-1", Asset: fmt.Sprintf("arn:aws:s3:::b%d-%s", i, acct)})
		}
		big := "arn:aws:s3:::big-" + acct
		plan = append(plan, workUnit{Account: acct, Service: "s3", Region: "us-east-1", Asset: big, Part: partRoot, Prefixes: 3, PlannedPrefixes: []string{"a/", "b/", "c/"}})
		for _, p := range []string{"a/", "b/", "c/"} {
			plan = append(plan, workUnit{Account: acct, Service: "s3", Region: "us-east-1", Asset: big, Part: partPrefix, Prefix: p})
		}
		plan = append(plan, workUnit{Account: acct, Service: "dynamodb", Region: "us-east-1", Asset: "arn:aws:dynamodb:us-east-1:" + acct + ":table/t"})
		plan = append(plan, workUnit{Account: acct, Service: unitChecks})
	}
	slices.SortFunc(plan, compareUnits)
	return plan
}

// TestShardUnits checks that every unit lands in exactly one shard, for
// several shard counts, that the split is the same every time and does
// not depend on the other units of the plan, and that one shard is the
// whole plan.
func TestShardUnits(t *testing.T) {
	plan := testPlan()
	if got := shardUnits(plan, shardSpec{Index: 0, Count: 1}); !unitsEqual(got, plan) {
		t.Fatalf("1 shard runs %d of %d units", len(got), len(plan))
	}
	for n := 2; n <= 6; n++ {
		seen := map[string]int{}
		nonEmpty := 0
		for i := range n {
			units := shardUnits(plan, shardSpec{Index: i, Count: n})
			if !unitsEqual(units, shardUnits(plan, shardSpec{Index: i, Count: n})) {
				t.Errorf("shard %d/%d differs between two calls", i, n)
			}
			if len(units) > 0 {
				nonEmpty++
			}
			for _, u := range units {
				seen[u.key()]++
			}
		}
		for _, u := range plan {
			if seen[u.key()] != 1 {
				t.Errorf("%d shards: unit %s runs %d times, want once", n, u.key(), seen[u.key()])
			}
		}
		if nonEmpty < 2 {
			t.Errorf("%d shards: only %d got work for %d units", n, nonEmpty, len(plan))
		}
	}
	// A plan with one store more (a shard that discovered it) moves no
	// other unit to another shard.
	extra := append(slices.Clone(plan), workUnit{Account: "111111111111", Service: "s3", Region: "us-east-1", Asset: "arn:aws:s3:::new"})
	slices.SortFunc(extra, compareUnits)
	for i := range 4 {
		a := shardUnits(plan, shardSpec{Index: i, Count: 4})
		b := slices.DeleteFunc(shardUnits(extra, shardSpec{Index: i, Count: 4}), func(u workUnit) bool { return u.Asset == "arn:aws:s3:::new" })
		if !unitsEqual(a, b) {
			t.Errorf("shard %d/4 changed when another store was added", i)
		}
	}
}

func TestParseShard(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tests := []struct {
		flag    string
		env     func(string) string
		want    shardSpec
		wantErr string
	}{
		{"0/4", env(), shardSpec{0, 4}, ""},
		{"3/4", env(), shardSpec{3, 4}, ""},
		{"4/4", env(), shardSpec{}, "I must be in [0, 4)"},
		{"-1/4", env(), shardSpec{}, "I must be in"},
		{"1/0", env(), shardSpec{}, "positive"},
		{"2", env(), shardSpec{}, "want I/N"},
		{"auto/4", env(envK8sIndex, "2"), shardSpec{2, 4}, ""},
		{"auto/4", env(envBatchIndex, "1"), shardSpec{1, 4}, ""},
		{"auto/4", env(envK8sIndex, "3", envBatchIndex, "1"), shardSpec{3, 4}, ""}, // Kubernetes first
		{"auto/4", env(envBatchIndex, "4"), shardSpec{}, "AWS_BATCH_JOB_ARRAY_INDEX=\"4\" is not an index"},
		{"auto/4", env(envK8sIndex, "x"), shardSpec{}, "not an index"},
		{"auto/4", env(), shardSpec{}, "neither JOB_COMPLETION_INDEX nor AWS_BATCH_JOB_ARRAY_INDEX"},
	}
	for _, tt := range tests {
		got, err := parseShard(tt.flag, tt.env)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseShard(%q) error %v, want %q", tt.flag, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseShard(%q) = %v, %v; want %v", tt.flag, got, err, tt.want)
		}
	}
}

func TestResolveRunID(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		flag    string
		env     map[string]string
		want    string
		wantErr bool
	}{
		{"run-1", map[string]string{envRunID: "other"}, "run-1", false},
		{"", map[string]string{envRunID: "2026-11-25.nightly"}, "2026-11-25.nightly", false},
		{"", map[string]string{envBatchJobID: "4f1c2a9e-77b0-4d2b-9d43-0c8b5f8e0a11:3"}, "4f1c2a9e-77b0-4d2b-9d43-0c8b5f8e0a11", false},
		{"", map[string]string{envRunID: "r", envBatchJobID: "job:1"}, "r", false},
		{"", map[string]string{}, "", true},
		{"bad/id", nil, "", true},
		{"", map[string]string{envRunID: "has space"}, "", true},
		{".hidden", nil, "", true},
		{"-x_1.b", nil, "-x_1.b", false},
		{strings.Repeat("a", 128), nil, strings.Repeat("a", 128), false},
		{strings.Repeat("a", 129), nil, "", true},
		{"caf\u00e9", nil, "", true},
	}
	for _, tt := range tests {
		got, err := resolveRunID(tt.flag, env(tt.env))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("resolveRunID(%q, %v) = %q, %v; want %q (error %v)", tt.flag, tt.env, got, err, tt.want, tt.wantErr)
		}
	}
	if got := shardFileName("run-1", shardSpec{2, 4}); got != "run-1-s2of4" {
		t.Errorf("shard file name %q", got)
	}
}

// TestWorkOf turns one account's units into scanner settings: the split
// bucket's parts, a filter that keeps exactly the planned stores, and the
// checks only when their unit is there.
func TestWorkOf(t *testing.T) {
	units := []workUnit{
		{Account: "1", Service: "s3", Region: "us-east-1", Asset: "arn:aws:s3:::whole"},
		{Account: "1", Service: "s3", Region: "us-east-1", Asset: "arn:aws:s3:::big", Part: partRoot, Prefixes: 2, PlannedPrefixes: []string{"a/", "b/"}},
		{Account: "1", Service: "s3", Region: "us-east-1", Asset: "arn:aws:s3:::big", Part: partPrefix, Prefix: "b/"},
		{Account: "1", Service: "dynamodb", Region: "eu-west-1", Asset: "arn:aws:dynamodb:eu-west-1:1:table/t"},
	}
	w := workOf(units)
	if w.services[unitChecks] || !w.services["s3"] || !w.services["dynamodb"] || w.services["rds"] {
		t.Errorf("services %v", w.services)
	}
	if f := w.filter["s3"]; f == nil || !f("arn:aws:s3:::whole") || !f("arn:aws:s3:::big") || f("arn:aws:s3:::other") {
		t.Error("s3 filter does not keep exactly the planned buckets")
	}
	if got := w.parts["big"]; len(got) != 2 || !got[0].Root || got[0].Prefixes != 2 || !slices.Equal(got[0].Planned, []string{"a/", "b/"}) || got[1].Prefix != "b/" || w.parts["whole"] != nil {
		t.Errorf("parts %+v", w.parts)
	}
	if !slices.Equal(w.regions, []string{"eu-west-1"}) {
		t.Errorf("regions %v", w.regions)
	}
	// A whole-service unit (its stores could not be listed) scans everything.
	w = workOf([]workUnit{{Account: "1", Service: "s3"}, {Account: "1", Service: "s3", Asset: "arn:aws:s3:::x"}, {Account: "1", Service: unitChecks}})
	if w.filter["s3"] != nil || !w.services[unitChecks] {
		t.Errorf("whole-service unit: filter set or checks missing")
	}
}

// TestPlanRoundTrip writes a plan as JSON Lines and reads it back; a line
// that is not a work unit is refused with its line number.
func TestPlanRoundTrip(t *testing.T) {
	plan := testPlan()
	var buf strings.Builder
	if err := writePlan(&buf, plan); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != len(plan) {
		t.Fatalf("%d lines for %d units", n, len(plan))
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	got, err := readPlan(write("plan.jsonl", buf.String()+"\n"))
	if err != nil || !unitsEqual(got, plan) {
		t.Fatalf("read back %d units, %v; want the %d written", len(got), err, len(plan))
	}
	for name, text := range map[string]string{
		"unknown-field.jsonl": `{"account":"1","service":"s3","bucket":"x"}`,
		"unknown-svc.jsonl":   `{"account":"1","service":"ec2"}`,
		"no-account.jsonl":    `{"service":"checks"}`,
	} {
		_, err := readPlan(write(name, `{"account":"1","service":"checks"}`+"\n"+text))
		if err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%s: error %v, want one naming line 2", name, err)
		}
	}
	if _, err := readPlan(write("none.jsonl", "\n")); err == nil {
		t.Error("a plan without units was accepted")
	}
}

// TestOrgConfigFile takes the organization keys from the config file where
// no flag is given, and refuses member-account keys without org.
func TestOrgConfigFile(t *testing.T) {
	cmd := newScanCmd()
	if err := cmd.ParseFlags([]string{"--role-name", "FromFlag"}); err != nil {
		t.Fatal(err)
	}
	o := orgSettings{RoleName: "FromFlag"}
	o.merge(cmd, fileConfig{Org: true, RoleName: "FromFile", Accounts: []string{"111111111111", "222222222222"},
		ExcludeAccounts: []string{"333333333333"}, SplitObjects: 5000})
	if err := o.validate(cmd); err != nil {
		t.Fatal(err)
	}
	if !o.Enabled || o.RoleName != "FromFlag" || !slices.Equal(o.Accounts, []string{"111111111111", "222222222222"}) ||
		!slices.Equal(o.ExcludeAccounts, []string{"333333333333"}) || o.SplitObjects != 5000 || !o.active() {
		t.Errorf("merged %+v", o)
	}
	cmd = newScanCmd()
	o = orgSettings{RoleName: defaultRoleName}
	o.merge(cmd, fileConfig{Accounts: []string{"111111111111"}})
	if err := o.validate(cmd); err == nil || !strings.Contains(err.Error(), "need org") {
		t.Errorf("accounts without org: %v", err)
	}
}
