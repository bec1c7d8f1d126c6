package main

// Checks of the deployment files in deploy/: they are not compiled, so
// nothing else notices when the CLI, the IAM policy or each other drift.

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

const deployDir = "../../deploy"

func readDeployFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// yamlDocs decodes every document of a YAML file into generic values.
func yamlDocs(t *testing.T, name string) []map[string]any {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(string(readDeployFile(t, name))))
	var docs []map[string]any
	for {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			if errors.Is(err, io.EOF) {
				return docs
			}
			t.Fatalf("%s: %v", name, err)
		}
		docs = append(docs, d)
	}
}

// at walks a generic YAML/JSON value along keys (map keys, or decimal
// indexes of lists) and fails the test where the path does not exist.
func at(t *testing.T, v any, path ...string) any {
	t.Helper()
	for i, k := range path {
		switch x := v.(type) {
		case map[string]any:
			n, ok := x[k]
			if !ok {
				t.Fatalf("no %q at %s", k, strings.Join(path[:i], "."))
			}
			v = n
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n < 0 || n >= len(x) {
				t.Fatalf("no index %q at %s", k, strings.Join(path[:i], "."))
			}
			v = x[n]
		default:
			t.Fatalf("%s is a %T, not a map or a list", strings.Join(path[:i], "."), v)
		}
	}
	return v
}

// strs returns v as a list of strings: a string alone, or a list of them.
func strs(t *testing.T, v any) []string {
	t.Helper()
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				t.Fatalf("want a string, got %T %v", e, e)
			}
			out = append(out, s)
		}
		return out
	}
	t.Fatalf("want a string or a list of strings, got %T %v", v, v)
	return nil
}

// policyActions is the Action list of deploy/iam-policy.json.
func policyActions(t *testing.T) []string {
	t.Helper()
	var p struct {
		Statement []struct {
			Effect string
			Action []string
		}
	}
	if err := json.Unmarshal(readDeployFile(t, "iam-policy.json"), &p); err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, s := range p.Statement {
		if s.Effect != "Allow" {
			t.Fatalf("iam-policy.json: effect %q", s.Effect)
		}
		acts = append(acts, s.Action...)
	}
	if len(acts) == 0 {
		t.Fatal("iam-policy.json: no actions")
	}
	return acts
}

// statement is one IAM policy statement with its resources as written
// (plain strings, or the template of an Fn::Sub).
type statement struct {
	policy    string
	sid       string
	effect    string
	actions   []string
	resources []string
}

// cfnString resolves a CloudFormation value to a string for inspection: a
// plain string, or the template of Fn::Sub (its ${…} kept); Ref X becomes
// ${X}.
func cfnString(t *testing.T, v any) string {
	t.Helper()
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if s, ok := x["Fn::Sub"].(string); ok {
			return s
		}
		if r, ok := x["Ref"].(string); ok {
			return "${" + r + "}"
		}
	}
	t.Fatalf("unsupported CloudFormation value %v", v)
	return ""
}

// roleStatements returns the statements of a role's inline policies.
func roleStatements(t *testing.T, role any) []statement {
	t.Helper()
	var out []statement
	for _, p := range at(t, role, "Properties", "Policies").([]any) {
		name := at(t, p, "PolicyName").(string)
		for _, s := range at(t, p, "PolicyDocument", "Statement").([]any) {
			m := s.(map[string]any)
			st := statement{policy: name, effect: m["Effect"].(string), actions: strs(t, m["Action"])}
			st.sid, _ = m["Sid"].(string)
			switch r := m["Resource"].(type) {
			case []any:
				for _, e := range r {
					st.resources = append(st.resources, cfnString(t, e))
				}
			default:
				st.resources = []string{cfnString(t, r)}
			}
			out = append(out, st)
		}
	}
	return out
}

