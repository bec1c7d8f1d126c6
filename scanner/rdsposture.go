package scanner

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/cairnsec/cairn/configchecks"
)

// DBPosture is everything Cairn observed about an RDS instance's or Aurora
// cluster's protection. Every attribute that could not be read carries its
// error and is listed in Incomplete, so "unknown" is never mistaken for
// "safe".
type DBPosture struct {
	Region         string `json:"region"`
	Kind           string `json:"kind"` // instance or cluster
	Engine         string `json:"engine"`
	EngineVersion  string `json:"engine_version"`
	Status         string `json:"status"`
	InstanceClass  string `json:"instance_class,omitempty"`
	Endpoint       string `json:"endpoint,omitempty"` // host:port as RDS reports it
	ReaderEndpoint string `json:"reader_endpoint,omitempty"`

	StorageEncrypted bool   `json:"storage_encrypted"`
	KMSKeyID         string `json:"kms_key_id,omitempty"`
	KMSKeyARN        string `json:"kms_key_arn,omitempty"`
	KeyManager       string `json:"key_manager,omitempty"` // AWS or CUSTOMER
	KMSError         string `json:"kms_error,omitempty"`

	PubliclyAccessible bool       `json:"publicly_accessible"`
	Members            []DBMember `json:"members,omitempty"` // cluster member instances
	VPCID              string     `json:"vpc_id,omitempty"`
	SecurityGroups     []string   `json:"security_groups"`
	// OpenSecurityGroupRules lists inbound rules admitting 0.0.0.0/0 or ::/0
	// on the database port, as "sg-…: tcp 5432-5432 from 0.0.0.0/0".
	OpenSecurityGroupRules []string   `json:"open_security_group_rules,omitempty"`
	SecurityGroupError     string     `json:"security_group_error,omitempty"`
	SubnetGroup            string     `json:"subnet_group,omitempty"`
	Subnets                []DBSubnet `json:"subnets,omitempty"`
	SubnetError            string     `json:"subnet_error,omitempty"`

	BackupRetentionDays     int32  `json:"backup_retention_days"`
	DeletionProtection      bool   `json:"deletion_protection"`
	IAMAuth                 bool   `json:"iam_auth"`
	MultiAZ                 bool   `json:"multi_az"`
	AutoMinorVersionUpgrade bool   `json:"auto_minor_version_upgrade"`
	CACertificate           string `json:"ca_certificate,omitempty"`
	ManagedMasterSecret     bool   `json:"managed_master_secret"`

	SnapshotsChecked   int      `json:"snapshots_checked"`
	SnapshotsTruncated bool     `json:"snapshots_truncated,omitempty"`
	PublicSnapshots    []string `json:"public_snapshots,omitempty"`
	SharedSnapshots    []string `json:"shared_snapshots,omitempty"` // "snap: 111122223333,…"
	SnapshotError      string   `json:"snapshot_error,omitempty"`

	Public       bool   `json:"public"`
	PublicReason string `json:"public_reason,omitempty"`
	// ExposureNote explains a publicly accessible endpoint that is not
	// reachable (no open security group, or no route to the internet).
	ExposureNote string `json:"exposure_note,omitempty"`
	// Incomplete lists the posture attributes that could not be read.
	Incomplete []string `json:"incomplete,omitempty"`

	// Sampling says how Cairn reached the data, filled after sampling.
	Sampling *SamplingInfo `json:"sampling,omitempty"`
}

// DBMember is an instance of an Aurora cluster.
type DBMember struct {
	ID                 string `json:"id"`
	Writer             bool   `json:"writer"`
	PubliclyAccessible bool   `json:"publicly_accessible"`
	AvailabilityZone   string `json:"availability_zone,omitempty"`
	// AutoMinorVersionUpgrade is the member instance's own setting (Aurora
	// applies minor upgrades per instance).
	AutoMinorVersionUpgrade bool `json:"auto_minor_version_upgrade"`
}

