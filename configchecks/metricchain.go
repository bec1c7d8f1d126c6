package configchecks

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// metricPattern is what a CIS monitoring requirement asks of a metric filter's
// pattern.
//
// Both the filter's pattern and CIS's are parsed (filterpattern.go) and put in
// disjunctive normal form, an OR of AND terms of comparisons. The filter matches
// when every AND term of CIS's pattern is also a term of the filter's, up to the
// optional comparisons: the filter's term has all of CIS's comparisons and, besides
// them, only optional ones. Such a filter matches every event CIS's does, but for
// those its optional comparisons leave out on purpose. OR terms may come in any order
// and the filter may OR on more (it then also alerts on other events); but another
// condition ANDed onto the whole, or onto the terms that carry CIS's events, could
// make it miss events and does not count, nor does an AND of event names no single
// event satisfies, nor a term that leaves out one of CIS's conditions
// ({ $.eventName = ConsoleLogin } alerts on every sign-in, not on failed ones).
// Comparisons must be identical: selector, operator and value, case included
// (CloudWatch Logs compares them case-sensitively); quotes around a value and
// whitespace outside quotes do not matter. A filter reaching the same events
// through other wildcards is not recognised, and a pattern that does not parse
// matches nothing.
type metricPattern struct {
	// cis is the filter pattern as CIS publishes it.
	cis string
	// optional are comparisons a filter's term may have or not: ones true of
	// every event of interest ($.eventSource = "iam.amazonaws.com"), and ones
	// CIS added in some version to cut noise. Those in cis are left out of what
	// a filter must have.
	optional []string
	// recommended, when set, is the pattern the remediation suggests instead of
	// cis. It must match (compile checks), so it can only add OR terms.
	recommended string
}

// compiledPattern is a metricPattern, parsed.
type compiledPattern struct {
	text     string        // the pattern the remediation recommends
	required []conjunction // the AND terms of the CIS pattern, without optional comparisons
	optional []filterCmp
}

// compile parses p's patterns; an error is a mistake in p.
func (p metricPattern) compile() (*compiledPattern, error) {
	c := &compiledPattern{text: cmp.Or(p.recommended, p.cis)}
	for _, o := range p.optional {
		e, err := parseFilterPattern("{ " + o + " }")
		if err != nil {
			return nil, fmt.Errorf("optional comparison %s: %w", o, err)
		}
		if e.kind != exprCmp {
			return nil, fmt.Errorf("optional comparison %s: not one comparison", o)
		}
		c.optional = append(c.optional, e.cmp)
	}
	e, err := parseFilterPattern(p.cis)
	if err != nil {
		return nil, fmt.Errorf("CIS pattern %s: %w", p.cis, err)
	}
	terms, ok := e.dnf()
	if !ok {
		return nil, fmt.Errorf("CIS pattern %s: too many terms", p.cis)
	}
	for _, t := range terms {
		c.required = append(c.required, slices.DeleteFunc(t, func(x filterCmp) bool { return slices.Contains(c.optional, x) }))
	}
	if p.recommended != "" && !c.matches(p.recommended) {
		return nil, fmt.Errorf("recommended pattern %s does not match CIS pattern %s", p.recommended, p.cis)
	}
	return c, nil
}

// matches reports whether a metric filter with this pattern matches the CIS
// pattern: whether each required term is a term of it, up to optional comparisons.
func (c *compiledPattern) matches(pattern string) bool {
	e, err := parseFilterPattern(pattern)
	if err != nil {
		return false
	}
	terms, ok := e.dnf()
	if !ok {
		return false
	}
	for _, r := range c.required {
		same := func(t conjunction) bool {
			extra := func(x filterCmp) bool { return !slices.Contains(r, x) && !slices.Contains(c.optional, x) }
			missing := func(x filterCmp) bool { return !slices.Contains(t, x) }
			return !slices.ContainsFunc(t, extra) && !slices.ContainsFunc(r, missing)
		}
		if !slices.ContainsFunc(terms, same) {
			return false
		}
	}
	return true
}

// String is the pattern the remediation recommends, for messages and docs.
func (c *compiledPattern) String() string { return c.text }

// monitoringPermissions are the IAM actions the metric-filter chain reads.
var monitoringPermissions = []string{
	"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
	"logs:DescribeMetricFilters", "cloudwatch:DescribeAlarms", "sns:ListSubscriptions",
}

// monitoringCheck builds the check for one CIS monitoring requirement: a logging
// multi-region trail sends management events to a CloudWatch Logs group, a metric
// filter on that group matches the pattern, an alarm with actions enabled watches the
// filter's metric, and one of the alarm's actions is an SNS topic with at least one
// confirmed subscription.
func monitoringCheck(id, title string, cis []string, what string, mp metricPattern, severity Severity) Check {
	p, err := mp.compile()
	if err != nil {
		panic("configchecks: " + id + ": " + err.Error())
	}
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
// Links that could not be read make the result ERROR unless a complete chain was
// found elsewhere: an SNS topic of another account is such a link, since only its
// own account lists its subscriptions.
func evalMetricChain(st *State, what string, p *compiledPattern) []Result {
	arn := st.AccountARN()
	trails, unknown := allTrails(st)
	stage := 0
	var seen, failing []string
	for _, t := range trails {
		good, ok, why := loggingMultiRegion(t)
		if !ok {
			unknown = append(unknown, "trail "+t.Name+": "+why)
		}
		if !good || t.LogGroupARN == "" {
			continue
		}
		// good implies the status is known. Events that do not reach the log group
		// reach no metric filter either.
		if cwErr := t.Status.Value.LatestCloudWatchLogsError; cwErr != "" {
			failing = append(failing, "trail "+t.Name+": last delivery to "+t.LogGroupARN+" failed: "+cwErr)
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
						topicRegion, topicAccount, ok := parseSNSTopicARN(action)
						if !ok {
							continue
						}
						if st.AccountID != "" && topicAccount != st.AccountID {
							unknown = append(unknown, "subscriptions of "+action+": topic in account "+topicAccount+" (not scanned)")
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
	if len(failing) > 0 {
		e["trails_failing_delivery"] = failing
		if stage == 0 {
			failStage += "; CloudTrail's delivery to CloudWatch Logs is failing (" + strings.Join(failing, "; ") + ")"
		}
	}
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

// parseSNSTopicARN returns the region and account of an SNS topic ARN,
// arn:PARTITION:sns:REGION:ACCOUNT:NAME.
func parseSNSTopicARN(arn string) (region, account string, ok bool) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sns" {
		return "", "", false
	}
	return parts[3], parts[4], true
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
