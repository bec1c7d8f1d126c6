package scanner

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/sourcegraph/conc/pool"

	"github.com/cairnsec/cairn/configchecks"
)

// collectKMSKeys lists a region's KMS keys, describes each, and reads the rotation
// status of the enabled customer managed symmetric keys created in KMS (the only ones
// that can rotate automatically; the others' Rotation is unknown, reason "not
// applicable").
func (c *stateCollector) collectKMSKeys(ctx context.Context, region string) configchecks.Attr[[]configchecks.KMSKey] {
	client := kms.NewFromConfig(c.cfg, func(o *kms.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	keys := listAll(ctx, "kms ListKeys", kms.NewListKeysPaginator(client, &kms.ListKeysInput{}),
		func(o *kms.ListKeysOutput) (out []configchecks.KMSKey) {
			for _, k := range o.Keys {
				out = append(out, configchecks.KMSKey{ID: aws.ToString(k.KeyId), ARN: aws.ToString(k.KeyArn)})
			}
			return out
		})
	if !keys.Known {
		return keys
	}
	failed := make([]string, len(keys.Value))
	p := pool.New().WithMaxGoroutines(collectConcurrency)
	for i := range keys.Value {
		k := &keys.Value[i] // each task fills one key
		p.Go(func() {
			out, err := client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(k.ID)})
			if err != nil {
				failed[i] = reason("kms DescribeKey", err)
				return
			}
			m := out.KeyMetadata
			k.Manager = KeyManagerCustomer
			if m.KeyManager == kmstypes.KeyManagerTypeAws {
				k.Manager = KeyManagerAWS
			}
			k.State, k.Spec, k.Origin = string(m.KeyState), string(m.KeySpec), string(m.Origin)
			if k.Manager != KeyManagerCustomer || m.KeyState != kmstypes.KeyStateEnabled ||
				m.KeySpec != kmstypes.KeySpecSymmetricDefault || m.Origin != kmstypes.OriginTypeAwsKms {
				k.Rotation = configchecks.Unknown[bool]("not applicable")
				return
			}
			rot, err := client.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(k.ID)})
			if err != nil {
				k.Rotation = configchecks.Unknown[bool](reason("kms GetKeyRotationStatus", err))
				return
			}
			k.Rotation = configchecks.Observed(rot.KeyRotationEnabled)
		})
	}
	p.Wait()
	// A key that could not be described might be one that must rotate: the list as a
	// whole is then unknown.
	for _, f := range failed {
		if f != "" {
			return configchecks.Unknown[[]configchecks.KMSKey](f)
		}
	}
	return keys
}
