package scanner

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/cairnsec/cairn/configchecks"
)

// collectTrails reads the trails of one region: those whose home region it is, and,
// in the first scanned region, those whose home region is not scanned (multi-region
// and organization trails appear in every region as shadow trails; each is read once).
// Status and event selectors are read per trail, by ARN.
func (c *stateCollector) collectTrails(ctx context.Context, region string) configchecks.Attr[[]configchecks.Trail] {
	client := cloudtrail.NewFromConfig(c.cfg, func(o *cloudtrail.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	out, err := client.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		return configchecks.Unknown[[]configchecks.Trail](reason("cloudtrail DescribeTrails", err))
	}
	first := region == c.st.Regions[0]
	var trails []configchecks.Trail
	for _, t := range out.TrailList {
		home := aws.ToString(t.HomeRegion)
		if home == "" {
			home = region
		}
		if home != region && !(first && !slices.Contains(c.st.Regions, home)) {
			continue
		}
		tr := configchecks.Trail{
			Name:              aws.ToString(t.Name),
			ARN:               aws.ToString(t.TrailARN),
			HomeRegion:        home,
			MultiRegion:       aws.ToBool(t.IsMultiRegionTrail),
			Organization:      aws.ToBool(t.IsOrganizationTrail),
			LogFileValidation: aws.ToBool(t.LogFileValidationEnabled),
			KMSKeyID:          aws.ToString(t.KmsKeyId),
			S3BucketName:      aws.ToString(t.S3BucketName),
			LogGroupARN:       aws.ToString(t.CloudWatchLogsLogGroupArn),
		}
		id := aws.String(tr.ARN)
		if st, err := client.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: id}); err != nil {
			tr.Status = configchecks.Unknown[configchecks.TrailStatus](reason("cloudtrail GetTrailStatus", err))
		} else {
			tr.Status = configchecks.Observed(configchecks.TrailStatus{IsLogging: aws.ToBool(st.IsLogging),
				LatestCloudWatchLogsDelivery: st.LatestCloudWatchLogsDeliveryTime, LatestCloudWatchLogsError: aws.ToString(st.LatestCloudWatchLogsDeliveryError)})
		}
		if sel, err := client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: id}); err != nil {
			tr.Selectors = configchecks.Unknown[configchecks.TrailSelectors](reason("cloudtrail GetEventSelectors", err))
		} else {
			tr.Selectors = configchecks.Observed(trailSelectors(sel))
		}
		trails = append(trails, tr)
	}
	return configchecks.Observed(trails)
}

// trailSelectors converts GetEventSelectors' answer.
func trailSelectors(out *cloudtrail.GetEventSelectorsOutput) configchecks.TrailSelectors {
	var s configchecks.TrailSelectors
	for _, es := range out.EventSelectors {
		sel := configchecks.EventSelector{
			ReadWriteType:           string(es.ReadWriteType),
			IncludeManagementEvents: aws.ToBool(es.IncludeManagementEvents),
			ExcludeSources:          es.ExcludeManagementEventSources,
		}
		if sel.ReadWriteType == "" {
			sel.ReadWriteType = string(cttypes.ReadWriteTypeAll)
		}
		for _, dr := range es.DataResources {
			sel.DataResources = append(sel.DataResources, configchecks.DataResource{Type: aws.ToString(dr.Type), Values: dr.Values})
		}
		s.Basic = append(s.Basic, sel)
	}
	for _, as := range out.AdvancedEventSelectors {
		sel := configchecks.AdvancedSelector{Name: aws.ToString(as.Name)}
		for _, f := range as.FieldSelectors {
			sel.Fields = append(sel.Fields, configchecks.SelectorField{
				Field: aws.ToString(f.Field), Equals: f.Equals, NotEquals: f.NotEquals,
				StartsWith: f.StartsWith, NotStartsWith: f.NotStartsWith, EndsWith: f.EndsWith, NotEndsWith: f.NotEndsWith,
			})
		}
		s.Advanced = append(s.Advanced, sel)
	}
	return s
}
