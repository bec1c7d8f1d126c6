package configchecks

import "time"

// cloudWatchDeliveryMaxAge is how old CloudTrail's last delivery to CloudWatch Logs
// may be: a logging trail delivers within minutes of any API activity.
const cloudWatchDeliveryMaxAge = 24 * time.Hour

var _ = register(Check{
	ID:        "cloudtrail.cloudwatch_logs",
	Title:     "CloudTrail trails deliver events to CloudWatch Logs",
	Severity:  SeverityLow,
	Category:  CategoryLogging,
	SOC2:      []string{"CC7.2", "CC4.1"},
	Rationale: "Events in CloudWatch Logs can be searched, filtered into metrics and alarmed on within minutes; a trail that only writes to S3 leaves anomalies to be found after the fact. The trail must name a log group (CloudWatchLogsLogGroupArn) and, where GetTrailStatus reports deliveries, have delivered within the last 24 hours without a delivery error.",
	Remediation: Remediation{
		Console: "CloudTrail console → Trails → the trail → CloudWatch Logs → Edit: enable, choose or create a log group and an IAM role CloudTrail can assume to write to it.",
		CLI:     "aws cloudtrail update-trail --name NAME --cloud-watch-logs-log-group-arn LOG_GROUP_ARN --cloud-watch-logs-role-arn ROLE_ARN",
	},
	Permissions: []string{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"},
	Evaluate:    evalCloudTrailCloudWatchLogs,
})

// evalCloudTrailCloudWatchLogs reports every trail; an account without any trail
// fails, since nothing reaches CloudWatch Logs.
func evalCloudTrailCloudWatchLogs(st *State) []Result {
	trails, unknown := allTrails(st)
	if len(trails) == 0 && len(unknown) == 0 {
		return []Result{result(StatusFail, st.AccountARN(), GlobalRegion, ev{"trails": 0},
			"The account has no CloudTrail trail, so no API activity reaches CloudWatch Logs.")}
	}
	return forEachTrail(st, func(t Trail) Result {
		e := ev{"trail": t.Name, "multi_region": t.MultiRegion, "CloudWatchLogsLogGroupArn": t.LogGroupARN}
		if t.LogGroupARN == "" {
			return result(StatusFail, t.ARN, t.HomeRegion, e, "Trail %s does not send events to CloudWatch Logs.", t.Name)
		}
		if !t.Status.Known {
			return unknownResult(t.ARN, t.HomeRegion, "the status of trail "+t.Name, t.Status.Reason())
		}
		s := t.Status.Value
		e["is_logging"], e["latest_cloudwatch_logs_delivery"], e["latest_cloudwatch_logs_error"] = s.IsLogging, s.LatestCloudWatchLogsDelivery, s.LatestCloudWatchLogsError
		switch {
		case !s.IsLogging:
			return result(StatusFail, t.ARN, t.HomeRegion, e, "Trail %s names log group %s but is not logging, so nothing is delivered.", t.Name, t.LogGroupARN)
		case s.LatestCloudWatchLogsError != "":
			return result(StatusFail, t.ARN, t.HomeRegion, e, "Trail %s failed its last delivery to CloudWatch Logs: %s.", t.Name, s.LatestCloudWatchLogsError)
		case s.LatestCloudWatchLogsDelivery != nil && st.ObservedAt.Sub(*s.LatestCloudWatchLogsDelivery) > cloudWatchDeliveryMaxAge:
			return result(StatusFail, t.ARN, t.HomeRegion, e, "Trail %s last delivered to CloudWatch Logs at %s, more than 24 hours ago.",
				t.Name, s.LatestCloudWatchLogsDelivery.UTC().Format(time.RFC3339))
		case s.LatestCloudWatchLogsDelivery == nil:
			return result(StatusPass, t.ARN, t.HomeRegion, e, "Trail %s sends events to CloudWatch Logs (%s); the API reported no delivery time.", t.Name, t.LogGroupARN)
		}
		return result(StatusPass, t.ARN, t.HomeRegion, e, "Trail %s sends events to CloudWatch Logs (%s), last delivered at %s.",
			t.Name, t.LogGroupARN, s.LatestCloudWatchLogsDelivery.UTC().Format(time.RFC3339))
	})
}
