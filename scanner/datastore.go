package scanner

import (
	"slices"
	"strings"

	"github.com/cairnsec/cairn/configchecks"
)

// DataStoreOf converts one asset of the data scan into the input of the data-aware
// configuration checks: its identifier ids (never values), the categories of its
// findings, its encryption and its public-access verdict. Encryption that could not
// be read (UNKNOWN) and a public verdict that could not be reached ("UNKNOWN: …")
// become unknown attributes, so the checks report ERROR for them, never PASS.
func DataStoreOf(a Asset, categories []string) configchecks.DataStore {
	d := configchecks.DataStore{
		ARN: a.ARN, Service: a.Service, Region: a.Region, Name: a.Name,
		Identifiers: slices.Sorted(slices.Values(a.DataClasses)),
		Categories:  slices.Compact(slices.Sorted(slices.Values(categories))),
		Status:      a.Status,
		Reason:      a.Reason,
	}
	switch a.Encryption {
	case "", EncryptionUnknown:
		why := "encryption could not be read"
		if a.Reason != "" {
			why += " (" + a.Reason + ")"
		}
		d.Encryption = configchecks.Unknown[configchecks.StoreEncryption](why)
	default:
		d.Encryption = configchecks.Observed(configchecks.StoreEncryption{Type: a.Encryption, KMSKeyARN: a.KMSKeyARN, KeyManager: a.KMSKeyManager})
	}
	if rest, ok := strings.CutPrefix(a.PublicReason, "UNKNOWN: "); ok && !a.Public {
		d.Exposure = configchecks.Unknown[configchecks.BucketExposure](rest)
	} else {
		d.Exposure = configchecks.Observed(configchecks.BucketExposure{Public: a.Public, Reason: a.PublicReason})
	}
	return d
}