// DBSubnet is a subnet of a DB subnet group and whether it routes to an
// internet gateway.
type DBSubnet struct {
	ID               string `json:"id"`
	AvailabilityZone string `json:"availability_zone,omitempty"`
	Public           bool   `json:"public"`
	RouteTable       string `json:"route_table,omitempty"`
	InternetGateway  string `json:"internet_gateway,omitempty"`
}

// derivePublic sets Public and PublicReason. A database is public when its
// endpoint is publicly accessible AND reachable: a security group admits
// 0.0.0.0/0 or ::/0 on its port AND a subnet of its subnet group routes to
// an internet gateway. A manual snapshot restorable by all AWS accounts
// exposes the data too. When the endpoint is publicly accessible but the
// security groups or subnets could not be read, and nothing else makes it
// public, the reason says the verdict is unknown.
func (p *DBPosture) derivePublic() {
	var reasons, unknown []string
	var publicSubnets []string
	for _, s := range p.Subnets {
		if s.Public {
			publicSubnets = append(publicSubnets, s.ID+" routes to "+s.InternetGateway)
		}
	}
	if p.PubliclyAccessible {
		sgKnown := p.SecurityGroupError == ""
		subnetsKnown := p.SubnetError == "" && len(p.Subnets) > 0
		switch {
		case len(p.OpenSecurityGroupRules) > 0 && len(publicSubnets) > 0:
			reasons = append(reasons, "publicly accessible endpoint; security group "+
				strings.Join(p.OpenSecurityGroupRules, ", ")+"; subnet "+strings.Join(publicSubnets, ", "))
		case sgKnown && len(p.OpenSecurityGroupRules) == 0:
			p.ExposureNote = "publicly accessible, but no security group admits 0.0.0.0/0 or ::/0 on the database port"
		case subnetsKnown && len(publicSubnets) == 0:
			p.ExposureNote = "publicly accessible, but no subnet of the subnet group routes to an internet gateway"
		case !sgKnown:
			unknown = append(unknown, "publicly accessible; security groups unreadable")
		default:
			unknown = append(unknown, "publicly accessible; subnet routes unknown")
		}
	}
	for _, s := range p.PublicSnapshots {
		reasons = append(reasons, "manual snapshot "+s+" is restorable by any AWS account")
	}
	switch {
	case len(reasons) > 0:
	case p.SnapshotError != "":
		unknown = append(unknown, "snapshot sharing unreadable")
	case p.SnapshotsTruncated:
		unknown = append(unknown, p.snapshotsCapped())
	}
	switch {
	case len(reasons) > 0:
		p.Public, p.PublicReason = true, strings.Join(reasons, "; ")
	case len(unknown) > 0:
		p.Public, p.PublicReason = false, "UNKNOWN: "+strings.Join(unknown, "; ")
	default:
		p.Public, p.PublicReason = false, ""
	}
}

// restoreAttribute returns the restore attribute of a manual snapshot of a DB
// instance (kind "instance") or cluster: the account ids it is shared with, "all"
// when it is public.
func (s *RDSScanner) restoreAttribute(ctx context.Context, kind, id, region string) ([]string, error) {
	inRegion := func(o *rds.Options) { o.Region = region }
	var attrs []string
	if kind == "instance" {
		out, err := s.rds.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String(id)}, inRegion)
		if err != nil {
			return nil, err
		}
		if out.DBSnapshotAttributesResult != nil {
			for _, a := range out.DBSnapshotAttributesResult.DBSnapshotAttributes {
				if aws.ToString(a.AttributeName) == "restore" {
					attrs = append(attrs, a.AttributeValues...)
				}
			}
		}
		return attrs, nil
	}
	out, err := s.rds.DescribeDBClusterSnapshotAttributes(ctx, &rds.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: aws.String(id)}, inRegion)
	if err != nil {
		return nil, err
	}
	if out.DBClusterSnapshotAttributesResult != nil {
		for _, a := range out.DBClusterSnapshotAttributesResult.DBClusterSnapshotAttributes {
			if aws.ToString(a.AttributeName) == "restore" {
				attrs = append(attrs, a.AttributeValues...)
			}
		}
	}
	return attrs, nil
}

