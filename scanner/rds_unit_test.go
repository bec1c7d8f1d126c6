package scanner

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/cairnsec/cairn/classifiers"
)

func TestPGSampleMethod(t *testing.T) {
	tests := []struct {
		rows   float64
		size   int64
		method string
	}{
		{-1, 10 << 30, pgMethodLimit}, // never analysed
		{0, 0, pgMethodLimit},
		{2000, 1 << 20, pgMethodLimit},
		{2001, 1 << 20, pgMethodBernoulli},
		{1e6, 200 << 20, pgMethodBernoulli},
		{1e8, 50 << 30, pgMethodSystem},
		{2e9, 0, pgMethodSystem}, // rows but no size: not known to be small (BERNOULLI would read every page)
	}
	for _, tt := range tests {
		m, pct := pgSampleMethod(tt.rows, tt.size, 1000)
		if m != tt.method || (m != pgMethodLimit && (pct <= 0 || pct > 100)) {
			t.Errorf("pgSampleMethod(%v, %v) = %s %v, want %s", tt.rows, tt.size, m, pct, tt.method)
		}
	}
	if _, pct := pgSampleMethod(1e8, 50<<30, 1000); pct != 0.0015 {
		t.Errorf("pct = %v, want 0.0015", pct)
	}
}

func TestSQLQuoting(t *testing.T) {
	tbl := &sqlTable{db: "d", schema: `s"x`, name: "t; DROP"}
	cols := []sqlColumn{{name: `a"b`, kind: kindText}, {name: "blob", kind: kindBinary}}
	q := pgSampleSQL(tbl, cols, pgMethodBernoulli, 1.5, sampleParams{rows: 10, maxValue: 64})
	want := `SELECT left(("a""b")::text, 64), encode(substring("blob" from 1 for 64), 'escape') FROM "s""x"."t; DROP" TABLESAMPLE BERNOULLI (1.500000) LIMIT 10`
	if q != want {
		t.Errorf("pg query\n got %s\nwant %s", q, want)
	}
	if got := myQuote("a`b"); got != "`a``b`" {
		t.Errorf("myQuote = %s", got)
	}
	if got := mySelectList([]sqlColumn{{name: "x`y", kind: kindText}, {name: "b", kind: kindBinary}}, 32); got != "LEFT(CAST(`x``y` AS CHAR), 32), LEFT(`b`, 32)" {
		t.Errorf("mySelectList = %s", got)
	}
}

func TestColumnKinds(t *testing.T) {
	for _, tc := range []struct {
		typ, cat string
		ok       bool
		kind     columnKind
	}{
		{"text", "S", true, kindText}, {"int8", "N", true, kindText}, {"jsonb", "U", true, kindText},
		{"uuid", "U", true, kindText}, {"bytea", "U", true, kindBinary}, {"_text", "A", true, kindText},
		{"timestamptz", "D", false, 0}, {"bool", "B", false, 0}, {"inet", "I", false, 0}, {"geometry", "U", false, 0},
	} {
		kind, ok := pgColumnKind(tc.typ, tc.cat)
		if ok != tc.ok || kind != tc.kind {
			t.Errorf("pgColumnKind(%s) = %v %v", tc.typ, kind, ok)
		}
	}
	for _, tc := range []struct {
		typ  string
		ok   bool
		kind columnKind
	}{
		{"varchar", true, kindText}, {"json", true, kindText}, {"bigint", true, kindText}, {"longblob", true, kindBinary},
		{"datetime", false, 0}, {"geometry", false, 0}, {"bit", false, 0},
	} {
		kind, ok := myColumnKind(tc.typ)
		if ok != tc.ok || kind != tc.kind {
			t.Errorf("myColumnKind(%s) = %v %v", tc.typ, kind, ok)
		}
	}
}

func TestClassifyFieldSensitive(t *testing.T) {
	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{5}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	fill := func(vals ...string) *fieldValues {
		f := &fieldValues{name: "notes"}
		for _, v := range vals {
			f.add([]byte(v), 4096)
		}
		return f
	}
	ssns := []string{"536-22-8147", "219-09-9999", "078-05-1120", "123-45-6789"}
	tests := []struct {
		name      string
		f         *fieldValues
		count     int64
		sensitive bool
	}{
		{"all values", fill(ssns...), 4, true},
		{"half of the values, blanks ignored", fill(append(ssns[:3:3], "n/a", "none", "", "  ", "x")...), 3, true},
		{"minority", fill(append(ssns[:3:3], "a", "b", "c", "d")...), 3, false},
		{"too few", fill(ssns[:2]...), 2, false},
		{"two in one value count once", fill("536-22-8147 and 219-09-9999", "x", "y"), 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := classifyField(engine, tt.f, 3, Finding{Location: "l"})
			if len(fs) != 1 || fs[0].Count != tt.count || fs[0].FieldSensitive != tt.sensitive || fs[0].Field != "notes" {
				t.Fatalf("findings %+v", fs)
			}
		})
	}
}

