package scanner

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// OrgAccount is a member account of an AWS Organization.
type OrgAccount struct {
	ID     string
	Name   string
	Status string // ACTIVE, SUSPENDED, PENDING_CLOSURE
}

// OrgAccounts lists the accounts of the organization that cfg's account
// belongs to (organizations ListAccounts; the caller must be the management
// account or a delegated administrator), sorted by id. Accounts that are
// not ACTIVE are returned too, with their status, so the caller can say why
// it leaves them out.
func OrgAccounts(ctx context.Context, cfg aws.Config) ([]OrgAccount, error) {
	client := organizations.NewFromConfig(cfg, func(o *organizations.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), AddReadOnlyGuard)
	})
	var out []OrgAccount
	p := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scanner: organizations: list accounts: %w", err)
		}
		for _, a := range page.Accounts {
			status := string(a.State)
			if status == "" {
				status = string(a.Status) // retired by AWS in September 2026, but moto fills only Status
			}
			out = append(out, OrgAccount{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Status: status})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// OrgAccountActive reports whether an organization account can be scanned.
func OrgAccountActive(a OrgAccount) bool {
	return a.Status == string(orgtypes.AccountStateActive) || a.Status == ""
}

// RoleARN is the ARN of the role roleName in account.
func RoleARN(account, roleName string) string {
	return "arn:aws:iam::" + account + ":role/" + roleName
}

// AssumeRoleConfig returns a copy of base (a guarded config from
// LoadAWSConfig) whose credentials come from sts AssumeRole of roleName in
// account, with externalID when not empty, cached and refreshed before they
// expire. The guard stays in place: the member account is read through the
// same allow-list. Credentials are obtained lazily; call CallerAccount on the
// result to find out whether the role can be assumed.
func AssumeRoleConfig(base aws.Config, account, roleName, externalID, session string) aws.Config {
	cfg := base.Copy()
	// The STS client that assumes the role uses the base credentials; it is
	// guarded too (AssumeRole is on the allow-list as a credential operation).
	stsClient := sts.NewFromConfig(base)
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, RoleARN(account, roleName), func(o *stscreds.AssumeRoleOptions) {
		if externalID != "" {
			o.ExternalID = aws.String(externalID)
		}
		if session != "" {
			o.RoleSessionName = session
		}
	}))
	return cfg
}
