package configchecks

import "fmt"

// forEachResource evaluates every resource of one regional list attribute, with an
// ERROR for a region where the list could not be read.
func forEachResource[T any](st *State, service, what string, get func(*RegionState) Attr[[]T], eval func(rs *RegionState, v T) Result) []Result {
	return forEachRegion(st, service, what, get, func(rs *RegionState, vs []T) []Result {
		out := make([]Result, 0, len(vs))
		for _, v := range vs {
			out = append(out, eval(rs, v))
		}
		return out
	})
}

// databases is the getter of the RDS instances and clusters.
func databases(rs *RegionState) Attr[[]Database] { return rs.Databases }

// dbEvidence is the evidence common to the RDS checks.
func dbEvidence(d Database) ev {
	return ev{"db_identifier": d.ID, "kind": d.Kind, "engine": d.Engine}
}

// dbLabel is "DB instance ID" or "DB cluster ID".
func dbLabel(d Database) string {
	if d.Kind == "cluster" {
		return "DB cluster " + d.ID
	}
	return "DB instance " + d.ID
}

// rdsPermissions are the IAM actions behind the RDS inventory.
var rdsPermissions = []string{"rds:DescribeDBInstances", "rds:DescribeDBClusters"}

// ruleText describes a security group rule's protocol and ports: "tcp 80-80", "all".
func ruleText(r IPRule) string {
	if r.Protocol == "-1" {
		return "all traffic"
	}
	if r.FromPort == -1 {
		return r.Protocol
	}
	return fmt.Sprintf("%s %d-%d", r.Protocol, r.FromPort, r.ToPort)
}