func TestDBDerivePublic(t *testing.T) {
	pubSubnet := []DBSubnet{{ID: "subnet-1", Public: true, InternetGateway: "igw-1"}}
	privSubnet := []DBSubnet{{ID: "subnet-2"}}
	open := []string{"sg-1: tcp 5432-5432 from 0.0.0.0/0"}
	tests := []struct {
		name   string
		p      DBPosture
		public bool
		reason string
		note   string
	}{
		{"reachable", DBPosture{PubliclyAccessible: true, OpenSecurityGroupRules: open, Subnets: pubSubnet}, true, "igw-1", ""},
		{"not publicly accessible", DBPosture{OpenSecurityGroupRules: open, Subnets: pubSubnet}, false, "", ""},
		{"closed security groups", DBPosture{PubliclyAccessible: true, Subnets: pubSubnet}, false, "", "no security group"},
		{"private subnets", DBPosture{PubliclyAccessible: true, OpenSecurityGroupRules: open, Subnets: privSubnet}, false, "", "no subnet"},
		{"security groups unreadable", DBPosture{PubliclyAccessible: true, SecurityGroupError: "AccessDenied", Subnets: pubSubnet}, false, "UNKNOWN", ""},
		{"subnets unreadable", DBPosture{PubliclyAccessible: true, OpenSecurityGroupRules: open, SubnetError: "AccessDenied"}, false, "UNKNOWN", ""},
		{"public snapshot", DBPosture{PublicSnapshots: []string{"snap-1"}}, true, "snap-1", ""},
		{"snapshots unreadable", DBPosture{SnapshotError: "AccessDenied"}, false, "UNKNOWN", ""},
		{"snapshots past the cap", DBPosture{SnapshotsChecked: 100, SnapshotsTruncated: true}, false, "UNKNOWN: sharing checked for the first 100", ""},
		{"public snapshot before the cap", DBPosture{SnapshotsChecked: 100, SnapshotsTruncated: true, PublicSnapshots: []string{"snap-1"}}, true, "snap-1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			p.derivePublic()
			if p.Public != tt.public || !strings.Contains(p.PublicReason, tt.reason) || (tt.reason == "" && p.PublicReason != "") || !strings.Contains(p.ExposureNote, tt.note) {
				t.Errorf("public=%v reason=%q note=%q", p.Public, p.PublicReason, p.ExposureNote)
			}
		})
	}
}

func TestOpenRules(t *testing.T) {
	sg := ec2types.SecurityGroup{GroupId: aws.String("sg-1"), IpPermissions: []ec2types.IpPermission{
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}},
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(3000), ToPort: aws.Int32(4000), Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0")}}},
		{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}},
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}},
		{IpProtocol: aws.String("udp"), FromPort: aws.Int32(0), ToPort: aws.Int32(65535), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}},
	}}
	if got := openRules(sg, 5432); !slices.Equal(got, []string{"sg-1: tcp 5432-5432 from 0.0.0.0/0", "sg-1: all from 0.0.0.0/0"}) {
		t.Errorf("5432: %v", got)
	}
	if got := openRules(sg, 3306); !slices.Equal(got, []string{"sg-1: tcp 3000-4000 from ::/0", "sg-1: all from 0.0.0.0/0"}) {
		t.Errorf("3306: %v", got)
	}
	halves := []ec2types.SecurityGroup{
		{GroupId: aws.String("sg-a"), IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/1")}}}}},
		{GroupId: aws.String("sg-b"), IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("128.0.0.0/1")}}}}},
	}
	if got := coveringRules(halves, 5432); len(got) != 1 || !strings.Contains(got[0], "sg-a: tcp 5432-5432 from 0.0.0.0/1") || !strings.Contains(got[0], "sg-b: all from 128.0.0.0/1") {
		t.Errorf("two halves of the internet in two groups: %q", got)
	}
	if got := coveringRules(halves[:1], 5432); got != nil {
		t.Errorf("half of the internet: %q, want none", got)
	}
	rt := ec2types.RouteTable{Routes: []ec2types.Route{{GatewayId: aws.String("local")}, {GatewayId: aws.String("igw-9"), State: ec2types.RouteStateBlackhole}}}
	if internetGateway(rt) != "" {
		t.Error("blackhole route counted")
	}
	rt.Routes = append(rt.Routes, ec2types.Route{GatewayId: aws.String("igw-1"), DestinationCidrBlock: aws.String("0.0.0.0/0")})
	if internetGateway(rt) != "igw-1" {
		t.Error("igw route missed")
	}
}

