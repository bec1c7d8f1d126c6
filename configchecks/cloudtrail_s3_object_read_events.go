package configchecks

var _ = register(Check{
	ID:        "cloudtrail.s3_object_read_events",
	Title:     "Object-level logging of read events is enabled for S3 buckets",
	Severity:  SeverityLow,
	Category:  CategoryLogging,
	CIS:       []string{"5.0:3.9", "6.0:4.9", "7.0:4.9"},
	SOC2:      []string{"CC7.2", "C1.1"},
	Rationale: "Only object-level read events show who downloaded which object, which an investigation of a data leak needs.",
	Remediation: Remediation{
		Console: "CloudTrail console → Trails → a multi-region trail → Data events → Edit: add S3, all current and future buckets, Read (or Read and Write).",
		CLI:     "aws cloudtrail put-event-selectors --trail-name NAME --event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true,\"DataResources\":[{\"Type\":\"AWS::S3::Object\",\"Values\":[\"arn:aws:s3\"]}]}]'",
	},
	Permissions: []string{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "s3:ListAllMyBuckets", "s3:GetBucketLocation"},
	Evaluate:    func(st *State) []Result { return evalS3ObjectLogging(st, false) },
})
