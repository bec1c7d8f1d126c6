package scanner

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/cairnsec/cairn/configchecks"
)

// collectAccount reads the account's SECURITY alternate contact and its organization.
func (c *stateCollector) collectAccount(ctx context.Context) configchecks.AccountState {
	var s configchecks.AccountState
	ac := account.NewFromConfig(c.cfg, func(o *account.Options) { o.APIOptions = guardOpts(o.APIOptions) })
	out, err := ac.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity})
	switch {
	case err != nil && errorCode(err) == "ResourceNotFoundException":
		s.SecurityContact = configchecks.Observed[*configchecks.AlternateContact](nil)
	case err != nil:
		s.SecurityContact = configchecks.Unknown[*configchecks.AlternateContact](reason("account GetAlternateContact", err))
	case out.AlternateContact == nil:
		s.SecurityContact = configchecks.Observed[*configchecks.AlternateContact](nil)
	default:
		a := out.AlternateContact
		s.SecurityContact = configchecks.Observed(&configchecks.AlternateContact{
			Type: string(a.AlternateContactType), HasName: aws.ToString(a.Name) != "",
			HasEmail: aws.ToString(a.EmailAddress) != "", HasPhone: aws.ToString(a.PhoneNumber) != "",
		})
	}
	s.Organization = c.organization(ctx)
	return s
}

// organization reads the account's organization and, from the management account,
// its service control policies, integrated services and delegated administrators.
func (c *stateCollector) organization(ctx context.Context) configchecks.Attr[*configchecks.Organization] {
	client := organizations.NewFromConfig(c.cfg, func(o *organizations.Options) { o.APIOptions = guardOpts(o.APIOptions) })
	out, err := client.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		if errorCode(err) == "AWSOrganizationsNotInUseException" {
			return configchecks.Observed[*configchecks.Organization](nil)
		}
		return configchecks.Unknown[*configchecks.Organization](reason("organizations DescribeOrganization", err))
	}
	o := out.Organization
	org := &configchecks.Organization{
		ID: aws.ToString(o.Id), ARN: aws.ToString(o.Arn), ManagementAccount: aws.ToString(o.MasterAccountId), FeatureSet: string(o.FeatureSet),
	}
	if !org.IsManagement(c.st.AccountID) {
		org.Policies = configchecks.Unknown[[]configchecks.OrgPolicy](configchecks.MemberAccountReason)
		org.ServiceAccess = configchecks.Unknown[[]string](configchecks.MemberAccountReason)
		org.DelegatedAdministrators = configchecks.Unknown[map[string][]string](configchecks.MemberAccountReason)
		org.RootFeatures = configchecks.Unknown[[]string](configchecks.MemberAccountReason)
		return configchecks.Observed(org)
	}
	org.RootFeatures = c.rootFeatures(ctx)
	if org.FeatureSet == string(orgtypes.OrganizationFeatureSetAll) {
		org.Policies = c.orgPolicies(ctx, client)
	} else {
		org.Policies = configchecks.Observed[[]configchecks.OrgPolicy](nil)
	}
	org.ServiceAccess = listAll(ctx, "organizations ListAWSServiceAccessForOrganization",
		organizations.NewListAWSServiceAccessForOrganizationPaginator(client, &organizations.ListAWSServiceAccessForOrganizationInput{}),
		func(o *organizations.ListAWSServiceAccessForOrganizationOutput) (out []string) {
			for _, s := range o.EnabledServicePrincipals {
				out = append(out, aws.ToString(s.ServicePrincipal))
			}
			return out
		})
	admins := listAll(ctx, "organizations ListDelegatedAdministrators",
		organizations.NewListDelegatedAdministratorsPaginator(client, &organizations.ListDelegatedAdministratorsInput{}),
		func(o *organizations.ListDelegatedAdministratorsOutput) (out []string) {
			for _, a := range o.DelegatedAdministrators {
				out = append(out, aws.ToString(a.Id))
			}
			return out
		})
	if !admins.Known {
		org.DelegatedAdministrators = configchecks.Unknown[map[string][]string](admins.Err)
		return configchecks.Observed(org)
	}
	delegated := map[string][]string{}
	for _, id := range admins.Value {
		svcs := listAll(ctx, "organizations ListDelegatedServicesForAccount",
			organizations.NewListDelegatedServicesForAccountPaginator(client, &organizations.ListDelegatedServicesForAccountInput{AccountId: aws.String(id)}),
			func(o *organizations.ListDelegatedServicesForAccountOutput) (out []string) {
				for _, s := range o.DelegatedServices {
					out = append(out, aws.ToString(s.ServicePrincipal))
				}
				return out
			})
		if !svcs.Known {
			org.DelegatedAdministrators = configchecks.Unknown[map[string][]string](svcs.Err)
			return configchecks.Observed(org)
		}
		delegated[id] = svcs.Value
	}
	org.DelegatedAdministrators = configchecks.Observed(delegated)
	return configchecks.Observed(org)
}