func TestDBCredentialsValidate(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	os.WriteFile(empty, []byte("not a certificate"), 0o600)
	for _, tc := range []struct {
		c  DBCredentials
		ok bool
	}{
		{DBCredentials{}, true},
		{DBCredentials{TLS: "verify-full", Endpoint: "localhost:15432"}, true},
		{DBCredentials{TLS: "prefer"}, false},
		{DBCredentials{Endpoint: "localhost"}, false},
		{DBCredentials{Endpoint: "localhost:0"}, false},
		{DBCredentials{CABundle: filepath.Join(dir, "missing.pem")}, false},
		{DBCredentials{CABundle: empty}, false},
		{DBCredentials{Password: "x"}, false},
	} {
		if err := tc.c.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: err = %v", tc.c, err)
		}
	}
	if err := (DBOptions{Databases: map[string]DBCredentials{"db1": {TLS: "bogus"}}}).Validate(); err == nil || !strings.Contains(err.Error(), "databases.db1") {
		t.Errorf("DBOptions.Validate = %v", err)
	}
	for mode, verify := range map[string]bool{TLSVerifyFull: true, TLSVerifyCA: false, TLSRequire: false} {
		cfg, err := dbTLSConfig(mode, "", "db.example.com")
		if err != nil || cfg == nil || cfg.InsecureSkipVerify == verify {
			t.Errorf("%s: %+v %v", mode, cfg, err)
		}
		if mode == TLSVerifyFull && cfg.ServerName != "db.example.com" {
			t.Errorf("server name %q", cfg.ServerName)
		}
	}
	if cfg, err := dbTLSConfig(TLSDisable, "", "x"); cfg != nil || err != nil {
		t.Errorf("disable: %v %v", cfg, err)
	}
}

func TestFlattenerPaths(t *testing.T) {
	item := map[string]ddbtypes.AttributeValue{
		"id": &ddbtypes.AttributeValueMemberS{Value: "1"},
		"profile": &ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{
			"ssn":  &ddbtypes.AttributeValueMemberS{Value: "536-22-8147"},
			"deep": &ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{"x": &ddbtypes.AttributeValueMemberS{Value: "y"}}},
		}},
		"addresses": &ddbtypes.AttributeValueMemberL{Value: []ddbtypes.AttributeValue{
			&ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{"zip": &ddbtypes.AttributeValueMemberS{Value: "10001"}}},
			&ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{"zip": &ddbtypes.AttributeValueMemberN{Value: "94105"}}},
		}},
		"emails": &ddbtypes.AttributeValueMemberSS{Value: []string{"a@example.com", "b@example.com"}},
		"blob":   &ddbtypes.AttributeValueMemberB{Value: []byte("bytes")},
		"a": &ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{"b": &ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{
			"c": &ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{"d": &ddbtypes.AttributeValueMemberS{Value: "deepest"}}}}}}},
		"flag": &ddbtypes.AttributeValueMemberBOOL{Value: true},
		"none": &ddbtypes.AttributeValueMemberNULL{Value: true},
	}
	f := newFlattener(100, 3, 4096)
	f.item(item)
	got := map[string]int{}
	for p, fv := range f.fields {
		got[p] = fv.nonEmpty
	}
	// Past three levels the path stops growing: a.b.c.d is read as a.b.c.
	want := map[string]int{"id": 1, "profile.ssn": 1, "profile.deep.x": 1, "addresses[].zip": 2, "emails": 2, "blob": 1, "a.b.c": 1}
	if len(got) != len(want) {
		t.Fatalf("paths %v, want %v", got, want)
	}
	for p, n := range want {
		if got[p] != n {
			t.Errorf("%s: %d values, want %d (all: %v)", p, got[p], n, got)
		}
	}
	capped := newFlattener(2, 16, 4096)
	capped.item(item)
	if len(capped.fields) != 3 || capped.fields[otherPath] == nil {
		t.Errorf("capped paths %v", capped.fields)
	}
	if dynamoSegments(0, 1000) != 4 || dynamoSegments(50_000, 1000) != 8 || dynamoSegments(1e7, 1000) != 16 {
		t.Error("dynamoSegments")
	}
}

