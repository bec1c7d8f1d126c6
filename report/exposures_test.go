package report

import (
	"slices"
	"strings"
	"testing"
)

// asset returns a fully sampled, private, customer-KMS S3 bucket with
// nothing found: the least risky store. Tests change one thing at a time.
func asset(name string) AssetRow {
	return AssetRow{
		ScanID: "s", AccountID: "123456789012", AssetARN: "arn:aws:s3:::" + name, Service: "s3",
		Region: "eu-west-1", Name: name, Encryption: "SSE-KMS", KMSKeyManager: "CUSTOMER",
		KMSKeyARN: "arn:aws:kms:eu-west-1:123456789012:key/k", ObjectCount: 10, BucketObjects: 10,
		SampledObjects: 10, Status: "COMPLETE", DataClasses: []string{}, Posture: "{}",
	}
}

func sensitive(a AssetRow, score float64) AssetRow {
	a.SensitivityScore = score
	a.DataClasses = []string{"US_SSN"}
	return a
}

func finding(a AssetRow, id, cat string, n int64) FindingRow {
	return FindingRow{AssetARN: a.AssetARN, Identifier: id, Category: cat, Count: n, Location: "k.csv", Field: "ssn"}
}

func TestExposureRanking(t *testing.T) {
	with := func(a AssetRow, f func(*AssetRow)) AssetRow { f(&a); return a }
	public := func(a *AssetRow) { a.Public, a.PublicReason = true, "ACL grants AllUsers READ" }
	plain := func(a *AssetRow) { a.Encryption, a.KMSKeyManager, a.KMSKeyARN = "NONE", "", "" }
	assets := []AssetRow{
		asset("clean-private"),
		with(asset("clean-public-plain"), func(a *AssetRow) { public(a); plain(a) }),
		sensitive(asset("pii-private-kms"), 90),
		with(sensitive(asset("pii-private-plain"), 40), plain),
		with(sensitive(asset("pii-public-kms"), 40), public),
		with(sensitive(asset("pii-public-plain"), 20), func(a *AssetRow) { public(a); plain(a) }),
		with(sensitive(asset("pii-shared-plain"), 20), func(a *AssetRow) {
			plain(a)
			a.Posture = `{"policy_principals":["123456789012","arn:aws:iam::111122223333:root","arn:aws:iam::123456789012:role/app"]}`
		}),
	}
	want := []string{
		"pii-public-plain", "pii-shared-plain", "pii-public-kms", "pii-private-plain", "pii-private-kms",
		"clean-public-plain", "clean-private",
	}
	rows := JoinExposures(assets, nil, nil, nil)
	var got []string
	for i, r := range rows {
		got = append(got, r.Name)
		if r.RiskRank != int64(i+1) {
			t.Errorf("%s: rank %d at position %d", r.Name, r.RiskRank, i)
		}
		if r.RiskScore < 0 || r.RiskScore > 100 {
			t.Errorf("%s: risk score %v outside 0..100", r.Name, r.RiskScore)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ranking\n got %q\nwant %q", got, want)
	}
	if rows[1].Exposure != ExposureShared || !slices.Equal(rows[1].ExternalPrincipals, []string{"arn:aws:iam::111122223333:root"}) {
		t.Errorf("shared bucket: exposure %s principals %q", rows[1].Exposure, rows[1].ExternalPrincipals)
	}
}

func TestExposureUnknownIsNeverProtected(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(*AssetRow)
		wantClass string
		worseThan string // this encryption detail must not outrank the row
	}{
		{"unreadable encryption", func(a *AssetRow) {
			a.Encryption, a.KMSKeyManager = "UNKNOWN", ""
			a.Posture = `{"encryption":{"type":"UNKNOWN","error":"AccessDenied"}}`
		}, ProtectionUnknown, "NONE"},
		{"no encryption", func(a *AssetRow) { a.Encryption, a.KMSKeyManager = "NONE", "" }, ProtectionNone, "NONE"},
		{"sse-s3", func(a *AssetRow) { a.Encryption, a.KMSKeyManager = "SSE-S3", "" }, ProtectionAWSManaged, ""},
		{"kms, manager unknown", func(a *AssetRow) { a.KMSKeyManager = "" }, ProtectionAWSManaged, ""},
		{"aws-managed kms", func(a *AssetRow) { a.KMSKeyManager = "AWS" }, ProtectionAWSManaged, ""},
		{"customer kms", func(a *AssetRow) {}, ProtectionCustomerKMS, ""},
		{"dynamodb aws-owned", func(a *AssetRow) { a.Encryption, a.KMSKeyManager = "AWS_OWNED", "" }, ProtectionAWSManaged, ""},
	}
	none := sensitive(asset("none"), 50)
	none.Encryption, none.KMSKeyManager = "NONE", ""
	sse := sensitive(asset("sse"), 50)
	sse.Encryption, sse.KMSKeyManager = "SSE-S3", ""
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := sensitive(asset("x"), 50)
			tc.edit(&a)
			rows := JoinExposures([]AssetRow{a, none, sse}, nil, nil, nil)
			var r, rNone, rSSE ExposureRow
			for _, x := range rows {
				switch x.Name {
				case "x":
					r = x
				case "none":
					rNone = x
				case "sse":
					rSSE = x
				}
			}
			if r.Encryption != tc.wantClass {
				t.Fatalf("encryption class %s, want %s", r.Encryption, tc.wantClass)
			}
			if tc.wantClass == ProtectionUnknown {
				if !strings.Contains(r.EncryptionReason, "AccessDenied") {
					t.Errorf("unknown encryption reason %q lacks the error", r.EncryptionReason)
				}
				if r.RiskScore != rNone.RiskScore {
					t.Errorf("UNKNOWN scores %v, NONE %v: unknown must count as unencrypted", r.RiskScore, rNone.RiskScore)
				}
			}
			if tc.wantClass == ProtectionNone || tc.wantClass == ProtectionUnknown {
				if r.RiskScore <= rSSE.RiskScore {
					t.Errorf("%s scores %v, not above SSE-S3 %v", tc.wantClass, r.RiskScore, rSSE.RiskScore)
				}
			} else if r.RiskScore >= rNone.RiskScore {
				t.Errorf("%s scores %v, not below NONE %v", tc.wantClass, r.RiskScore, rNone.RiskScore)
			}
		})
	}
}

