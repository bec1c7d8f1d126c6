package configchecks

import (
	"strings"
	"testing"
	"time"
)

const (
	chainAccount = "123456789012"
	chainTopic   = "arn:aws:sns:eu-west-1:123456789012:alerts"
)

// chainState is an account with one complete alerting chain: its multi-region trail
// delivers to log group g in eu-west-1, where filter f (pattern) publishes metric
// CISBenchmark/m, alarm a watches m and notifies each of topics, and chainTopic has
// a confirmed e-mail subscription. us-east-1 is scanned too and has neither trails,
// filters, alarms nor subscriptions.
func chainState(pattern string, topics ...string) *State {
	return &State{AccountID: chainAccount, ObservedAt: time.Now(), Regional: []RegionState{{Name: "eu-west-1",
		Trails: Observed([]Trail{{Name: "t", ARN: "arn:aws:cloudtrail:eu-west-1:123456789012:trail/t", MultiRegion: true, HomeRegion: "eu-west-1",
			LogGroupARN: "arn:aws:logs:eu-west-1:123456789012:log-group:g:*", Status: Observed(TrailStatus{IsLogging: true}),
			Selectors: Observed(TrailSelectors{Basic: []EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}})}}),
		MetricFilters: Observed([]MetricFilter{{LogGroupName: "g", Name: "f", Pattern: pattern,
			Metrics: []MetricTransform{{Name: "m", Namespace: "CISBenchmark"}}}}),
		Alarms: Observed([]MetricAlarm{{Name: "a", ARN: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a", MetricName: "m",
			Namespace: "CISBenchmark", ActionsEnabled: true, AlarmActions: topics}}),
		Subscriptions: Observed([]Subscription{{TopicARN: chainTopic, Protocol: "email",
			SubscriptionARN: chainTopic + ":0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}}),
	}, {Name: "us-east-1", Trails: Observed([]Trail{}), MetricFilters: Observed([]MetricFilter{}), Alarms: Observed([]MetricAlarm{}),
		Subscriptions: Observed([]Subscription{})}}}
}

// evalCheck runs the registered check id on st; it must give one result.
func evalCheck(t *testing.T, id string, st *State) Result {
	t.Helper()
	for _, c := range All() {
		if c.ID == id {
			rs := runCheck(c, st)
			if len(rs) != 1 {
				t.Fatalf("%s: %d results, want 1: %v", id, len(rs), rs)
			}
			return rs[0]
		}
	}
	t.Fatalf("no check %s", id)
	return Result{}
}

// cisPublished are the filter patterns of the CIS monitoring requirements as CIS
// writes them (v1.2 to v3 and later; scanner/collect_state_test.go seeds most of them
// into moto), and reformattings of them. Every one must complete the chain.
var cisPublished = map[string][]string{
	"monitoring.unauthorized_api_calls": {
		`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }`,
		`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`,
		`{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && (($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket")) }`,
	},
	"monitoring.console_signin_without_mfa": {
		`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
		`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`,
		`{ $.eventName = ConsoleLogin && $.additionalEventData.MFAUsed != Yes && $.responseElements.ConsoleLogin = Success }`,
	},
	"monitoring.root_usage": {
		`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
		`{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") }`,
	},
	"monitoring.iam_policy_changes": {
		`{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}`,
		`{ ($.eventSource = iam.amazonaws.com) && (($.eventName=DetachGroupPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachRolePolicy)||($.eventName=DeletePolicyVersion)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicy)||($.eventName=CreatePolicy)||($.eventName=PutUserPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutGroupPolicy)||($.eventName=DeleteUserPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteGroupPolicy)) }`,
	},
	"monitoring.cloudtrail_changes": {
		`{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`,
		`{ ($.eventName = "StopLogging") || ($.eventName = "StartLogging") || ($.eventName = "DeleteTrail") || ($.eventName = "UpdateTrail") || ($.eventName = "CreateTrail") }`,
	},
	"monitoring.console_auth_failures": {
		`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`,
		`{($.eventName="ConsoleLogin")&&($.errorMessage="Failed authentication")}`,
	},
	"monitoring.cmk_disable_delete": {
		`{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }`,
		`{ ($.eventSource = "kms.amazonaws.com") && ($.eventName = "DisableKey") || ($.eventSource = "kms.amazonaws.com") && ($.eventName = "ScheduleKeyDeletion") }`,
	},
	"monitoring.s3_policy_changes": {
		`{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`,
	},
	"monitoring.config_changes": {
		`{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }`,
	},
	"monitoring.security_group_changes": {
		`{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }`,
		`{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }`,
	},
	"monitoring.nacl_changes": {
		`{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`,
	},
	"monitoring.network_gateway_changes": {
		`{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`,
	},
	"monitoring.route_table_changes": {
		`{ ($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }`,
		`{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }`,
		`{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }`,
	},
	"monitoring.vpc_changes": {
		`{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`,
	},
	"monitoring.organizations_changes": {
		`{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }`,
	},
}

// notCIS are filters that look like a CIS pattern but miss some of its events, or
// catch other events instead of them.
var notCIS = map[string][]string{
	"monitoring.cloudtrail_changes": {
		`{ ($.eventName = CreateTrail) && ($.eventName = UpdateTrail) && ($.eventName = DeleteTrail) && ($.eventName = StartLogging) && ($.eventName = StopLogging) }`,
		`{ ($.eventName = createtrail) || ($.eventName = updatetrail) || ($.eventName = deletetrail) || ($.eventName = startlogging) || ($.eventName = stoplogging) }`,
		`{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }`,
	},
	"monitoring.console_auth_failures": {
		`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failedauthentication") }`,
		`{ ($.eventName = ConsoleLogin) || ($.errorMessage = "Failed authentication") }`,
	},
	"monitoring.console_signin_without_mfa": {
		`{ ($.eventName = "ConsoleLogin") || ($.additionalEventData.MFAUsed != "Yes") }`,
		`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.sourceIPAddress = "198.51.100.7") }`,
	},
	"monitoring.root_usage": {
		`{ $.userIdentity.type = "Root" || $.userIdentity.invokedBy NOT EXISTS || $.eventType != "AwsServiceEvent" }`,
		`{ $.userIdentity.type = "root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
	},
	"monitoring.cmk_disable_delete": {
		`{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) && ($.eventName = ScheduleKeyDeletion) }`,
		`{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) }`,
		`{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && ($.userIdentity.type = "IAMUser") }`,
	},
	"monitoring.security_group_changes": {
		`{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }`,
	},
	"monitoring.unauthorized_api_calls": {
		`{ ($.errorCode = "*UnauthorizedOperation") && ($.errorCode = "AccessDenied*") }`,
		`{ ($.errorCode = "UnauthorizedOperation") || ($.errorCode = "AccessDenied") }`,
	},
}

// remediationPattern is the filter pattern a check's CLI remediation creates.
func remediationPattern(t *testing.T, c Check) string {
	t.Helper()
	_, rest, ok := strings.Cut(c.Remediation.CLI, "--filter-pattern '")
	pattern, _, ok2 := strings.Cut(rest, "'")
	if !ok || !ok2 {
		t.Fatalf("%s: no --filter-pattern in %q", c.ID, c.Remediation.CLI)
	}
	return pattern
}

// TestMonitoringPatterns runs every monitoring check on a complete chain whose filter
// has each published CIS pattern (PASS), the pattern its own remediation creates
// (PASS) and near misses (FAIL at the filter).
func TestMonitoringPatterns(t *testing.T) {
	n := 0
	for _, c := range All() {
		if c.Category != CategoryMonitoring {
			continue
		}
		n++
		t.Run(c.ID, func(t *testing.T) {
			if len(cisPublished[c.ID]) == 0 {
				t.Errorf("no published CIS pattern to test")
			}
			for _, p := range append([]string{remediationPattern(t, c)}, cisPublished[c.ID]...) {
				if r := evalCheck(t, c.ID, chainState(p, chainTopic)); r.Status != StatusPass {
					t.Errorf("%s: %s %q, want PASS", p, r.Status, r.StatusExtended)
				}
			}
			for _, p := range notCIS[c.ID] {
				if r := evalCheck(t, c.ID, chainState(p, chainTopic)); r.Status != StatusFail || !strings.Contains(r.StatusExtended, chainStage[1]) {
					t.Errorf("%s: %s %q, want FAIL saying %q", p, r.Status, r.StatusExtended, chainStage[1])
				}
			}
		})
	}
	if n != len(cisPublished) {
		t.Errorf("%d monitoring checks, %d with published patterns", n, len(cisPublished))
	}
	for id := range notCIS {
		if _, ok := cisPublished[id]; !ok {
			t.Errorf("notCIS: no check %s", id)
		}
	}
}

// TestMetricChainTopicAccounts checks that an alarm notifying a topic of another
// account leaves the chain unknown (ERROR), since this account's ListSubscriptions
// does not list that topic's subscriptions, and does not hide a complete chain.
func TestMetricChainTopicAccounts(t *testing.T) {
	const id, pattern = "monitoring.cloudtrail_changes", `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`
	central := "arn:aws:sns:us-east-1:999999999999:sec-alerts"
	for _, tc := range []struct {
		name   string
		topics []string
		want   Status
		says   string
	}{
		{"central topic", []string{central}, StatusError, "topic in account 999999999999 (not scanned)"},
		{"central and local topics", []string{central, chainTopic}, StatusPass, "1 confirmed subscription"},
		{"local topic without subscription", []string{"arn:aws:sns:eu-west-1:123456789012:quiet"}, StatusFail, chainStage[3]},
		{"local topic without subscription in another region", []string{"arn:aws:sns:us-east-1:123456789012:alerts"}, StatusFail, chainStage[3]},
		{"local topic in a region not scanned", []string{"arn:aws:sns:ap-south-1:123456789012:alerts"}, StatusError, "region not scanned"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := evalCheck(t, id, chainState(pattern, tc.topics...))
			if r.Status != tc.want || !strings.Contains(r.StatusExtended, tc.says) {
				t.Errorf("%s %q, want %s saying %q", r.Status, r.StatusExtended, tc.want, tc.says)
			}
			if tc.want == StatusError && !strings.Contains(r.Evidence, tc.says) {
				t.Errorf("evidence %s does not say %q", r.Evidence, tc.says)
			}
		})
	}
}

// TestMetricChainDelivery checks that a trail whose delivery to CloudWatch Logs
// fails does not carry the chain, and that the failure says why.
func TestMetricChainDelivery(t *testing.T) {
	const id, pattern = "monitoring.console_auth_failures", `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`
	const cwErr = "AccessDeniedException: CloudTrail cannot assume role arn:aws:iam::123456789012:role/trail-logs"
	st := chainState(pattern, chainTopic)
	if r := evalCheck(t, id, st); r.Status != StatusPass {
		t.Fatalf("delivering: %s %q, want PASS", r.Status, r.StatusExtended)
	}
	delivered := st.ObservedAt.Add(-time.Hour)
	st.Regional[0].Trails.Value[0].Status = Observed(TrailStatus{IsLogging: true, LatestCloudWatchLogsDelivery: &delivered, LatestCloudWatchLogsError: cwErr})
	r := evalCheck(t, id, st)
	if r.Status != StatusFail || !strings.Contains(r.StatusExtended, chainStage[0]) || !strings.Contains(r.StatusExtended, cwErr) {
		t.Errorf("failing delivery: %s %q, want FAIL saying %q and the error", r.Status, r.StatusExtended, chainStage[0])
	}
	if !strings.Contains(r.Evidence, `"trails_failing_delivery"`) || !strings.Contains(r.Evidence, "trail t: last delivery to arn:aws:logs:eu-west-1:123456789012:log-group:g:* failed: AccessDeniedException") {
		t.Errorf("evidence %s does not name the failing trail", r.Evidence)
	}
}
