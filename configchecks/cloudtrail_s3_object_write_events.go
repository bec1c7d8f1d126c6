package configchecks

import "strings"

var _ = register(Check{
	ID:        "cloudtrail.s3_object_write_events",
	Title:     "Object-level logging of write events is enabled for S3 buckets",
	Severity:  SeverityLow,
	Category:  CategoryLogging,
	CIS:       []string{"5.0:3.8", "6.0:4.8", "7.0:4.8"},
	SOC2:      []string{"CC7.2", "C1.2"},
	Rationale: "Management events do not show who wrote or deleted which object; object-level write events do.",
	Remediation: Remediation{
		Console: "CloudTrail console → Trails → a multi-region trail → Data events → Edit: add S3, all current and future buckets, Write (or Read and Write).",
		CLI:     "aws cloudtrail put-event-selectors --trail-name NAME --event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true,\"DataResources\":[{\"Type\":\"AWS::S3::Object\",\"Values\":[\"arn:aws:s3\"]}]}]'",
	},
	Permissions: []string{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "s3:ListAllMyBuckets", "s3:GetBucketLocation"},
	Evaluate:    func(st *State) []Result { return evalS3ObjectLogging(st, true) },
})

// evalS3ObjectLogging reports every bucket: PASS when a logging trail that covers the
// bucket's region records its object-level events of the kind asked for.
func evalS3ObjectLogging(st *State, write bool) []Result {
	kind := "read"
	if write {
		kind = "write"
	}
	trails, unknown := allTrails(st)
	return forEachBucket(st, func(b Bucket) Result {
		var unk []string
		unk = append(unk, unknown...)
		for _, t := range trails {
			if !t.MultiRegion && t.HomeRegion != b.Region {
				continue
			}
			if !t.Status.Known || !t.Selectors.Known {
				unk = append(unk, t.Name+": status or event selectors unknown")
				continue
			}
			if t.Status.Value.IsLogging && s3DataEvents(t.Selectors.Value, st.partition(), b.Name, write) {
				return result(StatusPass, b.ARN, b.Region, ev{"bucket": b.Name, "trail": t.Name, "selectors": t.Selectors.Value},
					"Trail %s records object-level %s events of bucket %s.", t.Name, kind, b.Name)
			}
		}
		if len(unk) > 0 {
			return result(StatusError, b.ARN, b.Region, ev{"bucket": b.Name, "unknown": unk},
				"No trail was confirmed to record object-level %s events of bucket %s, and some trails could not be read (%s).", kind, b.Name, strings.Join(unk, "; "))
		}
		return result(StatusFail, b.ARN, b.Region, ev{"bucket": b.Name, "trails": len(trails)},
			"No logging trail records object-level %s events of bucket %s.", kind, b.Name)
	})
}
