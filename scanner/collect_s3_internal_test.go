package scanner

import "testing"

// TestBucketEncryptionAttr checks that a KMS key whose manager could not be read
// leaves the bucket's encryption known (SSE-KMS, no manager), while a failed
// GetBucketEncryption leaves it unknown.
func TestBucketEncryptionAttr(t *testing.T) {
	keyDenied := bucketEncryptionAttr(BucketEncryption{Type: EncryptionSSEKMS, KMSKeyID: "k", KMSKeyARN: "arn:aws:kms:us-east-1:111122223333:key/k", Error: "kms DescribeKey: AccessDeniedException"})
	if !keyDenied.Known || keyDenied.Value.Type != EncryptionSSEKMS || keyDenied.Value.KeyManager != "" {
		t.Errorf("key manager unreadable: %+v", keyDenied)
	}
	if a := bucketEncryptionAttr(BucketEncryption{Type: EncryptionUnknown, Error: "AccessDenied"}); a.Known {
		t.Errorf("GetBucketEncryption denied: %+v, want unknown", a)
	}
}