// rootFeatures reads the organization's centralized root access features. IAM
// answers ServiceAccessNotEnabledException when its trusted access to Organizations
// is off: then no feature is enabled.
func (c *stateCollector) rootFeatures(ctx context.Context) configchecks.Attr[[]string] {
	out, err := c.iamClient().ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	switch {
	case err != nil && errorCode(err) == "ServiceAccessNotEnabledException":
		return configchecks.Observed[[]string](nil)
	case err != nil:
		return configchecks.Unknown[[]string](reason("iam ListOrganizationsFeatures", err))
	}
	var fs []string
	for _, f := range out.EnabledFeatures {
		fs = append(fs, string(f))
	}
	return configchecks.Observed(fs)
}

// orgPolicies lists the service control policies and counts their targets by type.
func (c *stateCollector) orgPolicies(ctx context.Context, client *organizations.Client) configchecks.Attr[[]configchecks.OrgPolicy] {
	pols := listAll(ctx, "organizations ListPolicies",
		organizations.NewListPoliciesPaginator(client, &organizations.ListPoliciesInput{Filter: orgtypes.PolicyTypeServiceControlPolicy}),
		func(o *organizations.ListPoliciesOutput) (out []configchecks.OrgPolicy) {
			for _, p := range o.Policies {
				out = append(out, configchecks.OrgPolicy{
					ID: aws.ToString(p.Id), ARN: aws.ToString(p.Arn), Name: aws.ToString(p.Name), Type: string(p.Type), AWSManaged: p.AwsManaged,
				})
			}
			return out
		})
	if !pols.Known {
		return pols
	}
	for i := range pols.Value {
		p := &pols.Value[i]
		targets := listAll(ctx, "organizations ListTargetsForPolicy",
			organizations.NewListTargetsForPolicyPaginator(client, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String(p.ID)}),
			func(o *organizations.ListTargetsForPolicyOutput) (out []string) {
				for _, t := range o.Targets {
					out = append(out, string(t.Type))
				}
				return out
			})
		if !targets.Known {
			return configchecks.Unknown[[]configchecks.OrgPolicy](targets.Err)
		}
		p.TargetTypes = map[string]int{}
		for _, t := range targets.Value {
			p.TargetTypes[t]++
		}
	}
	return pols
}

// virtualMFADevices lists the assigned virtual MFA devices (serial and user only).
func (c *stateCollector) virtualMFADevices(ctx context.Context, client *iam.Client) configchecks.Attr[[]configchecks.VirtualMFADevice] {
	return listAll(ctx, "iam ListVirtualMFADevices",
		iam.NewListVirtualMFADevicesPaginator(client, &iam.ListVirtualMFADevicesInput{AssignmentStatus: "Assigned"}),
		func(o *iam.ListVirtualMFADevicesOutput) (out []configchecks.VirtualMFADevice) {
			for _, d := range o.VirtualMFADevices {
				v := configchecks.VirtualMFADevice{SerialNumber: aws.ToString(d.SerialNumber)}
				if d.User != nil {
					v.UserARN = aws.ToString(d.User.Arn)
				}
				out = append(out, v)
			}
			return out
		})
}

