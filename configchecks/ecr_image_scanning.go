package configchecks

import (
	"path"
	"strings"
)

var _ = register(Check{
	ID:       "ecr.image_scanning",
	Title:    "ECR repositories scan images on push (or the registry scans them continuously)",
	Severity: SeverityMedium,
	Category: CategoryThreat,
	SOC2:     []string{"CC6.8", "CC7.1"},
	Rationale: "Images with known vulnerabilities are how exploitable software reaches production; scanning on push (or " +
		"enhanced, continuous scanning) reports them before and after they are deployed.",
	Remediation: Remediation{
		Console: "ECR console → Private registry → Settings → Scanning configuration: Enhanced scanning (or Basic) with a rule Scan on push for all repositories (filter *); or per repository: Edit → Scan on push.",
		CLI:     "aws ecr put-image-scanning-configuration --repository-name NAME --image-scanning-configuration scanOnPush=true (or aws ecr put-registry-scanning-configuration --scan-type ENHANCED --rules '[{\"scanFrequency\":\"SCAN_ON_PUSH\",\"repositoryFilters\":[{\"filter\":\"*\",\"filterType\":\"WILDCARD\"}]}]')",
	},
	Permissions: []string{"ecr:DescribeRepositories", "ecr:GetRegistryScanningConfiguration"},
	Evaluate: func(st *State) []Result {
		return forEachRegion(st, "ecr", "the ECR repositories and scanning configuration", func(rs *RegionState) Attr[ECRScanning] { return rs.ECR },
			func(rs *RegionState, s ECRScanning) []Result {
				var out []Result
				for _, repo := range s.Repositories {
					e := ev{"repository": repo.Name, "scan_on_push": repo.ScanOnPush, "registry_scan_type": s.ScanType}
					if repo.ScanOnPush {
						out = append(out, result(StatusPass, repo.ARN, rs.Name, e, "ECR repository %s scans images on push.", repo.Name))
						continue
					}
					if freq := registryScanFrequency(s, repo.Name); freq != "" {
						e["registry_scan_frequency"] = freq
						out = append(out, result(StatusPass, repo.ARN, rs.Name, e, "ECR repository %s is covered by the registry's %s scanning (%s).", repo.Name, strings.ToLower(s.ScanType), freq))
						continue
					}
					out = append(out, result(StatusFail, repo.ARN, rs.Name, e, "ECR repository %s does not scan images on push and no registry scanning rule covers it.", repo.Name))
				}
				return out
			})
	},
})

// registryScanFrequency returns the frequency (SCAN_ON_PUSH or CONTINUOUS_SCAN) of the
// first registry scanning rule whose wildcard filter matches repo, "" when none does.
// Basic registry scanning only scans on push; enhanced scanning also continuously.
func registryScanFrequency(s ECRScanning, repo string) string {
	for _, r := range s.Rules {
		if r.Frequency != "SCAN_ON_PUSH" && r.Frequency != "CONTINUOUS_SCAN" {
			continue
		}
		for _, f := range r.Filters {
			if ok, err := path.Match(f, repo); err == nil && ok || f == "*" {
				return r.Frequency
			}
		}
	}
	return ""
}
