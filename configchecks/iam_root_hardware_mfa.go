package configchecks

import "strings"

// rootVirtualMFASuffix ends the serial number of the root user's virtual MFA device.
const rootVirtualMFASuffix = ":mfa/root-account-mfa-device"

var _ = register(Check{
	ID:       "iam.root_hardware_mfa",
	Title:    "The root user's MFA is a hardware device, not a virtual one",
	Severity: SeverityHigh,
	Category: CategoryIAM,
	CIS:      []string{"5.0:1.5", "6.0:2.5", "7.0:2.6"},
	SOC2:     []string{"CC6.1", "CC6.2"},
	Rationale: "A virtual MFA app lives on a phone or laptop that can be lost, cloned or compromised along with the " +
		"password; a hardware key or passkey for the root user cannot be copied. The same holds for privileged IAM users.",
	Remediation: Remediation{
		Console: "Sign in as the root user → Security credentials → Multi-factor authentication: assign a hardware TOTP token or FIDO security key, then remove the virtual device.",
		CLI:     "MFA for the root user is managed in the console while signed in as root.",
	},
	Permissions: []string{"iam:GetAccountSummary", "iam:ListVirtualMFADevices"},
	Evaluate:    evalRootHardwareMFA,
})

// evalRootHardwareMFA passes when the account summary says root MFA is on and no
// assigned virtual MFA device belongs to root.
func evalRootHardwareMFA(st *State) []Result {
	arn := st.AccountARN()
	sum, vmfa := st.IAM.Summary, st.IAM.VirtualMFADevices
	if !sum.Known {
		return []Result{unknownResult(arn, GlobalRegion, "the account summary", sum.Reason())}
	}
	enabled := sum.Value["AccountMFAEnabled"] == 1
	e := ev{"AccountMFAEnabled": sum.Value["AccountMFAEnabled"]}
	if !enabled {
		return []Result{result(StatusFail, arn, GlobalRegion, e, "The root user has no MFA device at all, hardware or virtual.")}
	}
	if !vmfa.Known {
		return []Result{unknownResult(arn, GlobalRegion, "the virtual MFA devices", vmfa.Reason())}
	}
	for _, d := range vmfa.Value {
		if strings.HasSuffix(d.SerialNumber, rootVirtualMFASuffix) || d.UserARN == arn {
			e["root_virtual_mfa_device"] = d.SerialNumber
			return []Result{result(StatusFail, arn, GlobalRegion, e, "The root user's MFA is a virtual device (%s), not a hardware one.", d.SerialNumber)}
		}
	}
	e["root_virtual_mfa_device"] = nil
	return []Result{result(StatusPass, arn, GlobalRegion, e, "The root user has MFA enabled and no virtual MFA device: the device is a hardware one.")}
}