// collectAccessAnalyzers lists a region's IAM Access Analyzer analyzers.
func (c *stateCollector) collectAccessAnalyzers(ctx context.Context, region string) configchecks.Attr[[]configchecks.AccessAnalyzer] {
	client := accessanalyzer.NewFromConfig(c.cfg, func(o *accessanalyzer.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	return listAll(ctx, "accessanalyzer ListAnalyzers",
		accessanalyzer.NewListAnalyzersPaginator(client, &accessanalyzer.ListAnalyzersInput{}),
		func(o *accessanalyzer.ListAnalyzersOutput) (out []configchecks.AccessAnalyzer) {
			for _, a := range o.Analyzers {
				out = append(out, configchecks.AccessAnalyzer{
					Name: aws.ToString(a.Name), ARN: aws.ToString(a.Arn), Type: string(a.Type), Status: string(a.Status),
				})
			}
			return out
		})
}

// collectConfig reads a region's AWS Config recorders, their status and the delivery
// channels.
func (c *stateCollector) collectConfig(ctx context.Context, region string) configchecks.Attr[configchecks.ConfigRecording] {
	type rec = configchecks.ConfigRecording
	client := configservice.NewFromConfig(c.cfg, func(o *configservice.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	recs, err := client.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
	if err != nil {
		return configchecks.Unknown[rec](reason("config DescribeConfigurationRecorders", err))
	}
	stats, err := client.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
	if err != nil {
		return configchecks.Unknown[rec](reason("config DescribeConfigurationRecorderStatus", err))
	}
	chans, err := client.DescribeDeliveryChannels(ctx, &configservice.DescribeDeliveryChannelsInput{})
	if err != nil {
		return configchecks.Unknown[rec](reason("config DescribeDeliveryChannels", err))
	}
	var out rec
	for _, r := range recs.ConfigurationRecorders {
		cr := configchecks.ConfigRecorder{Name: aws.ToString(r.Name)}
		if g := r.RecordingGroup; g != nil {
			cr.AllSupported = g.AllSupported
			cr.IncludeGlobalResourceTypes = g.IncludeGlobalResourceTypes
		}
		for _, s := range stats.ConfigurationRecordersStatus {
			if aws.ToString(s.Name) == cr.Name {
				cr.Recording, cr.LastStatus = s.Recording, string(s.LastStatus)
			}
		}
		out.Recorders = append(out.Recorders, cr)
	}
	for _, ch := range chans.DeliveryChannels {
		out.DeliveryChannels = append(out.DeliveryChannels, aws.ToString(ch.Name))
	}
	return configchecks.Observed(out)
}

// collectSecurityHub reads whether Security Hub is enabled in a region: DescribeHub
// answers InvalidAccessException when the account is not subscribed.
func (c *stateCollector) collectSecurityHub(ctx context.Context, region string) configchecks.Attr[configchecks.SecurityHub] {
	client := securityhub.NewFromConfig(c.cfg, func(o *securityhub.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	out, err := client.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	if err != nil {
		if code := errorCode(err); code == "InvalidAccessException" && strings.Contains(err.Error(), "not subscribed") {
			return configchecks.Observed(configchecks.SecurityHub{})
		}
		return configchecks.Unknown[configchecks.SecurityHub](reason("securityhub DescribeHub", err))
	}
	return configchecks.Observed(configchecks.SecurityHub{Enabled: true, HubARN: aws.ToString(out.HubArn)})
}

// collectGuardDuty lists a region's GuardDuty detectors with their status.
func (c *stateCollector) collectGuardDuty(ctx context.Context, region string) configchecks.Attr[[]configchecks.GuardDutyDetector] {
	type dets = []configchecks.GuardDutyDetector
	client := guardduty.NewFromConfig(c.cfg, func(o *guardduty.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	ids := listAll(ctx, "guardduty ListDetectors", guardduty.NewListDetectorsPaginator(client, &guardduty.ListDetectorsInput{}),
		func(o *guardduty.ListDetectorsOutput) []string { return o.DetectorIds })
	if !ids.Known {
		return configchecks.Unknown[dets](ids.Err)
	}
	var out dets
	for _, id := range ids.Value {
		d, err := client.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
		if err != nil {
			return configchecks.Unknown[dets](reason("guardduty GetDetector", err))
		}
		out = append(out, configchecks.GuardDutyDetector{ID: id, Status: string(d.Status)})
	}
	return configchecks.Observed(out)
}

// collectECR reads a region's registry scanning configuration and repositories.
func (c *stateCollector) collectECR(ctx context.Context, region string) configchecks.Attr[configchecks.ECRScanning] {
	client := ecr.NewFromConfig(c.cfg, func(o *ecr.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	repos := listAll(ctx, "ecr DescribeRepositories", ecr.NewDescribeRepositoriesPaginator(client, &ecr.DescribeRepositoriesInput{}),
		func(o *ecr.DescribeRepositoriesOutput) (out []configchecks.ECRRepository) {
			for _, r := range o.Repositories {
				out = append(out, configchecks.ECRRepository{
					Name: aws.ToString(r.RepositoryName), ARN: aws.ToString(r.RepositoryArn),
					ScanOnPush: r.ImageScanningConfiguration != nil && r.ImageScanningConfiguration.ScanOnPush,
				})
			}
			return out
		})
	if !repos.Known {
		return configchecks.Unknown[configchecks.ECRScanning](repos.Err)
	}
	s := configchecks.ECRScanning{Repositories: repos.Value}
	if len(repos.Value) == 0 {
		return configchecks.Observed(s) // nothing to scan: the registry setting does not matter
	}
	reg, err := client.GetRegistryScanningConfiguration(ctx, &ecr.GetRegistryScanningConfigurationInput{})
	if err != nil {
		return configchecks.Unknown[configchecks.ECRScanning](reason("ecr GetRegistryScanningConfiguration", err))
	}
	if sc := reg.ScanningConfiguration; sc != nil {
		s.ScanType = string(sc.ScanType)
		for _, r := range sc.Rules {
			rule := configchecks.ECRScanRule{Frequency: string(r.ScanFrequency)}
			for _, f := range r.RepositoryFilters {
				rule.Filters = append(rule.Filters, aws.ToString(f.Filter))
			}
			s.Rules = append(s.Rules, rule)
		}
	}
	return configchecks.Observed(s)
}

// collectSecrets lists a region's Secrets Manager secrets (metadata only, never a
// value).
func (c *stateCollector) collectSecrets(ctx context.Context, region string) configchecks.Attr[[]configchecks.Secret] {
	client := secretsmanager.NewFromConfig(c.cfg, func(o *secretsmanager.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	return listAll(ctx, "secretsmanager ListSecrets", secretsmanager.NewListSecretsPaginator(client, &secretsmanager.ListSecretsInput{}),
		func(o *secretsmanager.ListSecretsOutput) (out []configchecks.Secret) {
			for _, s := range o.SecretList {
				out = append(out, configchecks.Secret{
					Name: aws.ToString(s.Name), ARN: aws.ToString(s.ARN), RotationEnabled: aws.ToBool(s.RotationEnabled), LastRotated: s.LastRotatedDate,
				})
			}
			return out
		})
}

// collectCertificates lists a region's ACM certificates of every key type and
// describes each for its expiry.
func (c *stateCollector) collectCertificates(ctx context.Context, region string) configchecks.Attr[[]configchecks.Certificate] {
	type certs = []configchecks.Certificate
	client := acm.NewFromConfig(c.cfg, func(o *acm.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	// Without Includes, ListCertificates returns RSA_2048 certificates only.
	in := &acm.ListCertificatesInput{Includes: &acmtypes.Filters{KeyTypes: acmtypes.KeyAlgorithm("").Values()}}
	arns := listAll(ctx, "acm ListCertificates", acm.NewListCertificatesPaginator(client, in),
		func(o *acm.ListCertificatesOutput) (out []string) {
			for _, s := range o.CertificateSummaryList {
				out = append(out, aws.ToString(s.CertificateArn))
			}
			return out
		})
	if !arns.Known {
		return configchecks.Unknown[certs](arns.Err)
	}
	var out certs
	for _, arn := range arns.Value {
		d, err := client.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(arn)})
		if err != nil {
			return configchecks.Unknown[certs](reason("acm DescribeCertificate", err))
		}
		cd := d.Certificate
		out = append(out, configchecks.Certificate{
			ARN: arn, DomainName: aws.ToString(cd.DomainName), Status: string(cd.Status), Type: string(cd.Type),
			InUse: len(cd.InUseBy) > 0, NotAfter: cd.NotAfter,
		})
	}
	return configchecks.Observed(out)
}

// collectInstanceRoles lists a region's EC2 instances that are not terminated, with
// their instance profile.
func (c *stateCollector) collectInstanceRoles(ctx context.Context, region string) configchecks.Attr[[]configchecks.InstanceRole] {
	client := ec2.NewFromConfig(c.cfg, func(o *ec2.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	in := &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{
		Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped"},
	}}}
	return listAll(ctx, "ec2 DescribeInstances", ec2.NewDescribeInstancesPaginator(client, in),
		func(o *ec2.DescribeInstancesOutput) (out []configchecks.InstanceRole) {
			for _, r := range o.Reservations {
				for _, i := range r.Instances {
					ir := configchecks.InstanceRole{ID: aws.ToString(i.InstanceId), ARN: c.arn("ec2", region, "instance/"+aws.ToString(i.InstanceId))}
					if i.State != nil {
						ir.State = string(i.State.Name)
					}
					if i.IamInstanceProfile != nil {
						ir.InstanceProfileARN = aws.ToString(i.IamInstanceProfile.Arn)
					}
					out = append(out, ir)
				}
			}
			return out
		})
}
