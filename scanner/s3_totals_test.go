package scanner_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// seedCloudWatch returns an unguarded CloudWatch client speaking the Query
// protocol, which moto understands, for writing test metrics.
func seedCloudWatch(cfg aws.Config) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
	})
}

// putStorageMetric writes one daily S3 storage metric datapoint for bucket.
func putStorageMetric(t *testing.T, cw *cloudwatch.Client, bucket, metric, storageType string, at time.Time, value float64) {
	t.Helper()
	_, err := cw.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{
		Namespace: aws.String("AWS/S3"),
		MetricData: []cwtypes.MetricDatum{{
			MetricName: aws.String(metric),
			Dimensions: []cwtypes.Dimension{
				{Name: aws.String("BucketName"), Value: aws.String(bucket)},
				{Name: aws.String("StorageType"), Value: aws.String(storageType)},
			},
			Timestamp: aws.Time(at),
			Value:     aws.Float64(value),
			Unit:      cwtypes.StandardUnitBytes,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// denyCloudWatch is a proxy in front of moto that answers every CloudWatch
// call (AWS Query protocol, Version=2010-08-01) with AccessDenied, as AWS
// does for a principal without cloudwatch:ListMetrics. moto does not
// enforce IAM by default, hence the stub. It counts the calls refused.
func denyCloudWatch(t *testing.T, upstream string) (string, *atomic.Int64) {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(u); r.Out.Host = r.In.Host }}
	var denied atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Version") == "2010-08-01" {
				denied.Add(1)
				w.Header().Set("Content-Type", "text/xml")
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprintf(w, `<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type>`+
					`<Code>AccessDenied</Code><Message>User is not authorized to perform: cloudwatch:%s</Message></Error>`+
					`<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`, form.Get("Action"))
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &denied
}

// TestS3BucketTotalsFromCloudWatch caps the listing below a bucket's object
// count and checks that the asset reports the bucket's totals from the
// newest CloudWatch storage metrics beside the listed lower bound; that a
// bucket listed completely keeps its exact listed totals; and that when
// CloudWatch denies access the capped bucket keeps the lower bound, says
// so, and is not failed.
func TestS3BucketTotalsFromCloudWatch(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	const capped, small, other = "capped-bucket", "small-bucket", "other-bucket"
	body := []byte("nothing to see\n")
	for bucket, n := range map[string]int{capped: 30, small: 5, other: 1} {
		if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(fmt.Sprintf("k%03d.txt", i)), Body: bytes.NewReader(body)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// moto also publishes AWS/S3 storage metrics of its own for every bucket
	// (today's, with its real counts), with the dimensions in the other
	// order. moto's ListMetrics then names each metric twice and its
	// GetMetricData matches only the order asked for; Cairn asks for the
	// first of each (metric, storage type), which is the one written here.
	// The small bucket proves a complete listing does not ask at all.
	cw := seedCloudWatch(cfg)
	now := time.Now().UTC()
	yesterday, before := now.Add(-26*time.Hour), now.Add(-50*time.Hour)
	// The newest datapoint of each metric wins; storage types are summed.
	putStorageMetric(t, cw, capped, "NumberOfObjects", "AllStorageTypes", before, 1_000_000)
	putStorageMetric(t, cw, capped, "NumberOfObjects", "AllStorageTypes", yesterday, 1_234_567)
	putStorageMetric(t, cw, capped, "BucketSizeBytes", "StandardStorage", before, 1)
	putStorageMetric(t, cw, capped, "BucketSizeBytes", "StandardStorage", yesterday, 5_000_000_000)
	putStorageMetric(t, cw, capped, "BucketSizeBytes", "StandardIAStorage", yesterday, 700_000_000)
	putStorageMetric(t, cw, capped, "BucketSizeBytes", "GlacierStorage", yesterday, 300_000_000)
	// Another bucket's metrics and an older-than-window datapoint are ignored.
	putStorageMetric(t, cw, other, "BucketSizeBytes", "StandardStorage", yesterday, 9e12)
	putStorageMetric(t, cw, capped, "BucketSizeBytes", "OneZoneIAStorage", now.Add(-5*24*time.Hour), 8e12)

	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{2}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	scan := func(endpoint string) map[string]scanner.Asset {
		t.Helper()
		ao := scanner.AWSOptions{EndpointURL: endpoint, MaxAttempts: 1}
		guarded, err := scanner.LoadAWSConfig(ctx, ao)
		if err != nil {
			t.Fatal(err)
		}
		sink := newMemorySink()
		s := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{
			Buckets: []string{capped, small}, SampleObjects: 5, MaxKeysListed: 10,
		}, nil)
		if _, err := s.Scan(ctx, mototest.AccountID, sink); err != nil {
			t.Fatal(err)
		}
		return sink.assets
	}

	t.Run("metrics", func(t *testing.T) {
		assets := scan(srv.Endpoint)
		a := assets[capped]
		if a.ObjectCount != 10 || a.TotalBytes != 10*int64(len(body)) || !a.ListingTruncated || a.ListingSource != scanner.ListingSourceList {
			t.Errorf("listed: %d objects, %d bytes, truncated %v, source %s; want the 10-key lower bound", a.ObjectCount, a.TotalBytes, a.ListingTruncated, a.ListingSource)
		}
		if a.BucketObjects != 1_234_567 || a.BucketBytes != 6_000_000_000 || a.TotalsSource != scanner.TotalsCloudWatch {
			t.Errorf("totals: %d objects, %d bytes from %s; want 1234567, 6000000000 from CLOUDWATCH", a.BucketObjects, a.BucketBytes, a.TotalsSource)
		}
		if a.TotalsAt.Before(now.Add(-72*time.Hour)) || a.TotalsAt.After(now) || a.TotalsAt.After(yesterday.Add(time.Second)) {
			t.Errorf("totals at %v; want the day of the newest datapoint (%v)", a.TotalsAt, yesterday)
		}
		if a.Status != scanner.StatusComplete || strings.Contains(a.Reason, scanner.ReasonTotalsUnavailable) || !strings.Contains(a.Reason, scanner.ReasonListingCapped) {
			t.Errorf("status %s, reason %q", a.Status, a.Reason)
		}
		b := assets[small]
		if b.BucketObjects != 5 || b.BucketBytes != 5*int64(len(body)) || b.TotalsSource != scanner.TotalsListing || b.ListingTruncated {
			t.Errorf("small bucket totals: %d objects, %d bytes from %s; want the exact listing", b.BucketObjects, b.BucketBytes, b.TotalsSource)
		}
	})

	t.Run("denied", func(t *testing.T) {
		endpoint, denied := denyCloudWatch(t, srv.Endpoint)
		assets := scan(endpoint)
		a := assets[capped]
		if a.BucketObjects != 10 || a.BucketBytes != 10*int64(len(body)) || a.TotalsSource != scanner.TotalsLowerBound {
			t.Errorf("totals: %d objects, %d bytes from %s; want the listed lower bound", a.BucketObjects, a.BucketBytes, a.TotalsSource)
		}
		if a.Status != scanner.StatusComplete || !strings.Contains(a.Reason, scanner.ReasonTotalsUnavailable) || !strings.Contains(a.Reason, "AccessDenied") {
			t.Errorf("status %s, reason %q; want COMPLETE with TOTALS_UNAVAILABLE … AccessDenied", a.Status, a.Reason)
		}
		if a.SampledObjects != 5 {
			t.Errorf("sampled %d objects; the bucket must still be scanned", a.SampledObjects)
		}
		if b := assets[small]; b.TotalsSource != scanner.TotalsListing || strings.Contains(b.Reason, scanner.ReasonTotalsUnavailable) {
			t.Errorf("small bucket: %s, %q", b.TotalsSource, b.Reason)
		}
		if n := denied.Load(); n != 1 {
			t.Errorf("%d CloudWatch calls; want 1 (ListMetrics for the capped bucket only)", n)
		}
	})
}