// TestGuardDatabaseServices checks that the new services' writes are refused
// before anything is sent and their reads go out (guard_test.go's harness).
func TestGuardDatabaseServices(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		allowed bool
		call    func(aws.Config) error
	}{
		{"rds DeleteDBInstance", false, func(c aws.Config) error {
			_, err := rds.NewFromConfig(c).DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("db")})
			return err
		}},
		{"rds ModifyDBSnapshotAttribute", false, func(c aws.Config) error {
			_, err := rds.NewFromConfig(c).ModifyDBSnapshotAttribute(ctx, &rds.ModifyDBSnapshotAttributeInput{DBSnapshotIdentifier: aws.String("s"), AttributeName: aws.String("restore")})
			return err
		}},
		{"secretsmanager PutSecretValue", false, func(c aws.Config) error {
			_, err := secretsmanager.NewFromConfig(c).PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("s"), SecretString: aws.String("x")})
			return err
		}},
		{"dynamodb PutItem", false, func(c aws.Config) error {
			_, err := dynamodb.NewFromConfig(c).PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "1"}}})
			return err
		}},
		{"dynamodb ExecuteStatement", false, func(c aws.Config) error {
			_, err := dynamodb.NewFromConfig(c).ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String("SELECT * FROM t")})
			return err
		}},
		{"rds DescribeDBInstances", true, func(c aws.Config) error {
			_, err := rds.NewFromConfig(c).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
			return err
		}},
		{"secretsmanager GetSecretValue", true, func(c aws.Config) error {
			_, err := secretsmanager.NewFromConfig(c).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("s")})
			return err
		}},
		{"dynamodb Scan", true, func(c aws.Config) error {
			_, err := dynamodb.NewFromConfig(c).Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("t")})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rt := &recordingTransport{}
			err := tc.call(guardedTestConfig(rt))
			if tc.allowed {
				if errors.Is(err, ErrNotReadOnly) || rt.count() == 0 {
					t.Fatalf("allowed call: err = %v, %d requests", err, rt.count())
				}
				return
			}
			if !errors.Is(err, ErrNotReadOnly) || rt.count() != 0 {
				t.Fatalf("err = %v, %d requests; want refused unsent", err, rt.count())
			}
		})
	}
}

// TestResolveLogin checks the credential sources that need no server: IAM
// tokens (signed locally), literal credentials with an endpoint override, and
// the refusals.
func TestResolveLogin(t *testing.T) {
	ctx := context.Background()
	s := &RDSScanner{creds: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	target := &dbTarget{id: "db1", region: "eu-west-1", host: "db1.abc123.eu-west-1.rds.amazonaws.com", port: 5432, masterUser: "master"}

	l, err := s.resolveLogin(ctx, target, DBCredentials{IAMAuth: true, User: "cairn", Endpoint: "127.0.0.1:15432"})
	if err != nil {
		t.Fatal(err)
	}
	if !l.iam || l.user != "cairn" || l.host != "127.0.0.1" || l.port != 15432 || l.serverName != target.host || l.tls == nil || l.tls.ServerName != target.host {
		t.Errorf("login %+v", l)
	}
	// The token is signed for the RDS endpoint, not the tunnel.
	if !strings.HasPrefix(l.password, target.host+":5432?") || !strings.Contains(l.password, "Action=connect") ||
		!strings.Contains(l.password, "DBUser=cairn") || !strings.Contains(l.password, "X-Amz-Signature=") {
		t.Errorf("token %q", l.password)
	}
	if l, err := s.resolveLogin(ctx, target, DBCredentials{IAMAuth: true}); err != nil || l.user != "master" {
		t.Errorf("iam without user: %v %+v", err, l)
	}

	l, err = s.resolveLogin(ctx, target, DBCredentials{User: "u", Password: "p", TLS: TLSDisable})
	if err != nil || l.user != "u" || l.password != "p" || l.tls != nil || l.host != target.host || l.source != "config" {
		t.Errorf("literal: %v %+v", err, l)
	}
	for name, tc := range map[string]struct {
		c      DBCredentials
		target *dbTarget
		reason string
	}{
		"nothing configured": {DBCredentials{}, target, ReasonNoCredentials},
		"iam without tls":    {DBCredentials{IAMAuth: true, User: "u", TLS: TLSDisable}, target, ReasonTLSFailed},
		"bad tls mode":       {DBCredentials{User: "u", TLS: "sometimes"}, target, ReasonNoCredentials},
		"no endpoint yet":    {DBCredentials{User: "u"}, &dbTarget{id: "db2", status: "creating"}, ReasonConnectionFailed},
	} {
		_, err := s.resolveLogin(ctx, tc.target, tc.c)
		var le *loginError
		if !errors.As(err, &le) || le.reason != tc.reason {
			t.Errorf("%s: err = %v, want %s", name, err, tc.reason)
		}
	}
}
