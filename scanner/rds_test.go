package scanner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/dbtest"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// Credentials of the fixture's reader account, and of the account moto's
// RDS-managed master secrets hold (moto generates this fixed secret value).
const (
	readerUser     = "cairn_reader"
	readerPassword = "reader-pw-1"
	motoMasterUser = "admin"
	motoMasterPass = "P@55w0rd!"
)

// seededNetwork is what seedNetwork created in moto.
type seededNetwork struct {
	publicSG, privateSG                   string
	publicSubnetGroup, privateSubnetGroup string
}

// seedNetwork creates a public VPC (subnets routed to an internet gateway, a
// security group open to the world on 3306 and 5432) and a private one (no
// internet gateway, a security group admitting only the VPC), with a DB
// subnet group in each.
func seedNetwork(t *testing.T, ctx context.Context, cfg aws.Config) seededNetwork {
	t.Helper()
	e := ec2.NewFromConfig(cfg)
	r := rds.NewFromConfig(cfg)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	vpc := func(cidr string) string {
		out, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(cidr)})
		must(err)
		return aws.ToString(out.Vpc.VpcId)
	}
	subnet := func(vpc, cidr, az string) string {
		out, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpc), CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(az)})
		must(err)
		return aws.ToString(out.Subnet.SubnetId)
	}
	sg := func(vpc, name, cidr string, ports ...int32) string {
		out, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String(name), VpcId: aws.String(vpc)})
		must(err)
		id := aws.ToString(out.GroupId)
		for _, p := range ports {
			_, err := e.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id),
				IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(p), ToPort: aws.Int32(p),
					IpRanges: []ec2types.IpRange{{CidrIp: aws.String(cidr)}}}}})
			must(err)
		}
		return id
	}

	var n seededNetwork
	pub := vpc("10.10.0.0/16")
	pubA, pubB := subnet(pub, "10.10.1.0/24", "us-east-1a"), subnet(pub, "10.10.2.0/24", "us-east-1b")
	igw, err := e.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	must(err)
	igwID := aws.ToString(igw.InternetGateway.InternetGatewayId)
	_, err = e.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igwID), VpcId: aws.String(pub)})
	must(err)
	rt, err := e.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(pub)})
	must(err)
	rtID := aws.ToString(rt.RouteTable.RouteTableId)
	_, err = e.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rtID), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igwID)})
	must(err)
	for _, s := range []string{pubA, pubB} {
		_, err = e.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rtID), SubnetId: aws.String(s)})
		must(err)
	}
	n.publicSG = sg(pub, "db-open", "0.0.0.0/0", 3306, 5432)

	priv := vpc("10.20.0.0/16")
	privA, privB := subnet(priv, "10.20.1.0/24", "us-east-1a"), subnet(priv, "10.20.2.0/24", "us-east-1b")
	// Open to the world as well: the private subnets alone must keep it private.
	n.privateSG = sg(priv, "db-private", "0.0.0.0/0", 5432)

	n.publicSubnetGroup, n.privateSubnetGroup = "public-db-subnets", "private-db-subnets"
	_, err = r.CreateDBSubnetGroup(ctx, &rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String(n.publicSubnetGroup),
		DBSubnetGroupDescription: aws.String("public"), SubnetIds: []string{pubA, pubB}})
	must(err)
	_, err = r.CreateDBSubnetGroup(ctx, &rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String(n.privateSubnetGroup),
		DBSubnetGroupDescription: aws.String("private"), SubnetIds: []string{privA, privB}})
	must(err)
	return n
}

// createSecret stores a JSON database secret and returns its ARN.
func createSecret(t *testing.T, ctx context.Context, sm *secretsmanager.Client, name string, v map[string]any) string {
	t.Helper()
	b, _ := json.Marshal(v)
	out, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(string(b))})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.ARN)
}