// otherSnapshots lists a region's manual DB and DB cluster snapshots whose
// database is not in live (identifiers of the instances and clusters evaluated),
// up to MaxSnapshots of them, and reads which are public: snapshots of deleted
// databases and of engines Cairn does not read. A public one is a copy of a
// database anyone can restore, which the per-database check never sees.
func (s *RDSScanner) otherSnapshots(ctx context.Context, region string, live map[string]bool) (configchecks.OtherSnapshots, error) {
	inRegion := func(o *rds.Options) { o.Region = region }
	var found []configchecks.DBSnapshot
	instances := rds.NewDescribeDBSnapshotsPaginator(s.rds, &rds.DescribeDBSnapshotsInput{SnapshotType: aws.String("manual")})
	for instances.HasMorePages() {
		out, err := instances.NextPage(ctx, inRegion)
		if err != nil {
			return configchecks.OtherSnapshots{}, fmt.Errorf("rds DescribeDBSnapshots: %s", describeErr(err))
		}
		for _, sn := range out.DBSnapshots {
			if db := aws.ToString(sn.DBInstanceIdentifier); !live[db] {
				found = append(found, configchecks.DBSnapshot{ID: aws.ToString(sn.DBSnapshotIdentifier), ARN: aws.ToString(sn.DBSnapshotArn), Kind: "instance", SourceDB: db})
			}
		}
	}
	clusters := rds.NewDescribeDBClusterSnapshotsPaginator(s.rds, &rds.DescribeDBClusterSnapshotsInput{SnapshotType: aws.String("manual")})
	for clusters.HasMorePages() {
		out, err := clusters.NextPage(ctx, inRegion)
		if err != nil {
			return configchecks.OtherSnapshots{}, fmt.Errorf("rds DescribeDBClusterSnapshots: %s", describeErr(err))
		}
		for _, sn := range out.DBClusterSnapshots {
			if db := aws.ToString(sn.DBClusterIdentifier); !live[db] {
				found = append(found, configchecks.DBSnapshot{ID: aws.ToString(sn.DBClusterSnapshotIdentifier), ARN: aws.ToString(sn.DBClusterSnapshotArn), Kind: "cluster", SourceDB: db})
			}
		}
	}
	slices.SortFunc(found, func(a, b configchecks.DBSnapshot) int { return strings.Compare(a.ID, b.ID) })
	var o configchecks.OtherSnapshots
	if len(found) > s.opts.MaxSnapshots {
		found, o.Truncated = found[:s.opts.MaxSnapshots], true
	}
	for _, sn := range found {
		attrs, err := s.restoreAttribute(ctx, sn.Kind, sn.ID, region)
		if err != nil {
			return configchecks.OtherSnapshots{}, fmt.Errorf("snapshot %s: %s", sn.ID, describeErr(err))
		}
		o.Checked++
		if slices.Contains(attrs, "all") {
			o.Public = append(o.Public, sn)
		}
	}
	return o, nil
}

// snapshotsCapped says that only some manual snapshots were checked for sharing.
func (p *DBPosture) snapshotsCapped() string {
	return fmt.Sprintf("sharing checked for the first %d manual snapshots only", p.SnapshotsChecked)
}

// memo caches one fetch per key for the concurrent workers of a scan.
type memo[V any] struct {
	mu sync.Mutex
	m  map[string]*memoEntry[V]
}

type memoEntry[V any] struct {
	once sync.Once
	v    V
	err  error
}

