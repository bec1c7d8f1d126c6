package configchecks

import (
	"regexp"
	"slices"
	"strings"
)

// metricPattern describes the CloudWatch Logs filter pattern a CIS monitoring
// requirement asks for, as the set of its terms ("$.eventName = CreateTrail").
// A filter matches when, after normalization (case, spaces and quotes dropped), every
// required term appears and every other term is optional: a filter with extra
// conditions could miss events, so it does not count. The boolean structure between
// the terms is not compared.
type metricPattern struct {
	required []string
	optional []string
}

// monitoringPermissions are the IAM actions the metric-filter chain reads.
var monitoringPermissions = []string{
	"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
	"logs:DescribeMetricFilters", "cloudwatch:DescribeAlarms", "sns:ListSubscriptions",
}

// eventNames is the pattern term list "$.eventName = NAME" for each name.
func eventNames(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "$.eventName = " + n
	}
	return out
}

var termSplit = regexp.MustCompile(`&&|\|\||[{}()]`)

// normTerm normalizes a pattern term for comparison.
func normTerm(s string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "\t", "", "\n", "", `"`, "", "'", "").Replace(s))
}

// patternTerms returns the normalized terms of a filter pattern.
func patternTerms(pattern string) []string {
	var out []string
	for _, t := range termSplit.Split(pattern, -1) {
		if t = normTerm(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// matches reports whether a filter pattern matches p.
func (p metricPattern) matches(pattern string) bool {
	terms := patternTerms(pattern)
	for _, r := range p.required {
		if !slices.Contains(terms, normTerm(r)) {
			return false
		}
	}
	for _, t := range terms {
		if !slices.ContainsFunc(p.required, func(r string) bool { return normTerm(r) == t }) &&
			!slices.ContainsFunc(p.optional, func(o string) bool { return normTerm(o) == t }) {
			return false
		}
	}
	return true
}

// String renders the pattern's required terms, for messages and docs.
func (p metricPattern) String() string {
	return "{ (" + strings.Join(p.required, ") || (") + ") }"
}

// monitoringCheck builds the check for one CIS monitoring requirement: a logging
// multi-region trail sends management events to a CloudWatch Logs group, a metric
// filter on that group matches the pattern, an alarm with actions enabled watches the
// filter's metric, and one of the alarm's actions is an SNS topic with at least one
// confirmed subscription.
func monitoringCheck(id, title string, cis []string, what string, p metricPattern, severity Severity) Check {
	return Check{
		ID:       id,
		Title:    title,
		Severity: severity,
		Category: CategoryMonitoring,
		CIS:      cis,
		SOC2:     []string{"CC7.2", "CC7.3"},
		Rationale: "Real-time alerting on " + what + " shortens the time between a harmful change and a person looking at it. " +
			"CloudTrail records the event; only a metric filter, an alarm and a subscribed SNS topic turn it into an alert.",
		Remediation: Remediation{
			Console: "CloudWatch console → Log groups → the trail's log group → Metric filters → Create: pattern " + p.String() +
				"; then Create alarm on the metric (threshold ≥ 1) notifying an SNS topic that has at least one confirmed subscriber.",
			CLI: "aws logs put-metric-filter --log-group-name TRAIL_LOG_GROUP --filter-name NAME --metric-transformations metricName=NAME,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '" + p.String() +
				"'; aws cloudwatch put-metric-alarm --alarm-name NAME --metric-name NAME --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions TOPIC_ARN; aws sns subscribe --topic-arn TOPIC_ARN --protocol email --notification-endpoint ADDRESS",
		},
		Permissions: slices.Clone(monitoringPermissions),
		Evaluate:    func(st *State) []Result { return evalMetricChain(st, what, p) },
	}
}

// chainStage says, for the furthest stage the best candidate reached (0: none), which
// link of the chain is missing.
var chainStage = []string{
	"no multi-region trail that is logging all management events sends them to CloudWatch Logs",
	"no metric filter on the trail's log group matches the pattern",
	"no alarm with actions enabled watches the filter's metric",
	"no alarm notifies an SNS topic with a confirmed subscription",
}

// evalMetricChain evaluates the chain for one pattern; one result for the account.
func evalMetricChain(st *State, what string, p metricPattern) []Result {
	arn := st.AccountARN()
	trails, unknown := allTrails(st)
	stage := 0
	var seen []string
	for _, t := range trails {
		good, ok, why := loggingMultiRegion(t)
		if !ok {
			unknown = append(unknown, "trail "+t.Name+": "+why)
		}
		if !good || t.LogGroupARN == "" {
			continue
		}
		stage = max(stage, 1)
		region, group, ok := parseLogGroupARN(t.LogGroupARN)
		rs := st.Region(region)
		if !ok || rs == nil {
			unknown = append(unknown, "log group "+t.LogGroupARN+": region not scanned")
			continue
		}
		if !rs.MetricFilters.Known {
			unknown = append(unknown, "metric filters in "+region+": "+rs.MetricFilters.Reason())
			continue
		}
		for _, f := range rs.MetricFilters.Value {
			if f.LogGroupName != group || !p.matches(f.Pattern) {
				continue
			}
			stage = max(stage, 2)
			seen = append(seen, "filter "+f.Name)
			if !rs.Alarms.Known {
				unknown = append(unknown, "alarms in "+region+": "+rs.Alarms.Reason())
				continue
			}
			for _, m := range f.Metrics {
				for _, a := range rs.Alarms.Value {
					if a.MetricName != m.Name || a.Namespace != m.Namespace || !a.ActionsEnabled {
						continue
					}
					stage = max(stage, 3)
					seen = append(seen, "alarm "+a.Name)
					for _, action := range a.AlarmActions {
						topicRegion, ok := snsTopicRegion(action)
						if !ok {
							continue
						}
						trs := st.Region(topicRegion)
						if trs == nil || !trs.Subscriptions.Known {
							reason := "region not scanned"
							if trs != nil {
								reason = trs.Subscriptions.Reason()
							}
							unknown = append(unknown, "subscriptions of "+action+": "+reason)
							continue
						}
						var subs []string
						for _, s := range trs.Subscriptions.Value {
							if s.TopicARN == action && s.Confirmed() {
								subs = append(subs, s.Protocol)
							}
						}
						if len(subs) > 0 {
							return []Result{result(StatusPass, arn, region, ev{
								"trail": t.ARN, "log_group": t.LogGroupARN, "metric_filter": f.Name, "filter_pattern": f.Pattern,
								"metric": m, "alarm": a.ARN, "sns_topic": action, "subscription_protocols": subs,
							}, "%s are monitored: trail %s → log group %s → metric filter %s → alarm %s → SNS topic %s (%d confirmed subscription(s)).",
								capitalize(what), t.Name, group, f.Name, a.Name, action, len(subs))}
						}
					}
				}
			}
		}
	}
	failStage := chainStage[stage]
	e := ev{"expected_pattern": p.String(), "observed": seen}
	if len(unknown) > 0 {
		e["unknown"] = unknown
		return []Result{result(StatusError, arn, GlobalRegion, e,
			"No complete alerting chain for %s was found (%s), and parts of it could not be read: %s.", what, failStage, strings.Join(unknown, "; "))}
	}
	return []Result{result(StatusFail, arn, GlobalRegion, e, "%s are not monitored: %s.", capitalize(what), failStage)}
}

// parseLogGroupARN splits arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*].
func parseLogGroupARN(arn string) (region, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) < 7 || parts[2] != "logs" || parts[5] != "log-group" {
		return "", "", false
	}
	return parts[3], strings.TrimSuffix(parts[6], ":*"), true
}

// snsTopicRegion returns the region of an SNS topic ARN.
func snsTopicRegion(arn string) (string, bool) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sns" {
		return "", false
	}
	return parts[3], true
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
