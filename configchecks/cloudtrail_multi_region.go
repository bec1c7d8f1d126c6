package configchecks

import "strings"

var _ = register(Check{
	ID:       "cloudtrail.multi_region",
	Title:    "A multi-region CloudTrail trail is logging all management events",
	Severity: SeverityHigh,
	Category: CategoryLogging,
	CIS:      []string{"5.0:3.1", "6.0:4.1", "7.0:4.1"},
	SOC2:     []string{"CC7.2", "CC7.3"},
	Rationale: "CloudTrail is the record of who did what in the account. A multi-region trail also records activity in " +
		"regions nobody watches, where attackers like to work. A trail that excludes event sources (the console's " +
		"\"Exclude AWS KMS events\" and \"Exclude Amazon RDS Data API events\") does not count, as in AWS Config's " +
		"multi-region-cloudtrail-enabled rule: the alarms on the trail's log group would not see a KMS key being disabled or deleted.",
	Remediation: Remediation{
		Console: "CloudTrail console → Trails → Create trail (or edit one): enable for all regions, Management events Read and Write with no event source excluded, and make sure logging is on.",
		CLI:     "aws cloudtrail create-trail --name NAME --s3-bucket-name BUCKET --is-multi-region-trail; aws cloudtrail put-event-selectors --trail-name NAME --event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]'; aws cloudtrail start-logging --name NAME",
	},
	Permissions: []string{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"},
	Evaluate:    evalCloudTrailMultiRegion,
})

// evalCloudTrailMultiRegion passes the account when one trail is multi-region,
// logging and records all management events.
func evalCloudTrailMultiRegion(st *State) []Result {
	arn := st.AccountARN()
	trails, unknown := allTrails(st)
	var notes []string
	for _, t := range trails {
		good, ok, why := loggingMultiRegion(t)
		if good {
			return []Result{result(StatusPass, t.ARN, t.HomeRegion, ev{"trail": t.Name, "multi_region": true, "is_logging": true, "selectors": t.Selectors.Value},
				"Trail %s is multi-region, logging and records all management events.", t.Name)}
		}
		if !ok {
			unknown = append(unknown, t.Name+": "+why)
		} else {
			notes = append(notes, t.Name+": "+why)
		}
	}
	e := ev{"trails": notes}
	if len(unknown) > 0 {
		e["unknown"] = unknown
		return []Result{result(StatusError, arn, GlobalRegion, e,
			"No trail was confirmed to be multi-region and logging all management events, and some could not be read (%s).", strings.Join(unknown, "; "))}
	}
	if len(trails) == 0 {
		return []Result{result(StatusFail, arn, GlobalRegion, e, "The account has no CloudTrail trail.")}
	}
	return []Result{result(StatusFail, arn, GlobalRegion, e,
		"No trail is multi-region, logging and recording all management events (%s).", strings.Join(notes, "; "))}
}