func (m *memo[V]) get(key string, fetch func() (V, error)) (V, error) {
	m.mu.Lock()
	if m.m == nil {
		m.m = map[string]*memoEntry[V]{}
	}
	e, ok := m.m[key]
	if !ok {
		e = &memoEntry[V]{}
		m.m[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() { e.v, e.err = fetch() })
	return e.v, e.err
}

// regionCache holds the network lookups shared by a region's databases.
type regionCache struct {
	securityGroups memo[ec2types.SecurityGroup]
	routeTables    memo[[]ec2types.RouteTable] // by VPC id
	subnetGroups   memo[rdstypes.DBSubnetGroup]
}

func newRegionCache() *regionCache { return &regionCache{} }

// posture reads every posture attribute of one instance or cluster.
// Failures are recorded on the posture, never returned.
func (s *RDSScanner) posture(ctx context.Context, t *dbTarget, rc *regionCache) *DBPosture {
	p := &DBPosture{Region: t.region, Kind: t.kind, Engine: t.engine, Status: t.status, SecurityGroups: []string{}}
	var sgIDs []string
	var subnetGroup *rdstypes.DBSubnetGroup
	subnetGroupName := ""
	port := t.port
	if in := t.instance; in != nil {
		p.EngineVersion = aws.ToString(in.EngineVersion)
		p.InstanceClass = aws.ToString(in.DBInstanceClass)
		if in.Endpoint != nil {
			port = int(aws.ToInt32(in.Endpoint.Port))
			p.Endpoint = fmt.Sprintf("%s:%d", aws.ToString(in.Endpoint.Address), port)
		}
		p.StorageEncrypted = aws.ToBool(in.StorageEncrypted)
		p.KMSKeyID = aws.ToString(in.KmsKeyId)
		p.PubliclyAccessible = aws.ToBool(in.PubliclyAccessible)
		for _, g := range in.VpcSecurityGroups {
			sgIDs = append(sgIDs, aws.ToString(g.VpcSecurityGroupId))
		}
		subnetGroup = in.DBSubnetGroup
		p.BackupRetentionDays = aws.ToInt32(in.BackupRetentionPeriod)
		p.DeletionProtection = aws.ToBool(in.DeletionProtection)
		p.IAMAuth = aws.ToBool(in.IAMDatabaseAuthenticationEnabled)
		p.MultiAZ = aws.ToBool(in.MultiAZ)
		p.AutoMinorVersionUpgrade = aws.ToBool(in.AutoMinorVersionUpgrade)
		p.CACertificate = aws.ToString(in.CACertificateIdentifier)
		p.ManagedMasterSecret = in.MasterUserSecret != nil
	}
	if c := t.cluster; c != nil {
		p.EngineVersion = aws.ToString(c.EngineVersion)
		p.InstanceClass = aws.ToString(c.DBClusterInstanceClass)
		port = int(aws.ToInt32(c.Port))
		p.Endpoint = fmt.Sprintf("%s:%d", aws.ToString(c.Endpoint), port)
		if r := aws.ToString(c.ReaderEndpoint); r != "" {
			p.ReaderEndpoint = fmt.Sprintf("%s:%d", r, port)
		}
		p.StorageEncrypted = aws.ToBool(c.StorageEncrypted)
		p.KMSKeyID = aws.ToString(c.KmsKeyId)
		// Multi-AZ DB clusters carry the flag themselves; Aurora clusters
		// are reachable when any member instance is.
		p.PubliclyAccessible = aws.ToBool(c.PubliclyAccessible)
		writers := map[string]bool{}
		for _, m := range c.DBClusterMembers {
			writers[aws.ToString(m.DBInstanceIdentifier)] = aws.ToBool(m.IsClusterWriter)
		}
		for _, m := range t.members {
			id := aws.ToString(m.DBInstanceIdentifier)
			pa := aws.ToBool(m.PubliclyAccessible)
			p.Members = append(p.Members, DBMember{ID: id, Writer: writers[id], PubliclyAccessible: pa, AvailabilityZone: aws.ToString(m.AvailabilityZone),
				AutoMinorVersionUpgrade: aws.ToBool(m.AutoMinorVersionUpgrade)})
			p.PubliclyAccessible = p.PubliclyAccessible || pa
			if subnetGroup == nil && m.DBSubnetGroup != nil {
				subnetGroup = m.DBSubnetGroup
			}
		}
		for _, g := range c.VpcSecurityGroups {
			sgIDs = append(sgIDs, aws.ToString(g.VpcSecurityGroupId))
		}
		if subnetGroup == nil {
			subnetGroupName = aws.ToString(c.DBSubnetGroup)
		}
		p.BackupRetentionDays = aws.ToInt32(c.BackupRetentionPeriod)
		p.DeletionProtection = aws.ToBool(c.DeletionProtection)
		p.IAMAuth = aws.ToBool(c.IAMDatabaseAuthenticationEnabled)
		p.MultiAZ = aws.ToBool(c.MultiAZ)
		p.AutoMinorVersionUpgrade = aws.ToBool(c.AutoMinorVersionUpgrade)
		p.ManagedMasterSecret = c.MasterUserSecret != nil
	}

	if p.StorageEncrypted && p.KMSKeyID != "" {
		k := s.keys.describe(ctx, p.KMSKeyID, t.region)
		p.KMSKeyARN, p.KeyManager, p.KMSError = k.arn, k.manager, k.err
		if k.err != "" {
			p.Incomplete = append(p.Incomplete, "kms_key")
		}
	}

	p.SecurityGroups = append(p.SecurityGroups, sgIDs...)
	s.securityGroupPosture(ctx, t.region, rc, sgIDs, port, p)
	if subnetGroup == nil && subnetGroupName != "" {
		sg, err := rc.subnetGroups.get(subnetGroupName, func() (rdstypes.DBSubnetGroup, error) {
			out, err := s.rds.DescribeDBSubnetGroups(ctx, &rds.DescribeDBSubnetGroupsInput{DBSubnetGroupName: aws.String(subnetGroupName)},
				func(o *rds.Options) { o.Region = t.region })
			if err != nil {
				return rdstypes.DBSubnetGroup{}, err
			}
			if len(out.DBSubnetGroups) == 0 {
				return rdstypes.DBSubnetGroup{}, fmt.Errorf("subnet group %s not found", subnetGroupName)
			}
			return out.DBSubnetGroups[0], nil
		})
		if err != nil {
			p.SubnetError = "rds DescribeDBSubnetGroups: " + describeErr(err)
		} else {
			subnetGroup = &sg
		}
	}
	if subnetGroup != nil {
		s.subnetPosture(ctx, t.region, rc, subnetGroup, p)
	} else if p.SubnetError == "" && p.PubliclyAccessible {
		p.SubnetError = "no DB subnet group reported"
	}
	if p.SecurityGroupError != "" {
		p.Incomplete = append(p.Incomplete, "security_groups")
	}
	if p.SubnetError != "" {
		p.Incomplete = append(p.Incomplete, "subnets")
	}

	s.snapshotPosture(ctx, t, p)
	if p.SnapshotError != "" {
		p.Incomplete = append(p.Incomplete, "snapshots")
	}
	p.derivePublic()
	return p
}

// securityGroupPosture finds inbound rules of the groups that admit the whole
// internet on the database port.
func (s *RDSScanner) securityGroupPosture(ctx context.Context, region string, rc *regionCache, ids []string, port int, p *DBPosture) {
	var errs []string
	var groups []ec2types.SecurityGroup
	for _, id := range ids {
		sg, err := rc.securityGroups.get(id, func() (ec2types.SecurityGroup, error) {
			out, err := s.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}},
				func(o *ec2.Options) { o.Region = region })
			if err != nil {
				return ec2types.SecurityGroup{}, err
			}
			if len(out.SecurityGroups) == 0 {
				return ec2types.SecurityGroup{}, fmt.Errorf("security group %s not found", id)
			}
			return out.SecurityGroups[0], nil
		})
		if err != nil {
			errs = append(errs, id+": ec2 DescribeSecurityGroups: "+describeErr(err))
			continue
		}
		if p.VPCID == "" {
			p.VPCID = aws.ToString(sg.VpcId)
		}
		p.OpenSecurityGroupRules = append(p.OpenSecurityGroupRules, openRules(sg, port)...)
		groups = append(groups, sg)
	}
	if len(p.OpenSecurityGroupRules) == 0 {
		p.OpenSecurityGroupRules = coveringRules(groups, port)
	}
	p.SecurityGroupError = strings.Join(errs, "; ")
}