func TestExposureSampledFraction(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(*AssetRow)
		fraction float64
	}{
		{"all sampled", func(a *AssetRow) {}, 1},
		{"1% of a big bucket", func(a *AssetRow) { a.SampledObjects, a.ObjectCount, a.BucketObjects = 100, 10_000, 10_000 }, 0.01},
		{"bucket totals beyond the listing", func(a *AssetRow) {
			a.SampledObjects, a.ObjectCount, a.BucketObjects = 100, 1000, 100_000
		}, 0.001},
		{"empty and complete", func(a *AssetRow) { a.SampledObjects, a.ObjectCount, a.BucketObjects = 0, 0, 0 }, 1},
		{"could not be listed", func(a *AssetRow) {
			a.SampledObjects, a.ObjectCount, a.BucketObjects, a.Status = 0, 0, 0, "ERROR"
		}, 0},
		{"dynamodb items", func(a *AssetRow) {
			a.Service, a.ObjectCount, a.SampledObjects = "dynamodb", 1, 1
			a.Posture = `{"item_count":4000,"sampling":{"items":1000}}`
		}, 0.25},
		{"rds tables", func(a *AssetRow) { a.Service, a.ObjectCount, a.BucketObjects, a.SampledObjects = "rds", 8, 0, 2 }, 0.25},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, score := range []float64{0, 40} {
				a := asset("b")
				if score > 0 {
					a = sensitive(a, score)
				}
				full := JoinExposures([]AssetRow{a}, nil, nil, nil)[0]
				tc.edit(&a)
				r := JoinExposures([]AssetRow{a}, nil, nil, nil)[0]
				if r.SampledFraction != tc.fraction {
					t.Fatalf("sampled fraction %v, want %v", r.SampledFraction, tc.fraction)
				}
				// Less sampled means more unknown: never a lower score.
				if tc.fraction < 1 && !(r.Sensitivity > full.Sensitivity && r.RiskScore > full.RiskScore) {
					t.Errorf("score %v: sensitivity %v / risk %v at fraction %v, fully sampled %v / %v",
						score, r.Sensitivity, r.RiskScore, tc.fraction, full.Sensitivity, full.RiskScore)
				}
				if tc.fraction == 1 && score == 0 && r.Sensitivity != 0 {
					t.Errorf("clean, fully sampled store has sensitivity %v", r.Sensitivity)
				}
			}
		})
	}
	// Skipped objects were not read: they do not count as sampled.
	a := asset("b")
	skipped := []ObjectResultRow{
		{AssetARN: a.AssetARN, Location: "glacier.csv", Status: "SKIPPED"},
		{AssetARN: a.AssetARN, Location: "ok.zip!inner.csv", Status: "SKIPPED"},
		{AssetARN: a.AssetARN, Location: "ok.csv", Status: "COMPLETE"},
	}
	if r := JoinExposures([]AssetRow{a}, skipped, nil, nil)[0]; r.SampledFraction != 0.9 {
		t.Errorf("one of 10 objects skipped: sampled fraction %v, want 0.9", r.SampledFraction)
	}

	// What was found still dominates: a store with findings outranks a clean
	// store that was barely sampled.
	barely := asset("barely")
	barely.SampledObjects, barely.BucketObjects = 1, 1_000_000
	found := sensitive(asset("found"), 20)
	rows := JoinExposures([]AssetRow{barely, found}, nil, nil, nil)
	if rows[0].Name != "found" {
		t.Errorf("clean, barely sampled store outranks one with findings: %+v", rows)
	}
}

