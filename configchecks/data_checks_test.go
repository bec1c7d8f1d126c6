package configchecks

import (
	"strings"
	"testing"
)

// TestDataAwareChecks runs the data-aware checks over data scans built by hand: no
// data scan in the run, a scan that found nothing sensitive, and stores that pass,
// fail and could not be read.
func TestDataAwareChecks(t *testing.T) {
	ids := []string{"data.sensitive_encrypted", "data.sensitive_cmk", "data.sensitive_not_public"}
	run := func(ds DataScan) map[string]map[string]Result {
		st := &State{AccountID: "123456789012", DataScan: ds}
		out := map[string]map[string]Result{}
		for _, c := range All() {
			for _, id := range ids {
				if c.ID == id {
					out[id] = map[string]Result{}
					for _, r := range runCheck(c, st) {
						out[id][r.ResourceARN] = r
					}
				}
			}
		}
		return out
	}

	t.Run("no data scan", func(t *testing.T) {
		for id, rs := range run(DataScan{}) {
			r := rs["arn:aws:iam::123456789012:root"]
			if len(rs) != 1 || r.Status != StatusNotApplicable || !strings.Contains(r.StatusExtended, "No classification data in this run") {
				t.Errorf("%s: %v, want one NOT_APPLICABLE saying there is no classification data", id, rs)
			}
		}
	})
	t.Run("nothing sensitive", func(t *testing.T) {
		clean := DataStore{ARN: "arn:aws:s3:::clean", Service: "s3", Name: "clean", Encryption: Observed(StoreEncryption{Type: "NONE"}),
			Exposure: Observed(BucketExposure{Public: true, Reason: "ACL grants AllUsers"})}
		for id, rs := range run(DataScan{Ran: true, Services: []string{"s3"}, Stores: []DataStore{clean}}) {
			if len(rs) != 1 || rs["arn:aws:iam::123456789012:root"].Status != StatusNotApplicable {
				t.Errorf("%s: %v, want NOT_APPLICABLE", id, rs)
			}
		}
	})

	exports := DataStore{ARN: "arn:aws:s3:::exports", Service: "s3", Region: "us-east-1", Name: "exports",
		Identifiers: []string{"CREDIT_CARD_NUMBER", "US_SSN"}, Categories: []string{"financial", "personal"}, Status: "COMPLETE",
		Encryption: Observed(StoreEncryption{Type: "NONE"}), Exposure: Observed(BucketExposure{Public: true, Reason: "bucket policy grants public access (PublicRead)"})}
	cmk := DataStore{ARN: "arn:aws:rds:us-east-1:123456789012:db:crm", Service: "rds", Region: "us-east-1", Name: "crm",
		Identifiers: []string{"EMAIL_ADDRESS"}, Status: "COMPLETE",
		Encryption: Observed(StoreEncryption{Type: "SSE-KMS", KMSKeyARN: "arn:aws:kms:us-east-1:123456789012:key/k", KeyManager: "CUSTOMER"}),
		Exposure:   Observed(BucketExposure{})}
	owned := DataStore{ARN: "arn:aws:dynamodb:us-east-1:123456789012:table/users", Service: "dynamodb", Region: "us-east-1", Name: "users",
		Identifiers: []string{"US_SSN"}, Status: "PARTIAL", Encryption: Observed(StoreEncryption{Type: "AWS_OWNED"}),
		Exposure: Unknown[BucketExposure]("resource policy unreadable")}
	unknown := DataStore{ARN: "arn:aws:s3:::locked", Service: "s3", Name: "locked", Identifiers: []string{"US_SSN"},
		Encryption: Unknown[StoreEncryption]("encryption could not be read (POSTURE_INCOMPLETE: encryption)"), Exposure: Observed(BucketExposure{})}
	got := run(DataScan{Ran: true, Services: []string{"s3", "rds", "dynamodb"}, Stores: []DataStore{exports, cmk, owned, unknown}})

	for id, want := range map[string]map[string]Status{
		"data.sensitive_encrypted":  {exports.ARN: StatusFail, cmk.ARN: StatusPass, owned.ARN: StatusPass, unknown.ARN: StatusError},
		"data.sensitive_cmk":        {exports.ARN: StatusFail, cmk.ARN: StatusPass, owned.ARN: StatusFail, unknown.ARN: StatusError},
		"data.sensitive_not_public": {exports.ARN: StatusFail, cmk.ARN: StatusPass, owned.ARN: StatusError, unknown.ARN: StatusPass},
	} {
		for arn, status := range want {
			r := got[id][arn]
			if r.Status != status {
				t.Errorf("%s %s: %s %q, want %s", id, arn, r.Status, r.StatusExtended, status)
			}
		}
		r := got[id][exports.ARN]
		for _, s := range []string{"CREDIT_CARD_NUMBER", "US_SSN"} {
			if !strings.Contains(r.Evidence, s) || !strings.Contains(r.StatusExtended, s) {
				t.Errorf("%s: the FAIL does not name %s: %s / %s", id, s, r.StatusExtended, r.Evidence)
			}
		}
		if len(got[id]) != len(want) {
			t.Errorf("%s: %d results, want %d (stores without sensitive data are not evaluated)", id, len(got[id]), len(want))
		}
	}
	if r := got["data.sensitive_not_public"][owned.ARN]; !strings.Contains(r.StatusExtended, "resource policy unreadable") {
		t.Errorf("unknown exposure: %q", r.StatusExtended)
	}
}