// coveringRules describes the inbound rules of groups that admit, on port, address
// ranges which together cover every IPv4 or every IPv6 address without any one of
// them being 0.0.0.0/0 or ::/0 ("0.0.0.0/1" and "128.0.0.0/1"); nil when they do not.
func coveringRules(groups []ec2types.SecurityGroup, port int) []string {
	var cidrs, rules []string
	for _, sg := range groups {
		id := aws.ToString(sg.GroupId)
		for _, perm := range sg.IpPermissions {
			ports, ok := admitsPort(perm, port)
			if !ok {
				continue
			}
			for _, r := range perm.IpRanges {
				cidrs = append(cidrs, aws.ToString(r.CidrIp))
				rules = append(rules, id+": "+ports+" from "+aws.ToString(r.CidrIp))
			}
			for _, r := range perm.Ipv6Ranges {
				cidrs = append(cidrs, aws.ToString(r.CidrIpv6))
				rules = append(rules, id+": "+ports+" from "+aws.ToString(r.CidrIpv6))
			}
		}
	}
	if !configchecks.CoverAllAddresses(cidrs) {
		return nil
	}
	return []string{strings.Join(rules, ", ") + " (together every address)"}
}

// admitsPort reports whether an inbound permission admits TCP traffic to port, and
// describes its ports ("all", "tcp 5432-5432").
func admitsPort(perm ec2types.IpPermission, port int) (string, bool) {
	switch aws.ToString(perm.IpProtocol) {
	case "-1", "all":
		return "all", true
	case "tcp", "6":
		from, to := aws.ToInt32(perm.FromPort), aws.ToInt32(perm.ToPort)
		if int(from) > port || int(to) < port {
			return "", false
		}
		return fmt.Sprintf("tcp %d-%d", from, to), true
	}
	return "", false
}