func TestExposureJoinsFindingsAndControls(t *testing.T) {
	a := sensitive(asset("b"), 60)
	a.DataClasses = []string{"CREDIT_CARD_NUMBER", "US_SSN"}
	other := asset("other")
	f1 := finding(a, "US_SSN", "PERSONAL", 5)
	f1.FieldSensitive = true
	findings := []FindingRow{
		f1, finding(a, "CREDIT_CARD_NUMBER", "FINANCIAL", 3), finding(a, "US_SSN", "PERSONAL", 2),
		finding(other, "EMAIL_ADDRESS", "PERSONAL", 1),
	}
	controls := []ControlResultRow{
		{CheckID: "s3_bucket_versioning", Status: "FAIL", ResourceARN: a.AssetARN},
		{CheckID: "s3_bucket_logging", Status: "FAIL", ResourceARN: a.AssetARN},
		{CheckID: "s3_bucket_logging", Status: "FAIL", ResourceARN: a.AssetARN},
		{CheckID: "s3_bucket_ssl", Status: "PASS", ResourceARN: a.AssetARN},
		{CheckID: "s3_object_lock", Status: "ERROR", ResourceARN: a.AssetARN},
		{CheckID: "iam_root_mfa", Status: "FAIL", ResourceARN: "arn:aws:iam::123456789012:root"},
	}
	rows := JoinExposures([]AssetRow{a, other}, nil, findings, controls)
	var r ExposureRow
	for _, x := range rows {
		if x.Name == "b" {
			r = x
		}
	}
	if r.SensitiveCount != 10 {
		t.Errorf("sensitive_count %d, want 10", r.SensitiveCount)
	}
	if !slices.Equal(r.DataClasses, []string{"CREDIT_CARD_NUMBER", "US_SSN"}) ||
		!slices.Equal(r.Categories, []string{"FINANCIAL", "PERSONAL"}) {
		t.Errorf("classes %q categories %q", r.DataClasses, r.Categories)
	}
	if !slices.Equal(r.SensitiveFields, []string{"k.csv:US_SSN"}) {
		t.Errorf("sensitive fields %q", r.SensitiveFields)
	}
	if !slices.Equal(r.FailingControls, []string{"s3_bucket_logging", "s3_bucket_versioning"}) ||
		!slices.Equal(r.UnknownControls, []string{"s3_object_lock"}) {
		t.Errorf("failing %q unknown %q", r.FailingControls, r.UnknownControls)
	}
	joined := strings.Join(r.Reasons, " | ")
	for _, want := range []string{"10 matches", "failing controls: s3_bucket_logging", "not evaluated: s3_object_lock"} {
		if !strings.Contains(joined, want) {
			t.Errorf("reasons %q lack %q", joined, want)
		}
	}
	// The other asset's finding is not in b's row, and adds its class.
	for _, x := range rows {
		if x.Name == "other" && !slices.Equal(x.DataClasses, []string{"EMAIL_ADDRESS"}) {
			t.Errorf("other: classes %q", x.DataClasses)
		}
	}
}

func TestExposureExposureClasses(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*AssetRow)
		want    string
		wantExt []string
	}{
		{"private", func(a *AssetRow) {}, ExposurePrivate, []string{}},
		{"public", func(a *AssetRow) { a.Public, a.PublicReason = true, "x" }, ExposurePublic, []string{}},
		{"unknown", func(a *AssetRow) { a.PublicReason = "UNKNOWN: ACL unreadable" }, ExposureUnknown, []string{}},
		{"own principals only", func(a *AssetRow) {
			a.Posture = `{"policy_principals":["123456789012","arn:aws:iam::123456789012:role/app"]}`
		}, ExposurePrivate, []string{}},
		{"org-wide policy", func(a *AssetRow) {
			a.Posture = `{"policy_principals":["* if aws:PrincipalOrgID"]}`
		}, ExposureShared, []string{"* if aws:PrincipalOrgID"}},
		{"bucket ACL grant to another account", func(a *AssetRow) {
			a.Posture = `{"acl_grantees":["canonical user 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be:READ","canonical user 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be:READ_ACP"]}`
		}, ExposureShared, []string{"ACL canonical user 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}},
		{"rds shared snapshot", func(a *AssetRow) {
			a.Service = "rds"
			a.Posture = `{"shared_snapshots":["snap-1: 111122223333,444455556666","snap-2: 123456789012"]}`
		}, ExposureShared, []string{"111122223333", "444455556666"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := sensitive(asset("b"), 30)
			tc.edit(&a)
			r := JoinExposures([]AssetRow{a}, nil, nil, nil)[0]
			if r.Exposure != tc.want || !slices.Equal(r.ExternalPrincipals, tc.wantExt) {
				t.Errorf("exposure %s principals %q, want %s %q", r.Exposure, r.ExternalPrincipals, tc.want, tc.wantExt)
			}
		})
	}
	// Unknown exposure ranks with the exposed, not with the private.
	priv, unk := sensitive(asset("priv"), 30), sensitive(asset("unk"), 30)
	unk.PublicReason = "UNKNOWN: bucket policy unreadable"
	if rows := JoinExposures([]AssetRow{priv, unk}, nil, nil, nil); rows[0].Name != "unk" {
		t.Errorf("unknown exposure ranks below private: %q first", rows[0].Name)
	}
}
