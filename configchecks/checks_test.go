package configchecks

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMetricPattern checks how a filter pattern is compared with a CIS pattern: by
// the events the two match, not by their text.
func TestMetricPattern(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    metricPattern
		want map[string]bool
	}{{
		name: "OR of event names",
		p: metricPattern{
			cis:      `{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) }`,
			optional: []string{`$.eventSource = "cloudtrail.amazonaws.com"`},
		},
		want: map[string]bool{
			`{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) }`:                                                 true,
			`{($.eventName="DeleteTrail")||($.eventName="CreateTrail")}`:                                                     true, // quotes, no spaces, reordered
			"{\n\t$.eventName = CreateTrail   ||\n\t$.eventName = \"DeleteTrail\"\n}":                                        true, // newlines and tabs
			`{ ((($.eventName = CreateTrail))) || (($.eventName = DeleteTrail)) }`:                                           true, // redundant parentheses
			`{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = CreateTrail) || ($.eventName = DeleteTrail)) }`: true, // optional, ANDed on the whole
			`{ ($.eventSource = cloudtrail.amazonaws.com) && ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) }`:   true, // optional, on one term
			`{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) }`:                  true, // an extra OR term only widens
			`{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) || ($.eventName = CreateTrail) }`:                  true, // a term twice
			`{ ($.eventName = CreateTrail) }`: false, // one missing
			`{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) && ($.userIdentity.type = "Root") }`:   false, // DeleteTrail narrowed (&& binds tighter)
			`{ (($.eventName = CreateTrail) || ($.eventName = DeleteTrail)) && ($.userIdentity.type = "Root") }`: false, // the whole narrowed
			`{ ($.eventName = CreateTrail) && ($.eventName = DeleteTrail) }`:                                     false, // no event has two names
			`{ ($.eventName = createtrail) || ($.eventName = deletetrail) }`:                                     false, // values are case-sensitive
			`{ ($.EventName = CreateTrail) || ($.EventName = DeleteTrail) }`:                                     false, // so are selectors
			`{ ($.eventName != CreateTrail) || ($.eventName = DeleteTrail) }`:                                    false,
			`{ ($.eventName = CreateTrailX) || ($.eventName = DeleteTrail) }`:                                    false,
			`{ ($.eventName = "Create Trail") || ($.eventName = DeleteTrail) }`:                                  false, // a space inside quotes counts
			`{ ($.eventName = *Trail) }`:                                        false, // other wildcards are not recognised
			`{ ($.eventSource = cloudtrail.amazonaws.com) }`:                    false,
			`{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail)`:      false, // unparseable: unbalanced
			`{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) } x`:  false,
			`{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) || }`: false,
			`{ ($.eventName = CreateTrail) | ($.eventName = DeleteTrail) }`:     false,
			`{ $.eventName = CreateTrail || $.eventName = "DeleteTrail }`:       false,
			`CreateTrail DeleteTrail`:                                           false, // not a JSON pattern
			`?CreateTrail ?DeleteTrail`:                                         false,
			`{ }`:                                                               false,
			``:                                                                  false,
		},
	}, {
		name: "AND of conditions",
		p: metricPattern{
			cis: `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`,
		},
		want: map[string]bool{
			`{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }`:                    true,
			`{ $.errorMessage = "Failed authentication" && $.eventName = ConsoleLogin }`:                          true,
			`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failedauthentication") }`:                       false,
			`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "failed authentication") }`:                      false,
			`{ ($.eventName = ConsoleLogin) || ($.errorMessage = "Failed authentication") }`:                      false, // every sign-in
			`{ ($.eventName = ConsoleLogin) }`:                                                                    false,
			`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") && ($.awsRegion = x) }`: false,
		},
	}, {
		name: "AND with an OR group, wildcards and optional exclusions",
		p: metricPattern{
			cis:      `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }`,
			optional: []string{`$.sourceIPAddress != "delivery.logs.amazonaws.com"`, `$.eventName != "HeadBucket"`},
		},
		want: map[string]bool{
			`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }`:   true,
			`{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }`: true,
			`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`:                                                                                        true,
			`{ $.errorCode = *UnauthorizedOperation || $.errorCode = AccessDenied* }`:                                                                                                true,
			`{ ($.errorCode = "AccessDenied*") || ($.errorCode = "*UnauthorizedOperation") && ($.eventName != "HeadBucket") }`:                                                       true,
			`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied") }`:                                                                                         false, // no wildcard
			`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "10.0.0.1") }`:                                                   false,
		},
	}, {
		name: "postfix and numeric operators",
		p: metricPattern{
			cis: `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
		},
		want: map[string]bool{
			`{ ($.userIdentity.type = Root) && ($.userIdentity.invokedBy not exists) && ($.eventType != AwsServiceEvent) }`:                 true,
			`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy IS NULL && $.eventType != "AwsServiceEvent" }`:                      false,
			`{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }`:                                                          false,
			`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.latency >= 5 }`: false,
			`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" || $.x > -1e3 }`:     true,
			`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT }`:                                                              false,
			`{ $.userIdentity.type > }`: false,
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.p.compile()
			if err != nil {
				t.Fatal(err)
			}
			for pattern, want := range tc.want {
				if got := c.matches(pattern); got != want {
					t.Errorf("matches(%q) = %v, want %v", pattern, got, want)
				}
			}
		})
	}
}

