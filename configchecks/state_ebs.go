package configchecks

// Volume is one EBS volume.
type Volume struct {
	ID        string `json:"id"`
	ARN       string `json:"arn"`
	State     string `json:"state"`
	Encrypted bool   `json:"encrypted"`
	KMSKeyID  string `json:"kms_key_id,omitempty"`
}

// Snapshot is one EBS snapshot owned by the account.
type Snapshot struct {
	ID        string `json:"id"`
	ARN       string `json:"arn"`
	VolumeID  string `json:"volume_id,omitempty"`
	Encrypted bool   `json:"encrypted"`
	KMSKeyID  string `json:"kms_key_id,omitempty"`
}
