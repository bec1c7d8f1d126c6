package configchecks

import "testing"

// TestBlockPublicAccessLevels checks that a bucket passes when its settings and the
// account's together turn on all four, as S3 enforces them.
func TestBlockPublicAccessLevels(t *testing.T) {
	acct := BlockPublicAccess{Configured: true, BlockPublicACLs: true, IgnorePublicACLs: true}
	for _, c := range []struct {
		bucket BlockPublicAccess
		want   Status
	}{
		{BlockPublicAccess{Configured: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}, StatusPass},
		{BlockPublicAccess{Configured: true, BlockPublicPolicy: true}, StatusFail},
	} {
		st := &State{AccountID: "123456789012"}
		st.S3.AccountBlockPublicAccess = Observed(acct)
		st.S3.Buckets = Observed([]Bucket{{Name: "b", ARN: "arn:aws:s3:::b", Region: "us-east-1", BlockPublicAccess: Observed(c.bucket)}})
		if rs := evalS3BlockPublicAccess(st); len(rs) != 1 || rs[0].Status != c.want {
			t.Errorf("bucket %+v: %+v, want %s", c.bucket, rs, c.want)
		}
	}
}
