package scanner

import "testing"

func TestNewRateLimitsMerge(t *testing.T) {
	l, err := newRateLimits(map[string]float64{"KMS": 0, "config service": 1, "S3": 300})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := l.perSecond["kms"]; ok {
		t.Error("KMS=0 left the default KMS limit in place")
	}
	if l.perSecond["configservice"] != 1 || l.perSecond["s3"] != 300 || l.perSecond["iam"] != DefaultRateLimits["IAM"] {
		t.Errorf("merged limits %v", l.perSecond)
	}
	if l.limiter("KMS", "us-east-1") != nil || l.limiter("DynamoDB", "us-east-1") != nil {
		t.Error("a service without a limit got a limiter")
	}
	if a, b := l.limiter("S3", "us-east-1"), l.limiter("s3", "us-east-1"); a == nil || a != b {
		t.Error("one service and region should have one limiter")
	}
	off := map[string]float64{}
	for svc := range DefaultRateLimits {
		off[svc] = 0
	}
	if l, err := newRateLimits(off); err != nil || l != nil {
		t.Errorf("all limits removed: %v, %v; want nil, nil", l, err)
	}
}