// openRules lists the inbound rules of sg that admit 0.0.0.0/0 or ::/0 on
// port (TCP, or all protocols).
func openRules(sg ec2types.SecurityGroup, port int) []string {
	var out []string
	id := aws.ToString(sg.GroupId)
	for _, perm := range sg.IpPermissions {
		ports, ok := admitsPort(perm, port)
		if !ok {
			continue
		}
		for _, r := range perm.IpRanges {
			if aws.ToString(r.CidrIp) == "0.0.0.0/0" {
				out = append(out, id+": "+ports+" from 0.0.0.0/0")
			}
		}
		for _, r := range perm.Ipv6Ranges {
			if aws.ToString(r.CidrIpv6) == "::/0" {
				out = append(out, id+": "+ports+" from ::/0")
			}
		}
	}
	return out
}

// subnetPosture records the subnets of the group and whether each routes to
// an internet gateway (its explicitly associated route table, else the VPC's
// main route table).
func (s *RDSScanner) subnetPosture(ctx context.Context, region string, rc *regionCache, g *rdstypes.DBSubnetGroup, p *DBPosture) {
	p.SubnetGroup = aws.ToString(g.DBSubnetGroupName)
	vpc := aws.ToString(g.VpcId)
	if p.VPCID == "" {
		p.VPCID = vpc
	}
	if vpc == "" {
		p.SubnetError = "subnet group has no VPC"
		return
	}
	tables, err := rc.routeTables.get(vpc, func() ([]ec2types.RouteTable, error) {
		var all []ec2types.RouteTable
		pg := ec2.NewDescribeRouteTablesPaginator(s.ec2, &ec2.DescribeRouteTablesInput{
			Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}},
		})
		for pg.HasMorePages() {
			out, err := pg.NextPage(ctx, func(o *ec2.Options) { o.Region = region })
			if err != nil {
				return nil, err
			}
			all = append(all, out.RouteTables...)
		}
		return all, nil
	})
	if err != nil {
		p.SubnetError = "ec2 DescribeRouteTables: " + describeErr(err)
	}
	var main *ec2types.RouteTable
	bySubnet := map[string]*ec2types.RouteTable{}
	for i := range tables {
		for _, a := range tables[i].Associations {
			if aws.ToBool(a.Main) {
				main = &tables[i]
			}
			if id := aws.ToString(a.SubnetId); id != "" {
				bySubnet[id] = &tables[i]
			}
		}
	}
	for _, sn := range g.Subnets {
		d := DBSubnet{ID: aws.ToString(sn.SubnetIdentifier)}
		if sn.SubnetAvailabilityZone != nil {
			d.AvailabilityZone = aws.ToString(sn.SubnetAvailabilityZone.Name)
		}
		rt := bySubnet[d.ID]
		if rt == nil {
			rt = main
		}
		if rt != nil {
			d.RouteTable = aws.ToString(rt.RouteTableId)
			d.InternetGateway = internetGateway(*rt)
			d.Public = d.InternetGateway != ""
		}
		p.Subnets = append(p.Subnets, d)
	}
	if err == nil && main == nil && len(bySubnet) == 0 && len(g.Subnets) > 0 {
		p.SubnetError = "no route table found for VPC " + vpc
	}
}