// TestS3Classified checks CIS 2.1.3's evaluation: every bucket of the account must
// have been classified in this run, and the sensitive ones secured.
func TestS3Classified(t *testing.T) {
	st := &State{AccountID: "123456789012"}
	if rs := checkResults(t, "data.s3_classified", st); len(rs) != 1 || rs["arn:aws:iam::123456789012:root"].Status != StatusManual {
		t.Errorf("no data scan: %v, want one MANUAL row", rs)
	}
	bucket := func(name string) Bucket { return Bucket{Name: name, ARN: "arn:aws:s3:::" + name, Region: "us-east-1"} }
	st.S3.Buckets = Observed([]Bucket{bucket("exports"), bucket("vault"), bucket("site"), bucket("archive"), bucket("new")})
	st.DataScan = DataScan{Ran: true, Services: []string{"s3"}, Stores: []DataStore{
		{ARN: "arn:aws:s3:::exports", Service: "s3", Name: "exports", Identifiers: []string{"US_SSN"}, Status: "COMPLETE",
			Encryption: Observed(StoreEncryption{Type: "SSE-S3"}), Exposure: Observed(BucketExposure{Public: true, Reason: "ACL grants AllUsers"})},
		{ARN: "arn:aws:s3:::vault", Service: "s3", Name: "vault", Identifiers: []string{"US_SSN"}, Status: "COMPLETE",
			Encryption: Observed(StoreEncryption{Type: "SSE-KMS", KeyManager: "CUSTOMER"}), Exposure: Observed(BucketExposure{})},
		{ARN: "arn:aws:s3:::site", Service: "s3", Name: "site", Status: "COMPLETE", Encryption: Observed(StoreEncryption{Type: "SSE-S3"}), Exposure: Observed(BucketExposure{})},
		{ARN: "arn:aws:s3:::archive", Service: "s3", Name: "archive", Status: "PARTIAL", Reason: "OBJECTS_SKIPPED: 2 of 3 sampled objects"},
	}}
	got := checkResults(t, "data.s3_classified", st)
	for name, want := range map[string]Status{"exports": StatusFail, "vault": StatusPass, "site": StatusPass, "archive": StatusError, "new": StatusFail} {
		if r := got["arn:aws:s3:::"+name]; r.Status != want {
			t.Errorf("%s: %s %q, want %s", name, r.Status, r.StatusExtended, want)
		}
	}
	if r := got["arn:aws:s3:::exports"]; !strings.Contains(r.StatusExtended, "customer managed") || !strings.Contains(r.StatusExtended, "public") {
		t.Errorf("exports: %q does not name both gaps", r.StatusExtended)
	}
}

// TestS3ClassifiedKeyManagerUnknown checks that a sensitive SSE-KMS bucket whose key
// manager could not be read is reported unknown, not as lacking a customer key.
func TestS3ClassifiedKeyManagerUnknown(t *testing.T) {
	st := &State{AccountID: "123456789012"}
	st.S3.Buckets = Observed([]Bucket{{Name: "b", ARN: "arn:aws:s3:::b", Region: "us-east-1"}})
	st.DataScan = DataScan{Ran: true, Services: []string{"s3"}, Stores: []DataStore{{
		ARN: "arn:aws:s3:::b", Service: "s3", Region: "us-east-1", Status: "COMPLETE", Identifiers: []string{"US_SSN"},
		Encryption: Observed(StoreEncryption{Type: "SSE-KMS", KMSKeyARN: "arn:aws:kms:us-east-1:111122223333:key/k"}),
		Exposure:   Observed(BucketExposure{}),
	}}}
	if rs := evalS3Classified(st); len(rs) != 1 || rs[0].Status != StatusError {
		t.Errorf("%+v, want ERROR", rs)
	}
}