func TestPolicyParsing(t *testing.T) {
	admin, err := fullAdminStatements(`{"Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:*","*"],"Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}]}`)
	if err != nil || len(admin) != 1 || admin[0] != "A" {
		t.Errorf("fullAdminStatements = %v, %v", admin, err)
	}
	// Statements that deny requests without TLS (the first number) and those that
	// deny only old TLS versions (the second); TestS3DenyHTTP covers resources.
	for doc, want := range map[string][2]int{
		`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`:               {1, 0},
		`{"Statement":{"Effect":"Deny","Principal":{"AWS":"*"},"Action":["s3:*"],"Condition":{"BoolIfExists":{"aws:securetransport":false}}}}`: {1, 0}, // a JSON boolean counts as "false"
		`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}]}`:            {0, 1}, // plain HTTP has no TLS version
		`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`:       {0, 0},
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`:              {0, 0},
	} {
		got, err := denyInsecureTransport(doc, "arn:aws:s3:::b")
		if len(got.Statements) != want[0] || len(got.TLSVersionStatements) != want[1] {
			t.Errorf("%s: %+v (%v), want %v", doc, got, err, want)
		}
	}
	if _, err := denyInsecureTransport("{", "arn:aws:s3:::b"); err == nil {
		t.Error("malformed policy accepted")
	}
}

func TestNACLOrder(t *testing.T) {
	acl := NetworkACL{ID: "acl-1", Entries: []NACLEntry{
		{RuleNumber: 200, Protocol: "-1", Action: "allow", CIDR: anyIPv4},
		{RuleNumber: 100, Protocol: "6", Action: "deny", CIDR: anyIPv4, HasPorts: true, FromPort: 22, ToPort: 22},
	}}
	if e, ok := naclDecides(acl, anyIPv4, "6", 22); !ok || e.Action != "deny" {
		t.Errorf("port 22: %+v %v, want the deny rule", e, ok)
	}
	if e, ok := naclDecides(acl, anyIPv4, "6", 3389); !ok || e.Action != "allow" {
		t.Errorf("port 3389: %+v %v, want the allow rule", e, ok)
	}
	if e, ok := naclDecides(acl, anyIPv4, "17", 22); !ok || e.Action != "allow" || e.RuleNumber != 200 {
		t.Errorf("UDP 22: %+v %v, want the allow-all rule (the deny is TCP only)", e, ok)
	}
}

// TestNACLUDP checks that a rule opening UDP 3389 (RDP) to the internet fails the check.
func TestNACLUDP(t *testing.T) {
	st := &State{AccountID: "123456789012", Regional: []RegionState{{Name: "us-east-1", NetworkACLs: Observed([]NetworkACL{{ID: "acl-1", ARN: "arn:acl-1", Entries: []NACLEntry{
		{RuleNumber: 100, Protocol: "17", Action: "allow", CIDR: anyIPv4, HasPorts: true, FromPort: 3389, ToPort: 3389},
		{RuleNumber: 32767, Protocol: "-1", Action: "deny", CIDR: anyIPv4},
	}}})}}}
	rs := evalNACLAdminPorts(st)
	if len(rs) != 1 || rs[0].Status != StatusFail || !strings.Contains(rs[0].StatusExtended, "UDP 3389") {
		t.Errorf("UDP 3389 open: %+v", rs)
	}
}

// TestUnknownIsNeverPass builds states where one attribute is unknown and checks the
// dependent checks report ERROR with the reason.
func TestUnknownIsNeverPass(t *testing.T) {
	st := &State{AccountID: "123456789012", ObservedAt: time.Now(), Regional: []RegionState{{Name: "eu-west-1",
		Trails:        Observed([]Trail{{Name: "t", ARN: "arn:t", MultiRegion: true, HomeRegion: "eu-west-1", LogGroupARN: "arn:aws:logs:eu-west-1:123456789012:log-group:g:*", Status: Observed(TrailStatus{IsLogging: true}), Selectors: Observed(TrailSelectors{Basic: []EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}})}}),
		MetricFilters: Unknown[[]MetricFilter]("logs DescribeMetricFilters: AccessDeniedException"),
	}}}
	st.IAM.PasswordPolicy = Unknown[*PasswordPolicy]("iam GetAccountPasswordPolicy: AccessDenied")
	byID := map[string][]Result{}
	for _, r := range Run(st) {
		byID[r.CheckID] = append(byID[r.CheckID], r)
	}
	for id, want := range map[string]string{
		"iam.password_min_length":    "AccessDenied",
		"monitoring.root_usage":      "AccessDeniedException",
		"monitoring.vpc_changes":     "AccessDeniedException",
		"ec2.ebs_default_encryption": "not collected",
	} {
		rs := byID[id]
		if len(rs) == 0 {
			t.Errorf("%s: no result", id)
		}
		for _, r := range rs {
			if r.Status != StatusError || !strings.Contains(r.StatusExtended, want) {
				t.Errorf("%s: %s %q, want ERROR with %q", id, r.Status, r.StatusExtended, want)
			}
		}
	}
}

func TestFindingUIDStable(t *testing.T) {
	a := FindingUID("s3.deny_http", "123456789012", "us-east-1", "arn:aws:s3:::b")
	if a != FindingUID("s3.deny_http", "123456789012", "us-east-1", "arn:aws:s3:::b") || len(a) != 32 {
		t.Errorf("uid %q not stable or not 32 hex digits", a)
	}
	if a == FindingUID("s3.deny_http", "123456789012", "us-east-", "1arn:aws:s3:::b") {
		t.Error("fields are not separated")
	}
}

func TestSummarizeAndExport(t *testing.T) {
	rs := []Result{
		{CheckID: "a", CIS: []string{"5.0:1.4", "6.0:2.4"}, SOC2: []string{"CC6.1"}, Status: StatusPass},
		{CheckID: "a", CIS: []string{"5.0:1.4", "6.0:2.4"}, SOC2: []string{"CC6.1"}, Status: StatusFail},
		{CheckID: "b", CIS: []string{"5.0:1.1"}, SOC2: []string{"CC6.2"}, Status: StatusManual},
	}
	sums := Summarize(rs)
	if sums[0].Framework != "CIS 5.0" || sums[0].Requirements != 2 || sums[0].ByStatus[StatusFail] != 1 || sums[0].ByStatus[StatusManual] != 1 {
		t.Errorf("CIS 5.0 summary: %+v", sums[0])
	}
	var b strings.Builder
	if err := WriteSummary(&b, sums); err != nil || !strings.Contains(b.String(), "SOC 2") {
		t.Errorf("summary: %v\n%s", err, b.String())
	}
	b.Reset()
	if err := WriteCSV(&b, rs); err != nil || !strings.HasPrefix(b.String(), strings.Join(CSVHeader, ",")) || !strings.Contains(b.String(), "5.0:1.4;6.0:2.4") {
		t.Errorf("csv: %v\n%s", err, b.String())
	}
	b.Reset()
	if err := WriteJSONLines(&b, rs); err != nil || strings.Count(b.String(), "\n") != 3 || !strings.Contains(b.String(), `"finding_uid"`) {
		t.Errorf("jsonl: %v\n%s", err, b.String())
	}
}

// TestManagementGaps checks which selectors record every read and write management
// event: exclusions (the console's "Exclude AWS KMS events") are gaps unless another
// selector records them, as in AWS Config's multi-region-cloudtrail-enabled rule.
func TestManagementGaps(t *testing.T) {
	mgmt := SelectorField{Field: "eventCategory", Equals: []string{"Management"}}
	for _, c := range []struct {
		name string
		sel  TrailSelectors
		want string // gaps joined by "; ", empty for none
	}{
		{"basic all", TrailSelectors{Basic: []EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}}, ""},
		{"basic without management", TrailSelectors{Basic: []EventSelector{{ReadWriteType: "All"}}}, "read and write events"},
		{"basic write only", TrailSelectors{Basic: []EventSelector{{ReadWriteType: "WriteOnly", IncludeManagementEvents: true}}}, "read events"},
		{"basic read only and write only", TrailSelectors{Basic: []EventSelector{
			{ReadWriteType: "ReadOnly", IncludeManagementEvents: true}, {ReadWriteType: "WriteOnly", IncludeManagementEvents: true}}}, ""},
		{"basic excludes KMS", TrailSelectors{Basic: []EventSelector{
			{ReadWriteType: "All", IncludeManagementEvents: true, ExcludeSources: []string{"kms.amazonaws.com"}}}},
			"read and write events of kms.amazonaws.com"},
		{"basic excludes two", TrailSelectors{Basic: []EventSelector{
			{ReadWriteType: "All", IncludeManagementEvents: true, ExcludeSources: []string{"kms.amazonaws.com", "rdsdata.amazonaws.com"}}}},
			"read and write events of kms.amazonaws.com and rdsdata.amazonaws.com"},
		{"advanced all", TrailSelectors{Advanced: []AdvancedSelector{{Fields: []SelectorField{mgmt}}}}, ""},
		{"advanced read only", TrailSelectors{Advanced: []AdvancedSelector{{Fields: []SelectorField{mgmt, {Field: "readOnly", Equals: []string{"true"}}}}}},
			"write events"},
		{"advanced read and write selectors", TrailSelectors{Advanced: []AdvancedSelector{
			{Fields: []SelectorField{mgmt, {Field: "readOnly", Equals: []string{"true"}}}},
			{Fields: []SelectorField{mgmt, {Field: "readOnly", NotEquals: []string{"true"}}}}}}, ""},
		{"advanced excludes RDS Data API", TrailSelectors{Advanced: []AdvancedSelector{
			{Fields: []SelectorField{mgmt, {Field: "eventSource", NotEquals: []string{"rdsdata.amazonaws.com"}}}}}},
			"read and write events of rdsdata.amazonaws.com"},
		{"advanced exclusion recorded by another selector", TrailSelectors{Advanced: []AdvancedSelector{
			{Fields: []SelectorField{mgmt, {Field: "eventSource", NotEquals: []string{"kms.amazonaws.com"}}}},
			{Fields: []SelectorField{mgmt, {Field: "eventSource", Equals: []string{"kms.amazonaws.com"}}, {Field: "readOnly", Equals: []string{"false"}}}}}},
			"read events of kms.amazonaws.com"},
		{"advanced narrowed by user", TrailSelectors{Advanced: []AdvancedSelector{
			{Fields: []SelectorField{mgmt, {Field: "userIdentity.arn", NotStartsWith: []string{"arn:aws:sts::123456789012:assumed-role/ci"}}}}}},
			"read and write events"},
		{"advanced data events only", TrailSelectors{Advanced: []AdvancedSelector{
			{Fields: []SelectorField{{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::S3::Object"}}}}}},
			"read and write events"},
		{"no selectors", TrailSelectors{}, "read and write events"},
	} {
		if got := strings.Join(managementGaps(c.sel), "; "); got != c.want {
			t.Errorf("%s: gaps %q, want %q", c.name, got, c.want)
		}
	}
}

// TestTrailExcludingKMS checks that a trail excluding KMS events neither passes the
// multi-region trail check nor carries the KMS key monitoring chain.
func TestTrailExcludingKMS(t *testing.T) {
	st := &State{AccountID: "123456789012", ObservedAt: time.Now(), Regional: []RegionState{{Name: "eu-west-1",
		Trails: Observed([]Trail{{Name: "t", ARN: "arn:t", MultiRegion: true, HomeRegion: "eu-west-1",
			LogGroupARN: "arn:aws:logs:eu-west-1:123456789012:log-group:g:*", Status: Observed(TrailStatus{IsLogging: true}),
			Selectors: Observed(TrailSelectors{Basic: []EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true, ExcludeSources: []string{"kms.amazonaws.com"}}}})}}),
		MetricFilters: Observed([]MetricFilter{{LogGroupName: "g", Name: "kms",
			Pattern: `{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }`}}),
	}}}
	got := map[string]Result{}
	for _, r := range Run(st) {
		got[r.CheckID] = r
	}
	if r := got["cloudtrail.multi_region"]; r.Status != StatusFail || !strings.Contains(r.StatusExtended, "kms.amazonaws.com") {
		t.Errorf("cloudtrail.multi_region: %s %q, want FAIL naming kms.amazonaws.com", r.Status, r.StatusExtended)
	}
	if r := got["monitoring.cmk_disable_delete"]; r.Status != StatusFail {
		t.Errorf("monitoring.cmk_disable_delete: %s %q, want FAIL", r.Status, r.StatusExtended)
	}
}

// TestS3DataEvents checks which selectors record every object-level write event of
// bucket "b": ARN values are prefixes, a prefix inside the bucket covers only part of
// it, and excluding another bucket (often the trail's own) leaves b covered.
func TestS3DataEvents(t *testing.T) {
	basic := func(rw string, values ...string) TrailSelectors {
		return TrailSelectors{Basic: []EventSelector{{ReadWriteType: rw, DataResources: []DataResource{{Type: "AWS::S3::Object", Values: values}}}}}
	}
	data := []SelectorField{{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::S3::Object"}}}
	advanced := func(fields ...SelectorField) TrailSelectors {
		return TrailSelectors{Advanced: []AdvancedSelector{{Fields: append(slices.Clone(data), fields...)}}}
	}
	for _, c := range []struct {
		name string
		sel  TrailSelectors
		want bool
	}{
		{"basic every bucket", basic("All", "arn:aws:s3"), true},
		{"basic every bucket, colons", basic("WriteOnly", "arn:aws:s3:::"), true},
		{"basic the bucket", basic("All", "arn:aws:s3:::b/"), true},
		{"basic read only", basic("ReadOnly", "arn:aws:s3"), false},
		{"basic another bucket", basic("All", "arn:aws:s3:::bb/"), false},
		{"basic part of the bucket", basic("All", "arn:aws:s3:::b/uploads/"), false},
		{"basic other partition", basic("All", "arn:aws-cn:s3"), false},
		{"advanced every bucket", advanced(), true},
		{"advanced the bucket", advanced(SelectorField{Field: "resources.ARN", StartsWith: []string{"arn:aws:s3:::b/"}}), true},
		{"advanced part of the bucket", advanced(SelectorField{Field: "resources.ARN", StartsWith: []string{"arn:aws:s3:::b/uploads/"}}), false},
		{"advanced one object", advanced(SelectorField{Field: "resources.ARN", Equals: []string{"arn:aws:s3:::b/"}}), false},
		{"advanced excludes the trail's bucket", advanced(SelectorField{Field: "resources.ARN", NotStartsWith: []string{"arn:aws:s3:::trail-logs/"}}), true},
		{"advanced excludes the bucket", advanced(SelectorField{Field: "resources.ARN", NotStartsWith: []string{"arn:aws:s3:::b/"}}), false},
		{"advanced excludes a prefix of the bucket", advanced(SelectorField{Field: "resources.ARN", NotStartsWith: []string{"arn:aws:s3:::b/tmp/"}}), false},
		{"advanced read only", advanced(SelectorField{Field: "readOnly", Equals: []string{"true"}}), false},
		{"advanced write only", advanced(SelectorField{Field: "readOnly", NotEquals: []string{"true"}}), true},
		{"advanced some events", advanced(SelectorField{Field: "eventName", Equals: []string{"PutObject"}}), false},
	} {
		if got := s3DataEvents(c.sel, "aws", "b", true); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestConfigGlobalResources checks the account row of config.recorder_all_regions: at
// least one recording recorder of all resource types must include global ones.
func TestConfigGlobalResources(t *testing.T) {
	region := func(name string, global bool) RegionState {
		return RegionState{Name: name, Config: Observed(ConfigRecording{DeliveryChannels: []string{"default"},
			Recorders: []ConfigRecorder{{Name: "default", AllSupported: true, IncludeGlobalResourceTypes: global, Recording: true, LastStatus: "Success"}}})}
	}
	for _, c := range []struct {
		name    string
		regions []RegionState
		want    Status
	}{
		{"none global", []RegionState{region("us-east-1", false), region("eu-west-1", false)}, StatusFail},
		{"one global", []RegionState{region("us-east-1", false), region("eu-west-1", true)}, StatusPass},
		{"one unknown", []RegionState{region("us-east-1", false), {Name: "eu-west-1", Config: Unknown[ConfigRecording]("config DescribeConfigurationRecorders: AccessDeniedException")}}, StatusError},
	} {
		st := &State{AccountID: "123456789012", Regions: []string{"us-east-1", "eu-west-1"}, Regional: c.regions}
		rs := evalConfigAllRegions(st)
		if last := rs[len(rs)-1]; last.Region != GlobalRegion || last.Status != c.want {
			t.Errorf("%s: account row %s %s %q, want %s", c.name, last.Region, last.Status, last.StatusExtended, c.want)
		}
		for _, r := range rs[:len(rs)-1] {
			if r.Region == GlobalRegion {
				t.Errorf("%s: more than one account row", c.name)
			}
		}
	}
}

// TestFlowLogTrafficType checks that a flow log of accepted traffic only does not
// pass: the check asks for rejected traffic to be recorded.
func TestFlowLogTrafficType(t *testing.T) {
	for traffic, want := range map[string]Status{"ACCEPT": StatusFail, "REJECT": StatusPass, "ALL": StatusPass} {
		st := &State{AccountID: "123456789012", Regional: []RegionState{{Name: "us-east-1", VPCs: Observed([]VPC{{ID: "vpc-a", ARN: "arn:vpc-a"}}),
			FlowLogs: Observed([]FlowLog{{ID: "fl-1", ResourceID: "vpc-a", Status: "ACTIVE", TrafficType: traffic}})}}}
		if rs := evalVPCFlowLogs(st); len(rs) != 1 || rs[0].Status != want {
			t.Errorf("%s: %+v, want %s", traffic, rs, want)
		}
	}
}

// TestSupportRoleNeedsARole checks that AWSSupportAccess held only by a user does not
// count as a support role.
func TestSupportRoleNeedsARole(t *testing.T) {
	for _, c := range []struct {
		entities PolicyEntities
		want     Status
	}{
		{PolicyEntities{Users: []string{"alice"}, Groups: []string{"ops"}}, StatusFail},
		{PolicyEntities{Roles: []string{"aws-support"}}, StatusPass},
		{PolicyEntities{}, StatusFail},
	} {
		st := &State{AccountID: "123456789012"}
		st.IAM.PolicyEntities = map[string]Attr[PolicyEntities]{PolicyAWSSupportAccess: Observed(c.entities)}
		if rs := evalPolicyEntities(st, PolicyAWSSupportAccess, true); len(rs) != 1 || rs[0].Status != c.want {
			t.Errorf("%+v: %+v, want %s", c.entities, rs, c.want)
		}
	}
}

// TestRootInactiveKey checks that an inactive root access key, which can be activated
// again, fails the check when only the credential report is known.
func TestRootInactiveKey(t *testing.T) {
	rotated := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		key  ReportAccessKey
		want Status
	}{
		{ReportAccessKey{Active: false, LastRotated: &rotated}, StatusFail},
		{ReportAccessKey{Active: true, LastRotated: &rotated}, StatusFail},
		{ReportAccessKey{}, StatusPass},
	} {
		st := &State{AccountID: "123456789012"}
		st.IAM.Summary = Unknown[map[string]int32]("iam GetAccountSummary: AccessDenied")
		st.IAM.CredentialReport = Observed([]CredentialReportRow{{User: RootUserName, AccessKeys: [2]ReportAccessKey{c.key}}})
		if rs := evalRootAccessKeys(st); len(rs) != 1 || rs[0].Status != c.want {
			t.Errorf("%+v: %+v, want %s", c.key, rs, c.want)
		}
	}
}
