package scanner

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/sourcegraph/conc/pool"

	"github.com/cairnsec/cairn/configchecks"
)

// Credential report polling: GenerateCredentialReport is asked again until the report
// is COMPLETE, at most reportAttempts times, waiting reportPoll after the first call
// and twice as long after each later one, up to reportPollMax.
const (
	reportAttempts = 15
	reportPoll     = 200 * time.Millisecond
	reportPollMax  = 3 * time.Second
)

// iamClient returns a guarded IAM client (IAM is global: the config's region serves).
func (c *stateCollector) iamClient() *iam.Client {
	return iam.NewFromConfig(c.cfg, func(o *iam.Options) { o.APIOptions = guardOpts(o.APIOptions) })
}

// collectIAM reads the account's IAM configuration. Each part records its own error.
func (c *stateCollector) collectIAM(ctx context.Context) configchecks.IAMState {
	client := c.iamClient()
	var s configchecks.IAMState

	if out, err := client.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{}); err != nil {
		s.Summary = configchecks.Unknown[map[string]int32](reason("iam GetAccountSummary", err))
	} else {
		s.Summary = configchecks.Observed(out.SummaryMap)
	}

	if out, err := client.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{}); err != nil {
		var nse *iamtypes.NoSuchEntityException
		if errors.As(err, &nse) {
			s.PasswordPolicy = configchecks.Observed[*configchecks.PasswordPolicy](nil)
		} else {
			s.PasswordPolicy = configchecks.Unknown[*configchecks.PasswordPolicy](reason("iam GetAccountPasswordPolicy", err))
		}
	} else if p := out.PasswordPolicy; p == nil {
		s.PasswordPolicy = configchecks.Observed[*configchecks.PasswordPolicy](nil)
	} else {
		s.PasswordPolicy = configchecks.Observed(&configchecks.PasswordPolicy{
			MinimumPasswordLength:      aws.ToInt32(p.MinimumPasswordLength),
			PasswordReusePrevention:    aws.ToInt32(p.PasswordReusePrevention),
			MaxPasswordAge:             aws.ToInt32(p.MaxPasswordAge),
			RequireSymbols:             p.RequireSymbols,
			RequireNumbers:             p.RequireNumbers,
			RequireUppercaseCharacters: p.RequireUppercaseCharacters,
			RequireLowercaseCharacters: p.RequireLowercaseCharacters,
			ExpirePasswords:            p.ExpirePasswords,
			HardExpiry:                 aws.ToBool(p.HardExpiry),
		})
	}

	s.CredentialReport, s.CredentialReportGeneratedAt = c.credentialReport(ctx, client)
	s.Users = c.iamUsers(ctx, client)
	s.Policies = c.iamPolicies(ctx, client)
	s.ServerCertificates = c.serverCertificates(ctx, client)
	s.PolicyEntities = map[string]configchecks.Attr[configchecks.PolicyEntities]{}
	for _, name := range configchecks.WatchedManagedPolicies {
		s.PolicyEntities[name] = c.policyEntities(ctx, client, name)
	}
	s.VirtualMFADevices = c.virtualMFADevices(ctx, client)
	return s
}

// credentialReport generates (GenerateCredentialReport, repeated until COMPLETE) and
// reads the IAM credential report, and returns when IAM generated it.
func (c *stateCollector) credentialReport(ctx context.Context, client *iam.Client) (configchecks.Attr[[]configchecks.CredentialReportRow], *time.Time) {
	type rows = []configchecks.CredentialReportRow
	wait := reportPoll
	for attempt := 1; ; attempt++ {
		out, err := client.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			return configchecks.Unknown[rows](reason("iam GenerateCredentialReport", err)), nil
		}
		if out.State == iamtypes.ReportStateTypeComplete {
			break
		}
		if attempt == reportAttempts {
			return configchecks.Unknown[rows]("iam GenerateCredentialReport: report not complete after " + fmt.Sprint(reportAttempts) + " attempts"), nil
		}
		select {
		case <-ctx.Done():
			return configchecks.Unknown[rows](reason("iam GenerateCredentialReport", ctx.Err())), nil
		case <-time.After(wait):
		}
		wait = min(2*wait, reportPollMax)
	}
	out, err := client.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		return configchecks.Unknown[rows](reason("iam GetCredentialReport", err)), nil
	}
	parsed, err := ParseCredentialReport(out.Content)
	if err != nil {
		return configchecks.Unknown[rows]("iam GetCredentialReport: " + err.Error()), nil
	}
	return configchecks.Observed(parsed), out.GeneratedTime
}

// maxReportRows bounds the credential report rows parsed (IAM allows 5,000 users).
const maxReportRows = 10_000

