// Package configchecks holds the account-state model and the CIS AWS
// Foundations / SOC 2 checks as pure functions over it. It does no I/O.
// The checks arrive with issue 6; the package exists now so the layout in
// DESIGN.md holds from the first commit.
package configchecks