func sortedSet(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func TestDeployCloudFormation(t *testing.T) {
	want := sortedSet(policyActions(t))

	t.Run("member role", func(t *testing.T) {
		tmpl := yamlDocs(t, "cloudformation/member-role.yaml")[0]
		role := at(t, tmpl, "Resources", "CairnReadOnlyRole")
		if at(t, role, "Type") != "AWS::IAM::Role" {
			t.Fatalf("CairnReadOnlyRole: type %v", at(t, role, "Type"))
		}
		var got []string
		for _, st := range roleStatements(t, role) {
			if st.effect != "Allow" {
				t.Errorf("%s/%s: effect %s", st.policy, st.sid, st.effect)
			}
			got = append(got, st.actions...)
		}
		if got := sortedSet(got); !slices.Equal(got, want) {
			missing, extra := diff(want, got), diff(got, want)
			t.Errorf("member role actions differ from iam-policy.json: missing %v, extra %v", missing, extra)
		}
		if !slices.Equal(sortedSet(got), got) {
			t.Errorf("member role lists an action twice")
		}
		// Trust: only the scanner role, only with the external id.
		trust := at(t, role, "Properties", "AssumeRolePolicyDocument", "Statement").([]any)
		if len(trust) != 1 {
			t.Fatalf("member role trust: %d statements, want 1", len(trust))
		}
		if p := cfnString(t, at(t, trust[0], "Principal", "AWS")); p != "${ScannerRoleArn}" {
			t.Errorf("member role trusts %q, want the ScannerRoleArn parameter", p)
		}
		if a := at(t, trust[0], "Action"); a != "sts:AssumeRole" {
			t.Errorf("member role trust action %v", a)
		}
		if id := cfnString(t, at(t, trust[0], "Condition", "StringEquals", "sts:ExternalId")); id != "${ExternalId}" {
			t.Errorf("member role external id condition %q", id)
		}
		if at(t, tmpl, "Parameters", "RoleName", "Default") != "CairnReadOnly" {
			t.Errorf("member role name default is not CairnReadOnly (cairn scan --role-name's)")
		}
	})

	t.Run("scanner role", func(t *testing.T) {
		tmpl := yamlDocs(t, "cloudformation/scanner-role.yaml")[0]
		role := at(t, tmpl, "Resources", "CairnScannerRole")
		readOnly := map[string]bool{}
		for _, a := range want {
			readOnly[a] = true
		}
		const history = "arn:${AWS::Partition}:s3:::${HistoryBucket}"
		var listAccounts, assume, put bool
		var readActs []string
		for _, st := range roleStatements(t, role) {
			if st.effect != "Allow" {
				continue
			}
			for _, a := range st.actions {
				switch {
				case a == "organizations:ListAccounts":
					listAccounts = true
				case a == "sts:AssumeRole":
					assume = true
					if !slices.Equal(st.resources, []string{"arn:${AWS::Partition}:iam::*:role/${MemberRoleName}"}) {
						t.Errorf("sts:AssumeRole on %v, want only the member role", st.resources)
					}
				case st.policy == "CairnReadOnly" && readOnly[a]:
					readActs = append(readActs, a)
					if !slices.Equal(st.resources, []string{"*"}) {
						t.Errorf("%s on %v", a, st.resources)
					}
				default:
					// Anything else touches the history bucket only.
					for _, r := range st.resources {
						if r != history && !strings.HasPrefix(r, history+"/${HistoryPrefix}/") {
							t.Errorf("%s/%s: %s on %s, outside the history bucket prefix", st.policy, st.sid, a, r)
						}
					}
					put = put || a == "s3:PutObject"
				}
				if readOnly[a] || a == "sts:AssumeRole" || a == "organizations:ListAccounts" {
					continue
				}
				if st.policy != "CairnHistory" {
					t.Errorf("%s: %s is neither read-only nor part of the history policy", st.policy, a)
				}
			}
		}
		if !listAccounts || !assume || !put {
			t.Errorf("scanner role: ListAccounts %v, AssumeRole %v, history PutObject %v: want all", listAccounts, assume, put)
		}
		if listAccounts { // granted by the CairnOrganization policy, on the allow-list too
			readActs = append(readActs, "organizations:ListAccounts")
		}
		if got := sortedSet(readActs); !slices.Equal(got, want) {
			t.Errorf("scanner role read-only actions differ from iam-policy.json: missing %v, extra %v", diff(want, got), diff(got, want))
		}
		// The trust policy is an Fn::Sub JSON string (an IRSA condition key
		// holds the provider host): each variant must be valid JSON.
		branches := at(t, role, "Properties", "AssumeRolePolicyDocument", "Fn::If").([]any)
		subst := regexp.MustCompile(`\$\{[^}]+\}`)
		var principals []string
		for _, b := range branches[1:] {
			var doc struct {
				Statement []struct {
					Principal map[string]string
					Action    string
					Condition map[string]map[string]string
				}
			}
			s := subst.ReplaceAllString(cfnString(t, b), "X")
			if err := json.Unmarshal([]byte(s), &doc); err != nil {
				t.Fatalf("scanner role trust policy: %v\n%s", err, s)
			}
			for _, st := range doc.Statement {
				for k, v := range st.Principal {
					principals = append(principals, k+"="+v)
				}
				if st.Principal["Federated"] != "" && st.Condition["StringEquals"]["X:sub"] != "system:serviceaccount:X:X" {
					t.Errorf("IRSA trust without a service account subject condition: %v", st.Condition)
				}
			}
		}
		for _, p := range []string{"Service=ecs-tasks.amazonaws.com", "Federated=arn:X:iam::X:oidc-provider/X"} {
			if !slices.Contains(principals, p) {
				t.Errorf("scanner role does not trust %s (trusts %v)", p, principals)
			}
		}
		if n := at(t, role, "Properties", "RoleName"); n != "CairnScanner" {
			t.Errorf("scanner role name %v", n)
		}
	})
}

// diff returns the elements of a not in b.
func diff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// cliFlagsMissing parses args as the command line would and returns every
// --flag the cobra tree of newRootCmd does not define for that subcommand.
// Values of non-boolean flags are skipped, so a value that starts with --
// is not taken for a flag.
func cliFlagsMissing(t *testing.T, args []string) []string {
	t.Helper()
	root := newRootCmd()
	cmd, _, err := root.Find(args)
	if err != nil || cmd == root {
		t.Fatalf("%v: no such subcommand: %v", args, err)
	}
	var missing []string
	for i := 1; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "--") {
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		f := lookupFlag(cmd, name)
		if f == nil {
			missing = append(missing, cmd.Name()+" --"+name)
			// Unknown: assume it takes a value unless the next token is a flag.
			if !hasValue && i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
				i++
			}
			continue
		}
		if !hasValue && f.Value.Type() != "bool" {
			i++
		}
	}
	return missing
}

