// Package configchecks holds the account-state model and the CIS AWS Foundations /
// SOC 2 checks as pure functions over it. It does no I/O and imports nothing of
// Cairn's and nothing of AWS.
//
// The pieces:
//
//   - State (state.go) is what package scanner's collectors observed. Every attribute
//     group is an Attr: a value plus whether it is known and, if not, why. A check
//     that needs an unknown attribute reports ERROR with that reason, never PASS.
//   - Check (check.go) is one control: metadata (id, title, severity, CIS ids per
//     version, SOC 2 criteria, rationale, remediation, IAM permissions) and an
//     Evaluate function. Each check lives in its own file and registers itself with
//     `var _ = register(Check{...})`; there is no other list to update.
//   - Run evaluates every check and adds a MANUAL row, with the audit procedure, for
//     each requirement of the CIS catalogue (catalog_cis.go: v5.0.0, v6.0.0, v7.0.0)
//     that no check evaluates yet. TestCatalogueCoverage proves every requirement of
//     every version is covered exactly once.
//   - Summarize, WriteSummary, WriteCSV and WriteJSONLines present results.
//
// To add a check: write one file with a register call (see iam_root_mfa.go), list
// the CIS requirement in every version that has it, add PASS and FAIL cases to
// scanner's TestConfigChecks, and regenerate docs/checks.md with
// `go test ./configchecks -run TestChecksDoc -update`.
package configchecks
