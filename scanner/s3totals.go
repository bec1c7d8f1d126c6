package scanner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// Where an S3 asset's keys to sample came from (Asset.ListingSource).
const (
	ListingSourceList      = "LIST_OBJECTS" // ListObjectsV2
	ListingSourceInventory = "INVENTORY"    // an S3 Inventory report
)

// Where an S3 asset's bucket totals (Asset.BucketObjects, BucketBytes) came
// from (Asset.TotalsSource).
const (
	// TotalsListing: the listing was complete, so the totals are exact.
	TotalsListing = "LISTING"
	// TotalsInventory: the inventory was read completely; exact as of its date.
	TotalsInventory = "INVENTORY"
	// TotalsCloudWatch: CloudWatch's daily S3 storage metrics, as of TotalsAt.
	TotalsCloudWatch = "CLOUDWATCH"
	// TotalsLowerBound: the listing stopped early (key cap or error) and no
	// better source could be read; the totals are what was listed.
	TotalsLowerBound = "LOWER_BOUND"
)

// CloudWatch's daily S3 storage metrics.
const (
	s3MetricsNamespace = "AWS/S3"
	metricObjects      = "NumberOfObjects" // StorageType AllStorageTypes
	metricBytes        = "BucketSizeBytes" // one metric per storage type
	allStorageTypes    = "AllStorageTypes"
	// storageMetricsWindow is how far back the newest datapoint is looked
	// for: S3 publishes these metrics once a day.
	storageMetricsWindow = 3 * 24 * time.Hour
	// maxStorageMetrics caps the metrics read per bucket (S3 has about 20
	// storage types).
	maxStorageMetrics = 100
)

// errNoStorageMetrics means CloudWatch holds no recent storage metrics for a
// bucket (new buckets have none for a day or two).
var errNoStorageMetrics = errors.New("no AWS/S3 NumberOfObjects and BucketSizeBytes datapoints in the last 3 days")

// storageTotals are a bucket's size from CloudWatch's storage metrics.
type storageTotals struct {
	objects int64
	bytes   int64 // summed over storage types, as billed (archive overheads included)
	at      time.Time
}

// storageTotals reads a bucket's newest daily NumberOfObjects
// (AllStorageTypes) and BucketSizeBytes (every storage type, summed) from
// CloudWatch in the bucket's region: ListMetrics names the storage types the
// bucket has, one GetMetricData reads them all over the last 3 days.
func (s *S3Scanner) storageTotals(ctx context.Context, b bucketRef) (storageTotals, error) {
	cw := newCloudWatchClient(s.cfg, s.ao, b.region)
	var queries []cwtypes.MetricDataQuery
	kind := map[string]string{} // query id → metric name
	seen := map[string]bool{}   // metric name|storage type
	p := cloudwatch.NewListMetricsPaginator(cw, &cloudwatch.ListMetricsInput{
		Namespace:  aws.String(s3MetricsNamespace),
		Dimensions: []cwtypes.DimensionFilter{{Name: aws.String("BucketName"), Value: aws.String(b.name)}},
	})
	for p.HasMorePages() && len(queries) < maxStorageMetrics {
		page, err := p.NextPage(ctx)
		if err != nil {
			return storageTotals{}, fmt.Errorf("cloudwatch list metrics: %w", err)
		}
		for _, m := range page.Metrics {
			name := aws.ToString(m.MetricName)
			st := storageType(m.Dimensions, b.name)
			if st == "" || seen[name+"|"+st] || len(queries) >= maxStorageMetrics ||
				!(name == metricObjects && st == allStorageTypes || name == metricBytes) {
				continue
			}
			seen[name+"|"+st] = true
			id := fmt.Sprintf("m%d", len(queries))
			kind[id] = name
			queries = append(queries, cwtypes.MetricDataQuery{
				Id: aws.String(id),
				MetricStat: &cwtypes.MetricStat{
					Metric: &cwtypes.Metric{Namespace: aws.String(s3MetricsNamespace), MetricName: m.MetricName, Dimensions: m.Dimensions},
					Period: aws.Int32(86400),
					Stat:   aws.String("Average"),
				},
				ReturnData: aws.Bool(true),
			})
		}
	}
	if len(queries) == 0 {
		return storageTotals{}, errNoStorageMetrics
	}

	end := time.Now().UTC()
	type point struct {
		at    time.Time
		value float64
	}
	newest := map[string]point{} // query id → newest datapoint
	dp := cloudwatch.NewGetMetricDataPaginator(cw, &cloudwatch.GetMetricDataInput{
		MetricDataQueries: queries,
		StartTime:         aws.Time(end.Add(-storageMetricsWindow)),
		EndTime:           aws.Time(end),
		ScanBy:            cwtypes.ScanByTimestampDescending,
	})
	for pages := 0; dp.HasMorePages() && pages < 10; pages++ {
		page, err := dp.NextPage(ctx)
		if err != nil {
			return storageTotals{}, fmt.Errorf("cloudwatch get metric data: %w", err)
		}
		for _, r := range page.MetricDataResults {
			id := aws.ToString(r.Id)
			for i := range min(len(r.Values), len(r.Timestamps)) {
				if r.Timestamps[i].After(newest[id].at) {
					newest[id] = point{at: r.Timestamps[i], value: r.Values[i]}
				}
			}
		}
	}
	var t storageTotals
	var haveObjects, haveBytes bool
	for id, pt := range newest {
		switch kind[id] {
		case metricObjects:
			t.objects, haveObjects = int64(pt.value), true
			t.at = pt.at
		case metricBytes:
			t.bytes += int64(pt.value)
			haveBytes = true
			if t.at.IsZero() {
				t.at = pt.at
			}
		}
	}
	if !haveObjects || !haveBytes {
		return storageTotals{}, errNoStorageMetrics
	}
	return t, nil
}

// storageType returns the StorageType of a metric whose dimensions are
// exactly BucketName=bucket and StorageType, and "" for any other metric.
func storageType(dims []cwtypes.Dimension, bucket string) string {
	if len(dims) != 2 {
		return ""
	}
	st, named := "", false
	for _, d := range dims {
		switch aws.ToString(d.Name) {
		case "BucketName":
			named = aws.ToString(d.Value) == bucket
		case "StorageType":
			st = aws.ToString(d.Value)
		}
	}
	if !named {
		return ""
	}
	return st
}

// bucketTotals fills in an asset's bucket totals from CloudWatch when the
// listing did not see every key, and returns the reasons to record. A
// failure keeps the listed counts, marked as lower bounds; it never fails
// the bucket.
func (s *S3Scanner) bucketTotals(ctx context.Context, b bucketRef, asset *Asset) []string {
	t, err := s.storageTotals(ctx, b)
	if err != nil {
		s.log.Warn("s3: bucket totals from cloudwatch", "bucket", b.name, "error", describeErr(err))
		asset.TotalsSource = TotalsLowerBound
		return []string{fmt.Sprintf("%s: cloudwatch storage metrics: %s; bucket totals are the listed lower bound", ReasonTotalsUnavailable, describeErr(err))}
	}
	asset.BucketObjects = max(t.objects, asset.ObjectCount)
	asset.BucketBytes = max(t.bytes, asset.TotalBytes)
	asset.TotalsSource, asset.TotalsAt = TotalsCloudWatch, t.at
	return nil
}