// TestRDSEndToEnd registers RDS instances and an Aurora cluster in moto that
// point (through endpoint overrides or secret hosts) at real PostgreSQL and
// MariaDB servers loaded with the dbtest fixture, scans them, and checks the
// posture, the findings per column, the decoys, and every failure reason.
func TestRDSEndToEnd(t *testing.T) {
	mototest.SetTestCredentials(t)
	servers := dbtest.SharedServers(t, dbtest.Postgres, dbtest.MariaDB)
	pg, maria := servers[0], servers[1]
	srv := mototest.Start(t)
	ctx := context.Background()
	started := time.Now()

	fixture := dbtest.FixtureOptions{Reader: readerUser, ReaderPassword: readerPassword}
	if err := dbtest.LoadFixture(ctx, pg, fixture); err != nil {
		t.Fatal(err)
	}
	if err := dbtest.LoadFixture(ctx, maria, fixture); err != nil {
		t.Fatal(err)
	}
	// The login moto's RDS-managed master secrets hold.
	if err := pg.Exec(ctx, dbtest.FixtureDatabase,
		`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'admin') THEN CREATE ROLE admin LOGIN; END IF; END $$`,
		"ALTER ROLE admin LOGIN PASSWORD '"+motoMasterPass+"'",
		"GRANT USAGE ON SCHEMA "+dbtest.FixtureSchema+" TO admin",
		"GRANT SELECT ON ALL TABLES IN SCHEMA "+dbtest.FixtureSchema+" TO admin",
	); err != nil {
		t.Fatal(err)
	}
	t.Logf("fixtures loaded in %v", time.Since(started))

	cfg, err := srv.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	net := seedNetwork(t, ctx, cfg)
	key, err := kms.NewFromConfig(cfg).CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("rds data key")})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := aws.ToString(key.KeyMetadata.Arn)
	sm := secretsmanager.NewFromConfig(cfg)
	pgSecret := createSecret(t, ctx, sm, "cairn/pg-reader", map[string]any{"username": readerUser, "password": readerPassword, "engine": "postgres"})
	mariaSecret := createSecret(t, ctx, sm, "cairn/maria-reader", map[string]any{"username": readerUser, "password": readerPassword,
		"host": maria.Host, "port": maria.Port, "dbname": dbtest.FixtureDatabase})
	wrongSecret := createSecret(t, ctx, sm, "cairn/pg-wrong", map[string]any{"username": readerUser, "password": "not-the-password"})

	r := rds.NewFromConfig(cfg)
	instance := func(in rds.CreateDBInstanceInput) {
		t.Helper()
		if in.DBInstanceClass == nil {
			in.DBInstanceClass = aws.String("db.t3.micro")
		}
		if in.EngineVersion == nil && in.DBClusterIdentifier == nil {
			in.EngineVersion = aws.String(map[string]string{"postgres": "15.4", "mariadb": "10.11.6"}[aws.ToString(in.Engine)])
		}
		if in.ManageMasterUserPassword == nil && in.DBClusterIdentifier == nil {
			in.MasterUsername, in.MasterUserPassword = aws.String("master"), aws.String("master-password-1")
		}
		if _, err := r.CreateDBInstance(ctx, &in); err != nil {
			t.Fatalf("create %s: %v", aws.ToString(in.DBInstanceIdentifier), err)
		}
	}
	instance(rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("pg-private"), Engine: aws.String("postgres"), EngineVersion: aws.String("15.4"),
		AllocatedStorage: aws.Int32(20), StorageEncrypted: aws.Bool(true), KmsKeyId: aws.String(keyARN),
		PubliclyAccessible: aws.Bool(false), VpcSecurityGroupIds: []string{net.privateSG},
		DBSubnetGroupName: aws.String(net.privateSubnetGroup), DeletionProtection: aws.Bool(true),
		BackupRetentionPeriod: aws.Int32(7), EnableIAMDatabaseAuthentication: aws.Bool(true), MultiAZ: aws.Bool(true),
	})
	instance(rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("maria-public"), Engine: aws.String("mariadb"), Port: aws.Int32(3306),
		AllocatedStorage: aws.Int32(20), PubliclyAccessible: aws.Bool(true), VpcSecurityGroupIds: []string{net.publicSG},
		DBSubnetGroupName: aws.String(net.publicSubnetGroup), BackupRetentionPeriod: aws.Int32(0),
	})
	instance(rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("pg-master"), Engine: aws.String("postgres"), AllocatedStorage: aws.Int32(20),
		MasterUsername: aws.String(motoMasterUser), ManageMasterUserPassword: aws.Bool(true),
		VpcSecurityGroupIds: []string{net.privateSG}, DBSubnetGroupName: aws.String(net.privateSubnetGroup),
	})
	if _, err := r.CreateDBSnapshot(ctx, &rds.CreateDBSnapshotInput{DBInstanceIdentifier: aws.String("pg-master"), DBSnapshotIdentifier: aws.String("pg-master-shared")}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ModifyDBSnapshotAttribute(ctx, &rds.ModifyDBSnapshotAttributeInput{DBSnapshotIdentifier: aws.String("pg-master-shared"),
		AttributeName: aws.String("restore"), ValuesToAdd: []string{"all"}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"pg-down", "pg-badpass", "pg-tls", "pg-nocreds"} {
		instance(rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String(id), Engine: aws.String("postgres"), AllocatedStorage: aws.Int32(20)})
	}
	if _, err := r.CreateDBCluster(ctx, &rds.CreateDBClusterInput{
		DBClusterIdentifier: aws.String("aurora-pg"), Engine: aws.String("aurora-postgresql"),
		MasterUsername: aws.String("master"), MasterUserPassword: aws.String("master-password-1"),
		StorageEncrypted: aws.Bool(true), KmsKeyId: aws.String(keyARN), DBSubnetGroupName: aws.String(net.publicSubnetGroup),
		VpcSecurityGroupIds: []string{net.publicSG},
	}); err != nil {
		t.Fatal(err)
	}
	instance(rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String("aurora-pg-1"), DBClusterIdentifier: aws.String("aurora-pg"),
		Engine: aws.String("aurora-postgresql"), PubliclyAccessible: aws.Bool(false)})

	closed, err := dbtest.ClosedPort()
	if err != nil {
		t.Fatal(err)
	}
	opts := scanner.DBOptions{Databases: map[string]scanner.DBCredentials{
		"pg-private":   {SecretARN: pgSecret, Endpoint: pg.Addr(), TLS: scanner.TLSDisable},
		"maria-public": {SecretARN: mariaSecret, TLS: scanner.TLSDisable},
		"pg-master":    {Endpoint: pg.Addr(), TLS: scanner.TLSDisable, Databases: []string{dbtest.FixtureDatabase}},
		"pg-down":      {User: readerUser, Password: readerPassword, Endpoint: closed, TLS: scanner.TLSDisable},
		"pg-badpass":   {SecretARN: wrongSecret, Endpoint: pg.Addr(), TLS: scanner.TLSDisable},
		"pg-tls":       {SecretARN: pgSecret, Endpoint: pg.Addr()}, // verify-full against a server without TLS
		"aurora-pg":    {SecretARN: pgSecret, Endpoint: pg.Addr(), TLS: scanner.TLSDisable, Databases: []string{dbtest.FixtureDatabase}},
	}}
	if err := opts.Validate(); err != nil {
		t.Fatal(err)
	}

	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	ao := scanner.AWSOptions{EndpointURL: srv.Endpoint}
	guarded, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	sink := newMemorySink()
	scanStart := time.Now()
	stats, err := scanner.NewRDSScanner(guarded, ao, engine, opts, nil).Scan(ctx, mototest.AccountID, sink)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	t.Logf("scan in %v: %+v", time.Since(scanStart), stats)
	if !stats.Incomplete() {
		t.Error("scan with unreachable databases is not incomplete")
	}

	wantAssets := []string{"aurora-pg", "maria-public", "pg-badpass", "pg-down", "pg-master", "pg-nocreds", "pg-private", "pg-tls"}
	if len(sink.assets) != len(wantAssets) {
		t.Errorf("assets = %d, want %v", len(sink.assets), wantAssets)
	}
	posture := func(a scanner.Asset) scanner.DBPosture {
		var p scanner.DBPosture
		if err := json.Unmarshal([]byte(a.Posture), &p); err != nil {
			t.Fatalf("%s posture: %v", a.Name, err)
		}
		return p
	}

	t.Run("encrypted private instance", func(t *testing.T) {
		a := sink.assets["pg-private"]
		p := posture(a)
		if a.Service != "rds" || !strings.HasPrefix(a.ARN, "arn:aws:rds:us-east-1:") {
			t.Errorf("service %q arn %q", a.Service, a.ARN)
		}
		if a.Encryption != scanner.EncryptionSSEKMS || a.KMSKeyARN != keyARN || a.KMSKeyManager != scanner.KeyManagerCustomer {
			t.Errorf("encryption %s key %s manager %s", a.Encryption, a.KMSKeyARN, a.KMSKeyManager)
		}
		if a.Public || a.PublicReason != "" {
			t.Errorf("public=%v reason=%q", a.Public, a.PublicReason)
		}
		if !p.DeletionProtection || p.BackupRetentionDays != 7 || !p.IAMAuth || !p.MultiAZ || p.PubliclyAccessible {
			t.Errorf("posture %+v", p)
		}
		if len(p.OpenSecurityGroupRules) != 1 || len(p.Subnets) != 2 || p.Subnets[0].Public {
			t.Errorf("network posture: rules %v subnets %+v", p.OpenSecurityGroupRules, p.Subnets)
		}
		for _, class := range []string{"US_SSN", "EMAIL_ADDRESS", "CREDIT_CARD_NUMBER", "IBAN", "US_PHONE_NUMBER"} {
			if !contains(a.DataClasses, class) {
				t.Errorf("data classes %v lack %s", a.DataClasses, class)
			}
		}
		if a.SensitivityScore < 50 || a.ObjectCount < 3 {
			t.Errorf("score %v objects %d", a.SensitivityScore, a.ObjectCount)
		}
		// audit_log is not readable by the reader: PARTIAL, not COMPLETE.
		if a.Status != scanner.StatusPartial || !strings.Contains(a.Reason, scanner.ReasonObjectsSkipped) {
			t.Errorf("status %s reason %q", a.Status, a.Reason)
		}
		if p.Sampling == nil || p.Sampling.CredentialSource != "secret:"+pgSecret || p.Sampling.User != readerUser {
			t.Errorf("sampling %+v", p.Sampling)
		}
	})

	t.Run("unencrypted public instance", func(t *testing.T) {
		a := sink.assets["maria-public"]
		p := posture(a)
		if a.Encryption != scanner.EncryptionNone || a.KMSKeyARN != "" {
			t.Errorf("encryption %s key %s", a.Encryption, a.KMSKeyARN)
		}
		if !a.Public || !strings.Contains(a.PublicReason, "0.0.0.0/0") || !strings.Contains(a.PublicReason, "igw-") {
			t.Errorf("public=%v reason=%q", a.Public, a.PublicReason)
		}
		if p.Sampling == nil || p.Sampling.Dialect != "mariadb" || p.Sampling.Endpoint != maria.Addr() {
			t.Errorf("sampling %+v (the secret's host and port must be used)", p.Sampling)
		}
		if !contains(a.DataClasses, "US_SSN") || !contains(a.DataClasses, "IBAN") {
			t.Errorf("data classes %v", a.DataClasses)
		}
	})

	t.Run("managed master secret and public snapshot", func(t *testing.T) {
		a := sink.assets["pg-master"]
		p := posture(a)
		if !a.Public || !strings.Contains(a.PublicReason, "pg-master-shared") || len(p.PublicSnapshots) != 1 {
			t.Errorf("public=%v reason=%q", a.Public, a.PublicReason)
		}
		if p.Sampling == nil || !strings.HasPrefix(p.Sampling.CredentialSource, "rds-managed-secret:") || !contains(a.DataClasses, "US_SSN") {
			t.Errorf("sampling %+v classes %v", p.Sampling, a.DataClasses)
		}
	})

	t.Run("aurora cluster", func(t *testing.T) {
		a := sink.assets["aurora-pg"]
		p := posture(a)
		if p.Kind != "cluster" || len(p.Members) != 1 || a.Encryption != scanner.EncryptionSSEKMS || !contains(a.DataClasses, "US_SSN") {
			t.Errorf("kind %s members %+v enc %s classes %v", p.Kind, p.Members, a.Encryption, a.DataClasses)
		}
		// Open security group and public subnets, but no member is publicly accessible.
		if a.Public || a.PublicReason != "" || p.PubliclyAccessible {
			t.Errorf("public=%v reason=%q publicly accessible %v", a.Public, a.PublicReason, p.PubliclyAccessible)
		}
	})

	t.Run("failures are recorded with reasons", func(t *testing.T) {
		for id, reason := range map[string]string{
			"pg-down":    scanner.ReasonConnectionFailed,
			"pg-badpass": scanner.ReasonAuthenticationFailed,
			"pg-tls":     scanner.ReasonTLSFailed,
			"pg-nocreds": scanner.ReasonNoCredentials,
		} {
			a := sink.assets[id]
			if a.Status != scanner.StatusError || !strings.HasPrefix(a.Reason, reason) {
				t.Errorf("%s: status %s reason %q, want ERROR %s", id, a.Status, a.Reason, reason)
			}
			found := false
			for _, o := range sink.objects {
				if o.AssetARN == a.ARN && o.Reason == reason && o.Status == scanner.StatusSkipped {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no SKIPPED object with reason %s", id, reason)
			}
		}
		for _, loc := range []string{"pg-private|shop/crm.audit_log", "maria-public|shop/shop.audit_log"} {
			id, l, _ := strings.Cut(loc, "|")
			o := sink.objects[sink.assets[id].ARN+"/"+l]
			if o.Status != scanner.StatusSkipped || o.Reason != scanner.ReasonPermissionDenied {
				t.Errorf("%s %s: %+v, want SKIPPED PERMISSION_DENIED", id, l, o)
			}
		}
	})

	t.Run("sampling methods", func(t *testing.T) {
		for key, want := range map[string]string{
			"pg-private|shop/crm.customers":    "postgresql:limit",
			"pg-private|shop/crm.orders":       "postgresql:tablesample-bernoulli",
			"maria-public|shop/shop.customers": "mariadb:limit",
			"maria-public|shop/shop.orders":    "mariadb:pk-range",
		} {
			id, l, _ := strings.Cut(key, "|")
			o := sink.objects[sink.assets[id].ARN+"/"+l]
			if o.Format != want || o.Status != scanner.StatusComplete || o.BytesRead == 0 {
				t.Errorf("%s %s: format %q status %s bytes %d, want %s COMPLETE", id, l, o.Format, o.Status, o.BytesRead, want)
			}
		}
	})

	t.Run("columns found and decoys not", func(t *testing.T) {
		for _, prefix := range []string{"pg-private|shop/crm.", "maria-public|shop/shop."} {
			id, loc, _ := strings.Cut(prefix, "|")
			arn := sink.assets[id].ARN
			got := map[string]map[string]scanner.Finding{} // table.column → identifier → finding
			for _, f := range sink.findings {
				if f.AssetARN == arn && strings.HasPrefix(f.Location, loc) {
					col := strings.TrimPrefix(f.Location, loc)
					if got[col] == nil {
						got[col] = map[string]scanner.Finding{}
					}
					got[col][f.Identifier] = f
				}
			}
			for col, ids := range dbtest.FixtureSensitive {
				for _, want := range ids {
					f, ok := got["customers."+col][want]
					if !ok {
						t.Errorf("%s customers.%s: no %s finding (got %v)", id, col, want, keys(got["customers."+col]))
						continue
					}
					if f.Field != col || !f.FieldSensitive || f.Count < 300 || f.Service != "rds" {
						t.Errorf("%s customers.%s %s: field %q sensitive %v count %d", id, col, want, f.Field, f.FieldSensitive, f.Count)
					}
				}
			}
			for _, decoy := range dbtest.FixtureDecoys {
				if ids := got[decoy]; len(ids) > 0 {
					t.Errorf("%s: decoy %s reported as %v", id, decoy, keys(ids))
				}
			}
		}
	})

	t.Run("no raw value leaves the scanner", func(t *testing.T) {
		all, _ := json.Marshal(struct {
			A any
			O any
			F any
		}{sink.assets, sink.objects, sink.findings})
		for i := 1; i <= 300; i++ {
			c := dbtest.FixtureCustomer(i)
			for _, v := range []string{c.SSN, c.CardNumber, c.IBAN, c.Email} {
				if bytes.Contains(all, []byte(v)) {
					t.Fatalf("raw value of customer %d found in the results", i)
				}
			}
		}
		if bytes.Contains(all, []byte(readerPassword)) || bytes.Contains(all, []byte(motoMasterPass)) {
			t.Fatal("a password is in the results")
		}
	})
	t.Logf("TestRDSEndToEnd total %v", time.Since(started))
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
