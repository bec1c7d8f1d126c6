package configchecks

var _ = register(Check{
	ID:        "kms.key_rotation",
	Title:     "Rotation is enabled for customer managed symmetric KMS keys",
	Severity:  SeverityMedium,
	Category:  CategoryData,
	CIS:       []string{"5.0:3.6", "6.0:4.6", "7.0:4.6"},
	SOC2:      []string{"CC6.1", "CC6.7"},
	Rationale: "Rotation limits how much data one key version protects and how long a compromised key version stays useful.",
	Remediation: Remediation{
		Console: "KMS console → Customer managed keys → the key → Key rotation: check Automatically rotate this KMS key every year (or a shorter period).",
		CLI:     "aws kms enable-key-rotation --key-id KEY_ID",
	},
	Permissions: []string{"kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus"},
	Evaluate:    evalKMSRotation,
})

// evalKMSRotation reports every enabled customer managed symmetric key created in
// KMS (imported and custom key store keys cannot rotate automatically).
func evalKMSRotation(st *State) []Result {
	return forEachRegion(st, "kms", "the KMS keys", func(rs *RegionState) Attr[[]KMSKey] { return rs.KMSKeys },
		func(rs *RegionState, keys []KMSKey) []Result {
			var out []Result
			for _, k := range keys {
				if k.Manager != "CUSTOMER" || k.State != "Enabled" || k.Spec != "SYMMETRIC_DEFAULT" || k.Origin != "AWS_KMS" {
					continue
				}
				if !k.Rotation.Known {
					out = append(out, unknownResult(k.ARN, rs.Name, "the rotation status of key "+k.ID, k.Rotation.Reason()))
					continue
				}
				e := ev{"key_id": k.ID, "KeyRotationEnabled": k.Rotation.Value}
				if k.Rotation.Value {
					out = append(out, result(StatusPass, k.ARN, rs.Name, e, "KMS key %s has automatic rotation enabled.", k.ID))
				} else {
					out = append(out, result(StatusFail, k.ARN, rs.Name, e, "KMS key %s has automatic rotation disabled.", k.ID))
				}
			}
			return out
		})
}