func lookupFlag(cmd *cobra.Command, name string) *pflag.Flag {
	if f := cmd.Flags().Lookup(name); f != nil {
		return f
	}
	return cmd.InheritedFlags().Lookup(name)
}

// flagValue returns the value given to --name in args.
func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v, true
		}
		if a == "--"+name && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// shardCount returns N of --shard auto/N.
func shardCount(t *testing.T, shard string) int {
	t.Helper()
	n, ok := strings.CutPrefix(shard, "auto/")
	if !ok {
		t.Fatalf("--shard %q: want auto/N, the index coming from the environment", shard)
	}
	v, err := strconv.Atoi(n)
	if err != nil || v <= 0 {
		t.Fatalf("--shard %q: bad N", shard)
	}
	return v
}

func TestDeployKubernetes(t *testing.T) {
	sa := yamlDocs(t, "kubernetes/serviceaccount.yaml")
	var saName, saNamespace string
	for _, d := range sa {
		if d["kind"] == "ServiceAccount" {
			saName = at(t, d, "metadata", "name").(string)
			saNamespace = at(t, d, "metadata", "namespace").(string)
			arn, _ := at(t, d, "metadata", "annotations", "eks.amazonaws.com/role-arn").(string)
			if !strings.HasSuffix(arn, ":role/CairnScanner") {
				t.Errorf("service account IRSA role %q, want the CairnScanner role", arn)
			}
		}
	}
	if saName == "" {
		t.Fatal("serviceaccount.yaml: no ServiceAccount")
	}

	for _, tc := range []struct{ file, kind string }{
		{"kubernetes/job.yaml", "Job"},
		{"kubernetes/cronjob.yaml", "CronJob"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			doc := yamlDocs(t, tc.file)[0]
			if doc["kind"] != tc.kind {
				t.Fatalf("kind %v", doc["kind"])
			}
			if ns := at(t, doc, "metadata", "namespace"); ns != saNamespace {
				t.Errorf("namespace %v, service account's %s", ns, saNamespace)
			}
			job := at(t, doc, "spec")
			if tc.kind == "CronJob" {
				if at(t, job, "concurrencyPolicy") != "Forbid" {
					t.Errorf("concurrencyPolicy %v: two runs would overlap", at(t, job, "concurrencyPolicy"))
				}
				job = at(t, job, "jobTemplate", "spec")
			}
			if at(t, job, "completionMode") != "Indexed" {
				t.Errorf("completionMode %v", at(t, job, "completionMode"))
			}
			completions := at(t, job, "completions").(int)
			if p := at(t, job, "parallelism").(int); p <= 0 || p > completions {
				t.Errorf("parallelism %d with %d completions", p, completions)
			}
			if b, ok := at(t, job, "backoffLimitPerIndex").(int); !ok || b < 1 {
				t.Errorf("backoffLimitPerIndex %v", at(t, job, "backoffLimitPerIndex"))
			}
			pod := at(t, job, "template", "spec")
			if at(t, pod, "restartPolicy") != "Never" {
				t.Errorf("restartPolicy %v (backoffLimitPerIndex needs Never)", at(t, pod, "restartPolicy"))
			}
			if at(t, pod, "serviceAccountName") != saName {
				t.Errorf("serviceAccountName %v, want %s", at(t, pod, "serviceAccountName"), saName)
			}
			if at(t, pod, "securityContext", "runAsNonRoot") != true {
				t.Error("pod securityContext.runAsNonRoot is not true")
			}
			containers := at(t, pod, "containers").([]any)
			if len(containers) != 1 {
				t.Fatalf("%d containers", len(containers))
			}
			c := containers[0]
			args := strs(t, at(t, c, "args"))
			if args[0] != "scan" {
				t.Fatalf("args %v: not a scan", args)
			}
			if missing := cliFlagsMissing(t, args); len(missing) > 0 {
				t.Errorf("args use flags the CLI lacks: %v", missing)
			}
			shard, _ := flagValue(args, "shard")
			if n := shardCount(t, shard); n != completions {
				t.Errorf("--shard %s with %d completions: every index must be a shard", shard, completions)
			}
			if !slices.Contains(args, "--org") {
				t.Error("args do not scan the organization (--org)")
			}
			if out, _ := flagValue(args, "out"); !strings.HasPrefix(out, "s3://") {
				t.Errorf("--out %q: shards must share one s3:// history", out)
			}
			if v, _ := flagValue(args, "fail-on"); v != "none" {
				t.Errorf("--fail-on %q: findings (exit 1) would fail and retry a complete shard", v)
			}

			env := map[string]any{}
			for _, e := range at(t, c, "env").([]any) {
				env[at(t, e, "name").(string)] = e
			}
			// Every $(VAR) in args is defined in env (Kubernetes leaves it as
			// is otherwise).
			for _, a := range args {
				for _, m := range regexp.MustCompile(`\$\(([A-Z0-9_]+)\)`).FindAllStringSubmatch(a, -1) {
					if env[m[1]] == nil {
						t.Errorf("args use $(%s), which env does not define", m[1])
					}
				}
			}
			runID, _ := flagValue(args, "run-id")
			if runID != "$(CAIRN_RUN_ID)" {
				t.Errorf("--run-id %q, want $(CAIRN_RUN_ID)", runID)
			}
			// One run id for all pods of one Job: the Job's uid label, which
			// Kubernetes puts on each of its pods.
			if p := at(t, env["CAIRN_RUN_ID"], "valueFrom", "fieldRef", "fieldPath"); p != "metadata.labels['batch.kubernetes.io/controller-uid']" {
				t.Errorf("CAIRN_RUN_ID from %v, not the Job's uid", p)
			}
			if env["CAIRN_FINGERPRINT_KEY"] == nil {
				t.Error("no CAIRN_FINGERPRINT_KEY: each pod would make its own key, and fingerprints would not match across shards")
			}

			sc := at(t, c, "securityContext")
			if at(t, sc, "readOnlyRootFilesystem") != true || at(t, sc, "allowPrivilegeEscalation") != false {
				t.Errorf("container securityContext %v", sc)
			}
			if d := strs(t, at(t, sc, "capabilities", "drop")); !slices.Equal(d, []string{"ALL"}) {
				t.Errorf("capabilities drop %v", d)
			}
			for _, k := range []string{"requests", "limits"} {
				for _, r := range []string{"cpu", "memory"} {
					at(t, c, "resources", k, r)
				}
			}
			// --out s3:// stages locally: TMPDIR must be a writable emptyDir.
			tmpdir := at(t, env["TMPDIR"], "value").(string)
			var mountedVolume string
			for _, m := range at(t, c, "volumeMounts").([]any) {
				if at(t, m, "mountPath") == tmpdir {
					mountedVolume = at(t, m, "name").(string)
				}
			}
			found := false
			for _, v := range at(t, pod, "volumes").([]any) {
				if at(t, v, "name") == mountedVolume {
					_, found = v.(map[string]any)["emptyDir"]
				}
			}
			if !found {
				t.Errorf("TMPDIR %s is not an emptyDir volume mount", tmpdir)
			}
		})
	}
}