// ParseCredentialReport parses the CSV of the IAM credential report. Columns are found
// by header name, so added columns do not matter; the user and arn columns are
// required. Dates that read N/A, no_information or not_supported become nil. It
// returns an error for a report that is not CSV, lacks the required columns or has
// more than 10,000 rows.
func ParseCredentialReport(content []byte) ([]configchecks.CredentialReportRow, error) {
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("scanner: parse credential report: header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	if _, ok := col["user"]; !ok {
		return nil, errors.New("scanner: parse credential report: no user column")
	}
	if _, ok := col["arn"]; !ok {
		return nil, errors.New("scanner: parse credential report: no arn column")
	}
	var out []configchecks.CredentialReportRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("scanner: parse credential report: %w", err)
		}
		if len(out) == maxReportRows {
			return nil, fmt.Errorf("scanner: parse credential report: more than %d rows", maxReportRows)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := configchecks.CredentialReportRow{
			User:                get("user"),
			ARN:                 get("arn"),
			UserCreationTime:    reportTime(get("user_creation_time")),
			PasswordEnabled:     get("password_enabled"),
			PasswordLastUsed:    reportTime(get("password_last_used")),
			PasswordLastChanged: reportTime(get("password_last_changed")),
			MFAActive:           get("mfa_active") == "true",
			Cert1Active:         get("cert_1_active") == "true",
			Cert2Active:         get("cert_2_active") == "true",
		}
		for i := range row.AccessKeys {
			n := fmt.Sprint(i + 1)
			row.AccessKeys[i] = configchecks.ReportAccessKey{
				Active:      get("access_key_"+n+"_active") == "true",
				LastRotated: reportTime(get("access_key_" + n + "_last_rotated")),
				LastUsed:    reportTime(get("access_key_" + n + "_last_used_date")),
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// reportTime parses a credential report date (ISO 8601), nil for anything else.
func reportTime(s string) *time.Time {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-07:00", "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}

// iamUsers lists the users and, a few users at a time, their policies, keys and MFA
// devices.
func (c *stateCollector) iamUsers(ctx context.Context, client *iam.Client) configchecks.Attr[[]configchecks.IAMUser] {
	var users []configchecks.IAMUser
	p := iam.NewListUsersPaginator(client, &iam.ListUsersInput{})
	for pages := 0; p.HasMorePages(); pages++ {
		if pages == maxStatePages {
			return configchecks.Unknown[[]configchecks.IAMUser](reason("iam ListUsers", truncated()))
		}
		page, err := p.NextPage(ctx)
		if err != nil {
			return configchecks.Unknown[[]configchecks.IAMUser](reason("iam ListUsers", err))
		}
		for _, u := range page.Users {
			users = append(users, configchecks.IAMUser{
				Name: aws.ToString(u.UserName), ARN: aws.ToString(u.Arn), CreateDate: aws.ToTime(u.CreateDate).UTC(),
			})
		}
	}
	wp := pool.New().WithMaxGoroutines(collectConcurrency)
	for i := range users {
		u := &users[i] // each task fills one user
		wp.Go(func() { c.fillUser(ctx, client, u) })
	}
	wp.Wait()
	return configchecks.Observed(users)
}

// fillUser reads one user's attached and inline policies, access keys and MFA devices.
func (c *stateCollector) fillUser(ctx context.Context, client *iam.Client, u *configchecks.IAMUser) {
	name := aws.String(u.Name)
	u.AttachedPolicies = listAll(ctx, "iam ListAttachedUserPolicies",
		iam.NewListAttachedUserPoliciesPaginator(client, &iam.ListAttachedUserPoliciesInput{UserName: name}),
		func(o *iam.ListAttachedUserPoliciesOutput) (out []string) {
			for _, p := range o.AttachedPolicies {
				out = append(out, aws.ToString(p.PolicyArn))
			}
			return out
		})
	u.InlinePolicies = listAll(ctx, "iam ListUserPolicies",
		iam.NewListUserPoliciesPaginator(client, &iam.ListUserPoliciesInput{UserName: name}),
		func(o *iam.ListUserPoliciesOutput) []string { return o.PolicyNames })
	u.AccessKeys = listAll(ctx, "iam ListAccessKeys",
		iam.NewListAccessKeysPaginator(client, &iam.ListAccessKeysInput{UserName: name}),
		func(o *iam.ListAccessKeysOutput) (out []configchecks.AccessKey) {
			for _, k := range o.AccessKeyMetadata {
				out = append(out, configchecks.AccessKey{
					ID: maskKeyID(aws.ToString(k.AccessKeyId)), Status: string(k.Status), CreateDate: aws.ToTime(k.CreateDate).UTC(),
				})
			}
			return out
		})
	u.MFADevices = listAll(ctx, "iam ListMFADevices",
		iam.NewListMFADevicesPaginator(client, &iam.ListMFADevicesInput{UserName: name}),
		func(o *iam.ListMFADevicesOutput) (out []string) {
			for _, d := range o.MFADevices {
				out = append(out, aws.ToString(d.SerialNumber))
			}
			return out
		})
}

// maskKeyID keeps the first and last four characters of an access key id.
func maskKeyID(id string) string {
	if len(id) <= 8 {
		return strings.Repeat("*", len(id))
	}
	return id[:4] + strings.Repeat("*", len(id)-8) + id[len(id)-4:]
}

// iamPolicies lists the attached customer managed policies with their default
// version's document.
func (c *stateCollector) iamPolicies(ctx context.Context, client *iam.Client) configchecks.Attr[[]configchecks.ManagedPolicy] {
	list := listAll(ctx, "iam ListPolicies",
		iam.NewListPoliciesPaginator(client, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal, OnlyAttached: true}),
		func(o *iam.ListPoliciesOutput) (out []configchecks.ManagedPolicy) {
			for _, p := range o.Policies {
				out = append(out, configchecks.ManagedPolicy{
					Name: aws.ToString(p.PolicyName), ARN: aws.ToString(p.Arn),
					DefaultVersionID: aws.ToString(p.DefaultVersionId), AttachmentCount: aws.ToInt32(p.AttachmentCount),
				})
			}
			return out
		})
	if !list.Known {
		return list
	}
	wp := pool.New().WithMaxGoroutines(collectConcurrency)
	for i := range list.Value {
		p := &list.Value[i]
		wp.Go(func() {
			out, err := client.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(p.ARN), VersionId: aws.String(p.DefaultVersionID)})
			if err != nil {
				p.Document = configchecks.Unknown[string](reason("iam GetPolicyVersion", err))
				return
			}
			doc := aws.ToString(out.PolicyVersion.Document)
			if dec, err := url.QueryUnescape(doc); err == nil {
				doc = dec
			}
			p.Document = configchecks.Observed(doc)
		})
	}
	wp.Wait()
	return list
}

