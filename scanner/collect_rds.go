package scanner

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cairnsec/cairn/configchecks"
)

// collectDatabases reads a region's RDS instances and Aurora clusters for the
// configuration checks. It reuses the data scan's discovery and posture (rds.go,
// rdsposture.go), without logging in to any database, so the checks and the assets
// table judge encryption, exposure and backups the same way.
//
// It also reads the manual snapshots of the region's other databases (deleted, or
// of engines Cairn does not read): those are unknown when the databases are.
func (c *stateCollector) collectDatabases(ctx context.Context, region string) (configchecks.Attr[[]configchecks.Database], configchecks.Attr[configchecks.OtherSnapshots]) {
	s := NewRDSScanner(c.cfg, c.ao, nil, DBOptions{Regions: []string{region}}, c.log)
	targets, err := s.discover(ctx, region)
	if err != nil {
		why := reason("rds DescribeDBInstances/DescribeDBClusters", err)
		return configchecks.Unknown[[]configchecks.Database](why), configchecks.Unknown[configchecks.OtherSnapshots](why)
	}
	rc := newRegionCache()
	out := make([]configchecks.Database, 0, len(targets))
	live := map[string]bool{}
	for _, t := range targets {
		out = append(out, databaseOf(t, s.posture(ctx, t, rc)))
		live[t.id] = true
	}
	orphans, err := s.otherSnapshots(ctx, region, live)
	if err != nil {
		return configchecks.Observed(out), configchecks.Unknown[configchecks.OtherSnapshots](err.Error())
	}
	return configchecks.Observed(out), configchecks.Observed(orphans)
}

// databaseOf converts a target's posture into the checks' model.
func databaseOf(t *dbTarget, p *DBPosture) configchecks.Database {
	d := configchecks.Database{
		ID: t.id, ARN: t.arn, Kind: t.kind, Engine: t.engine,
		StorageEncrypted: p.StorageEncrypted, KMSKeyARN: cmp.Or(p.KMSKeyARN, p.KMSKeyID), KeyManager: p.KeyManager,
		AutoMinorVersionUpgrade: p.AutoMinorVersionUpgrade, MultiAZ: p.MultiAZ,
		PubliclyAccessible: p.PubliclyAccessible, ExposureNote: p.ExposureNote,
		BackupRetentionDays: p.BackupRetentionDays,
	}
	if in := t.instance; in != nil {
		if az := aws.ToString(in.AvailabilityZone); az != "" {
			d.AvailabilityZones = []string{az}
		}
		if sz := aws.ToString(in.SecondaryAvailabilityZone); sz != "" {
			d.AvailabilityZones = append(d.AvailabilityZones, sz)
		}
	}
	if t.kind == "cluster" {
		// Aurora applies minor upgrades per instance: every member must have it on.
		// Aurora clusters report the setting on their instances only.
		d.AutoMinorVersionUpgrade = len(p.Members) > 0 || p.AutoMinorVersionUpgrade
		for _, m := range p.Members {
			d.AutoMinorVersionUpgrade = d.AutoMinorVersionUpgrade && m.AutoMinorVersionUpgrade
			if m.AvailabilityZone != "" && !slices.Contains(d.AvailabilityZones, m.AvailabilityZone) {
				d.AvailabilityZones = append(d.AvailabilityZones, m.AvailabilityZone)
			}
		}
		slices.Sort(d.AvailabilityZones)
		d.MultiAZ = d.MultiAZ || len(d.AvailabilityZones) >= 2
	}
	if rest, ok := strings.CutPrefix(p.PublicReason, "UNKNOWN: "); ok && !p.Public {
		d.Reachability = configchecks.Unknown[configchecks.BucketExposure](rest)
	} else {
		d.Reachability = configchecks.Observed(configchecks.BucketExposure{Public: p.Public, Reason: p.PublicReason})
	}
	switch {
	case p.SnapshotError != "":
		d.PublicSnapshots = configchecks.Unknown[[]string](p.SnapshotError)
	case p.SnapshotsTruncated && len(p.PublicSnapshots) == 0:
		d.PublicSnapshots = configchecks.Unknown[[]string](p.snapshotsCapped())
	default:
		d.PublicSnapshots = configchecks.Observed(append([]string{}, p.PublicSnapshots...))
	}
	return d
}