func TestDeployBatch(t *testing.T) {
	var def struct {
		Type                 string
		PlatformCapabilities []string
		Parameters           map[string]string
		ContainerProperties  struct {
			Command                []string
			JobRoleArn             string
			Environment            []struct{ Name, Value string }
			Secrets                []struct{ Name, ValueFrom string }
			ReadonlyRootFilesystem bool
			User                   string
			Volumes                []struct{ Name string }
			MountPoints            []struct {
				SourceVolume, ContainerPath string
				ReadOnly                    bool
			}
		}
	}
	if err := json.Unmarshal(readDeployFile(t, "batch/job-definition.json"), &def); err != nil {
		t.Fatal(err)
	}
	var submit struct {
		JobDefinition   string
		ArrayProperties struct{ Size int }
		Parameters      map[string]string
	}
	if err := json.Unmarshal(readDeployFile(t, "batch/submit-job.json"), &submit); err != nil {
		t.Fatal(err)
	}
	c := def.ContainerProperties
	if def.Type != "container" || !slices.Equal(def.PlatformCapabilities, []string{"FARGATE"}) {
		t.Errorf("type %s on %v, want a Fargate container job", def.Type, def.PlatformCapabilities)
	}
	if len(c.Command) == 0 || c.Command[0] != "scan" || !slices.Contains(c.Command, "--org") {
		t.Fatalf("command %v: not an organization scan", c.Command)
	}
	if missing := cliFlagsMissing(t, c.Command); len(missing) > 0 {
		t.Errorf("command uses flags the CLI lacks: %v", missing)
	}
	// Every Ref::name has a default, and every submitted parameter exists.
	for _, a := range c.Command {
		if name, ok := strings.CutPrefix(a, "Ref::"); ok {
			if _, ok := def.Parameters[name]; !ok {
				t.Errorf("command uses Ref::%s, which has no default in parameters", name)
			}
		}
	}
	for name := range submit.Parameters {
		if _, ok := def.Parameters[name]; !ok {
			t.Errorf("submit-job.json sets parameter %s, which the job definition lacks", name)
		}
	}
	// The shard count is the array size: every child is one shard, and the
	// index comes from AWS_BATCH_JOB_ARRAY_INDEX. The run id comes from
	// AWS_BATCH_JOB_ID, shared by the children, so --run-id is not needed.
	shardArg, _ := flagValue(c.Command, "shard")
	shard := shardArg
	if name, ok := strings.CutPrefix(shardArg, "Ref::"); ok {
		shard = def.Parameters[name]
		if v, ok := submit.Parameters[name]; ok {
			shard = v
		}
	}
	if n := shardCount(t, shard); n != submit.ArrayProperties.Size {
		t.Errorf("--shard %s with arrayProperties.size %d", shard, submit.ArrayProperties.Size)
	}
	if submit.ArrayProperties.Size < 2 {
		t.Errorf("arrayProperties.size %d: an array job needs at least 2", submit.ArrayProperties.Size)
	}
	if submit.JobDefinition != "cairn-scan" {
		t.Errorf("submit-job.json submits %q", submit.JobDefinition)
	}
	out := def.Parameters["out"]
	if v, ok := submit.Parameters["out"]; ok {
		out = v
	}
	if !strings.HasPrefix(out, "s3://") {
		t.Errorf("--out %q: shards must share one s3:// history", out)
	}
	if v, _ := flagValue(c.Command, "fail-on"); v != "none" {
		t.Errorf("--fail-on %q: findings (exit 1) would fail a complete shard", v)
	}
	if !strings.HasSuffix(c.JobRoleArn, ":role/CairnScanner") {
		t.Errorf("jobRoleArn %s, want the CairnScanner role of scanner-role.yaml", c.JobRoleArn)
	}
	env := map[string]string{}
	for _, e := range c.Environment {
		env[e.Name] = e.Value
	}
	for _, s := range c.Secrets {
		env[s.Name] = "secret:" + s.ValueFrom
	}
	if env["CAIRN_FINGERPRINT_KEY"] == "" {
		t.Error("no CAIRN_FINGERPRINT_KEY: fingerprints would not match across shards")
	}
	if !c.ReadonlyRootFilesystem || c.User == "" || c.User == "0" || c.User == "root" {
		t.Errorf("readonlyRootFilesystem %v, user %q: want read-only, non-root", c.ReadonlyRootFilesystem, c.User)
	}
	writable := false
	for _, m := range c.MountPoints {
		writable = writable || (m.ContainerPath == env["TMPDIR"] && !m.ReadOnly)
	}
	if env["TMPDIR"] == "" || !writable {
		t.Errorf("TMPDIR %q is not a writable mount", env["TMPDIR"])
	}
}