// serverCertificates lists the server certificates stored in IAM.
func (c *stateCollector) serverCertificates(ctx context.Context, client *iam.Client) configchecks.Attr[[]configchecks.ServerCertificate] {
	return listAll(ctx, "iam ListServerCertificates",
		iam.NewListServerCertificatesPaginator(client, &iam.ListServerCertificatesInput{}),
		func(o *iam.ListServerCertificatesOutput) (out []configchecks.ServerCertificate) {
			for _, m := range o.ServerCertificateMetadataList {
				out = append(out, configchecks.ServerCertificate{
					Name: aws.ToString(m.ServerCertificateName), ARN: aws.ToString(m.Arn), Expiration: aws.ToTime(m.Expiration).UTC(),
				})
			}
			return out
		})
}

// policyEntities lists the principals an AWS managed policy is attached to. A policy
// that does not exist (NoSuchEntity) is attached to nobody.
func (c *stateCollector) policyEntities(ctx context.Context, client *iam.Client, name string) configchecks.Attr[configchecks.PolicyEntities] {
	arn := "arn:" + c.st.Partition + ":iam::aws:policy/" + name
	pe := configchecks.PolicyEntities{PolicyARN: arn}
	// Permissions-policy attachments only: a policy used as a permissions boundary
	// grants nothing (and is listed too without the filter).
	p := iam.NewListEntitiesForPolicyPaginator(client, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn),
		PolicyUsageFilter: iamtypes.PolicyUsageTypePermissionsPolicy})
	for pages := 0; p.HasMorePages(); pages++ {
		if pages == maxStatePages {
			return configchecks.Unknown[configchecks.PolicyEntities](reason("iam ListEntitiesForPolicy", truncated()))
		}
		page, err := p.NextPage(ctx)
		if err != nil {
			var nse *iamtypes.NoSuchEntityException
			if errors.As(err, &nse) {
				return configchecks.Observed(pe)
			}
			return configchecks.Unknown[configchecks.PolicyEntities](reason("iam ListEntitiesForPolicy", err))
		}
		for _, u := range page.PolicyUsers {
			pe.Users = append(pe.Users, aws.ToString(u.UserName))
		}
		for _, g := range page.PolicyGroups {
			pe.Groups = append(pe.Groups, aws.ToString(g.GroupName))
		}
		for _, r := range page.PolicyRoles {
			pe.Roles = append(pe.Roles, aws.ToString(r.RoleName))
		}
	}
	return configchecks.Observed(pe)
}
