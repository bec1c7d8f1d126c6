package scanner

import (
	"context"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// keyResolver resolves KMS key ids, ARNs and aliases to the key's ARN and its
// manager (AWS or CUSTOMER) with kms DescribeKey, caching per region and key:
// many stores share a key. Shared by the S3, RDS and DynamoDB scanners.
// Safe for concurrent use.
type keyResolver struct {
	kms  *kms.Client
	mu   sync.Mutex
	keys map[string]keyInfo
}

// keyInfo is a resolved KMS key: its ARN, its manager and a value-free error.
type keyInfo struct{ arn, manager, err string }

func newKeyResolver(c *kms.Client) *keyResolver {
	return &keyResolver{kms: c, keys: map[string]keyInfo{}}
}

// describe resolves keyID (id, ARN or alias) in region, or in the region of
// its ARN. On error the returned keyInfo has arn = keyID, the manager when the
// name tells it (alias/aws/…) and err set to a value-free description.
func (r *keyResolver) describe(ctx context.Context, keyID, region string) keyInfo {
	keyRegion := region
	if strings.HasPrefix(keyID, "arn:") {
		if parts := strings.Split(keyID, ":"); len(parts) > 3 && parts[3] != "" {
			keyRegion = parts[3]
		}
	}
	cacheKey := keyRegion + "|" + keyID
	r.mu.Lock()
	if k, ok := r.keys[cacheKey]; ok {
		r.mu.Unlock()
		return k
	}
	r.mu.Unlock()

	out, err := r.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)},
		func(o *kms.Options) { o.Region = keyRegion })
	k := keyInfo{arn: keyID}
	switch {
	case err != nil:
		k.err = "kms DescribeKey: " + describeErr(err)
		if strings.HasPrefix(keyID, "alias/aws/") {
			k.manager = KeyManagerAWS
		}
	case out.KeyMetadata != nil:
		k.arn = aws.ToString(out.KeyMetadata.Arn)
		if out.KeyMetadata.KeyManager == kmstypes.KeyManagerTypeAws {
			k.manager = KeyManagerAWS
		} else {
			k.manager = KeyManagerCustomer
		}
	}
	if ctx.Err() == nil { // do not cache a cancellation
		r.mu.Lock()
		r.keys[cacheKey] = k
		r.mu.Unlock()
	}
	return k
}