func TestDeployDockerfile(t *testing.T) {
	var stages []string // FROM lines
	var final []string  // instructions of the last stage
	for _, line := range strings.Split(string(readDeployFile(t, "Dockerfile")), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "FROM ") {
			stages = append(stages, line)
			final = nil
		}
		final = append(final, line)
	}
	if len(stages) < 2 {
		t.Fatalf("%d stages: want a build stage and a runtime stage", len(stages))
	}
	build := string(readDeployFile(t, "Dockerfile"))
	for _, want := range []string{"CGO_ENABLED=0", "go build -trimpath", `-ldflags "-s -w -X main.version=`, "./cmd/cairn"} {
		if !strings.Contains(build, want) {
			t.Errorf("Dockerfile does not contain %q", want)
		}
	}
	base := stages[len(stages)-1]
	if !strings.Contains(base, "gcr.io/distroless/static") && !strings.HasPrefix(base, "FROM scratch") {
		t.Errorf("final stage %q: want distroless static or scratch", base)
	}
	var user, entry string
	for _, l := range final {
		if u, ok := strings.CutPrefix(l, "USER "); ok {
			user = u
		}
		if e, ok := strings.CutPrefix(l, "ENTRYPOINT "); ok {
			entry = e
		}
	}
	if uid, _, _ := strings.Cut(user, ":"); user == "" || uid == "0" || uid == "root" {
		t.Errorf("final stage runs as %q, want a non-root user", user)
	}
	var ep []string
	if err := json.Unmarshal([]byte(entry), &ep); err != nil || len(ep) == 0 || filepath.Base(ep[0]) != "cairn" {
		t.Errorf("ENTRYPOINT %s: want [\".../cairn\"] in exec form", entry)
	}
	if strings.HasPrefix(base, "FROM scratch") && !strings.Contains(build, "ca-certificates") {
		t.Error("scratch image without CA certificates")
	}
}