// internetGateway returns the internet gateway a route table sends traffic
// to, or "".
func internetGateway(rt ec2types.RouteTable) string {
	for _, r := range rt.Routes {
		gw := aws.ToString(r.GatewayId)
		if strings.HasPrefix(gw, "igw-") && r.State != ec2types.RouteStateBlackhole {
			return gw
		}
	}
	return ""
}

// snapshotPosture checks the manual snapshots of the instance or cluster
// for restore permission granted to all accounts ("all") or to named
// accounts, up to MaxSnapshots.
func (s *RDSScanner) snapshotPosture(ctx context.Context, t *dbTarget, p *DBPosture) {
	inRegion := func(o *rds.Options) { o.Region = t.region }
	var ids []string
	var errs []string
	if t.kind == "instance" {
		pg := rds.NewDescribeDBSnapshotsPaginator(s.rds, &rds.DescribeDBSnapshotsInput{
			DBInstanceIdentifier: aws.String(t.id), SnapshotType: aws.String("manual"),
		})
		for pg.HasMorePages() && len(ids) <= s.opts.MaxSnapshots {
			out, err := pg.NextPage(ctx, inRegion)
			if err != nil {
				errs = append(errs, "rds DescribeDBSnapshots: "+describeErr(err))
				break
			}
			for _, sn := range out.DBSnapshots {
				ids = append(ids, aws.ToString(sn.DBSnapshotIdentifier))
			}
		}
	} else {
		pg := rds.NewDescribeDBClusterSnapshotsPaginator(s.rds, &rds.DescribeDBClusterSnapshotsInput{
			DBClusterIdentifier: aws.String(t.id), SnapshotType: aws.String("manual"),
		})
		for pg.HasMorePages() && len(ids) <= s.opts.MaxSnapshots {
			out, err := pg.NextPage(ctx, inRegion)
			if err != nil {
				errs = append(errs, "rds DescribeDBClusterSnapshots: "+describeErr(err))
				break
			}
			for _, sn := range out.DBClusterSnapshots {
				ids = append(ids, aws.ToString(sn.DBClusterSnapshotIdentifier))
			}
		}
	}
	sort.Strings(ids)
	if len(ids) > s.opts.MaxSnapshots {
		ids, p.SnapshotsTruncated = ids[:s.opts.MaxSnapshots], true
	}
	for _, id := range ids {
		attrs, err := s.restoreAttribute(ctx, t.kind, id, t.region)
		if err != nil {
			errs = append(errs, id+": "+describeErr(err))
			continue
		}
		p.SnapshotsChecked++
		var accounts []string
		for _, v := range attrs {
			if v == "all" {
				p.PublicSnapshots = append(p.PublicSnapshots, id)
			} else if v != "" {
				accounts = append(accounts, v)
			}
		}
		if len(accounts) > 0 {
			slices.Sort(accounts)
			p.SharedSnapshots = append(p.SharedSnapshots, id+": "+strings.Join(accounts, ","))
		}
	}
	p.SnapshotError = strings.Join(errs, "; ")
}
