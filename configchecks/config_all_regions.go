package configchecks

import "strings"

var _ = register(Check{
	ID:       "config.recorder_all_regions",
	Title:    "AWS Config records all resource types in every region",
	Severity: SeverityMedium,
	Category: CategoryLogging,
	CIS:      []string{"5.0:3.3", "6.0:4.3", "7.0:4.3"},
	SOC2:     []string{"CC7.1", "CC7.2", "CC8.1"},
	Rationale: "AWS Config keeps the configuration history of every resource and the changes between versions: the record " +
		"auditors and incident responders need to know what was configured, when, and by which change. As the CIS audit asks, " +
		"one recorder (AWS recommends one region) must also record global resource types: IAM users, groups, roles and policies.",
	Remediation: Remediation{
		Console: "AWS Config console (in each region) → Settings → Edit: Recording strategy All resource types (with global resources in one region), choose an S3 bucket for the delivery channel, and turn recording on.",
		CLI: "aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=ROLE_ARN --recording-group allSupported=true,includeGlobalResourceTypes=true; " +
			"aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=BUCKET; aws configservice start-configuration-recorder --configuration-recorder-name default",
	},
	Permissions: []string{"config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus", "config:DescribeDeliveryChannels"},
	Evaluate:    evalConfigAllRegions,
})

// evalConfigAllRegions reports every region (a recorder of all resource types that is
// recording, and a delivery channel) and then the account: as the CIS audit asks, at
// least one such recorder must also record global resource types (IAM users, groups,
// roles and policies), which AWS recommends doing in one region only.
func evalConfigAllRegions(st *State) []Result {
	out := forEachRegion(st, "config", "the AWS Config recorders", func(rs *RegionState) Attr[ConfigRecording] { return rs.Config },
		func(rs *RegionState, c ConfigRecording) []Result {
			arn := st.RegionalAccountARN("config", rs.Name)
			e := ev{"recorders": c.Recorders, "delivery_channels": c.DeliveryChannels}
			var problems []string
			var good []string
			for _, r := range c.Recorders {
				switch {
				case !r.AllSupported:
					problems = append(problems, "recorder "+r.Name+" does not record all resource types")
				case !r.Recording:
					problems = append(problems, "recorder "+r.Name+" is not recording")
				case strings.EqualFold(r.LastStatus, "Failure"):
					problems = append(problems, "recorder "+r.Name+"'s last recording failed")
				default:
					good = append(good, r.Name)
				}
			}
			switch {
			case len(c.Recorders) == 0:
				return []Result{result(StatusFail, arn, rs.Name, e, "AWS Config has no configuration recorder in %s.", rs.Name)}
			case len(good) == 0:
				return []Result{result(StatusFail, arn, rs.Name, e, "AWS Config does not record all resources in %s: %s.", rs.Name, strings.Join(problems, "; "))}
			case len(c.DeliveryChannels) == 0:
				return []Result{result(StatusFail, arn, rs.Name, e, "AWS Config recorder %s in %s has no delivery channel.", good[0], rs.Name)}
			}
			return []Result{result(StatusPass, arn, rs.Name, e, "AWS Config recorder %s records all resource types in %s and delivers to %s.",
				good[0], rs.Name, strings.Join(c.DeliveryChannels, ", "))}
		})
	var unknown []string
	for _, rs := range st.Regional {
		if !rs.Config.Known {
			unknown = append(unknown, rs.Name+" ("+rs.Config.Reason()+")")
			continue
		}
		for _, r := range rs.Config.Value.Recorders {
			if r.IncludeGlobalResourceTypes && r.AllSupported && r.Recording && !strings.EqualFold(r.LastStatus, "Failure") {
				return append(out, result(StatusPass, st.AccountARN(), GlobalRegion, ev{"region": rs.Name, "recorder": r.Name},
					"AWS Config recorder %s in %s records global resource types.", r.Name, rs.Name))
			}
		}
	}
	e := ev{"regions": st.Regions}
	if len(unknown) > 0 {
		e["unknown"] = unknown
		return append(out, result(StatusError, st.AccountARN(), GlobalRegion, e,
			"No AWS Config recorder was confirmed to record global resource types, and the recorders of %s could not be read.", strings.Join(unknown, ", ")))
	}
	return append(out, result(StatusFail, st.AccountARN(), GlobalRegion, e,
		"No recording AWS Config recorder in the scanned regions (%s) records global resource types (IAM users, groups, roles and policies).",
		strings.Join(st.Regions, ", ")))
}
