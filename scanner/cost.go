package scanner

import (
	"math"
	"strings"
)

// PriceTable holds the AWS list prices the cost estimate uses, in US dollars.
// Prices vary by region and change over time: AsOf and Region say which
// prices these are (docs/cost.md lists them with their sources).
type PriceTable struct {
	AsOf   string // date the prices were taken, YYYY-MM-DD
	Region string // the region whose list prices these are

	S3ListPer1000 float64 // S3 Standard PUT, COPY, POST, LIST requests
	S3GetPer1000  float64 // S3 Standard GET, SELECT and all other requests

	// Data transfer out of S3. Cairn is assumed to run in the bucket's region,
	// where transfer to EC2, ECS, EKS or Lambda is free; the cross-region price is
	// shown beside the estimate as what reading from another region would add.
	TransferInRegionPerGB    float64
	TransferCrossRegionPerGB float64

	KMSPer10000 float64 // KMS requests (S3 decrypting SSE-KMS objects without a bucket key)

	DynamoDBPerMillionRRU float64 // on-demand read request units (Scan)

	CloudWatchPer1000Metrics  float64 // GetMetricData, per metric requested
	CloudWatchPer1000Requests float64 // other CloudWatch API requests (ListMetrics)

	SecretsManagerPer10000 float64 // API calls (GetSecretValue for database logins)

	// Amazon Macie, for comparison on the same S3 bytes.
	MacieDiscoveryPerGB    float64 // sensitive data discovery, first 50 TB per month
	MacieBucketPerMonth    float64 // bucket inventory and monitoring (preventive control), per bucket
	MacieAutoPer100kObject float64 // automated discovery object monitoring, per 100,000 objects per month
}

// PricesUSEast1 are the us-east-1 (N. Virginia) list prices as of AsOf, from the
// AWS pricing pages of S3, KMS, DynamoDB, CloudWatch, Secrets Manager and Macie.
// Other regions differ (S3 GET, for example, costs more in São Paulo).
var PricesUSEast1 = PriceTable{
	AsOf:   "2026-11-25",
	Region: "us-east-1",

	S3ListPer1000: 0.005,
	S3GetPer1000:  0.0004,

	TransferInRegionPerGB:    0,
	TransferCrossRegionPerGB: 0.02,

	KMSPer10000: 0.03,

	DynamoDBPerMillionRRU: 0.125,

	CloudWatchPer1000Metrics:  0.01,
	CloudWatchPer1000Requests: 0.01,

	SecretsManagerPer10000: 0.05,

	MacieDiscoveryPerGB:    1.00,
	MacieBucketPerMonth:    0.10,
	MacieAutoPer100kObject: 0.01,
}

// gb is the unit AWS prices data in: a gibibyte.
const gb = 1 << 30

// CostLine is one billed item of the estimate.
type CostLine struct {
	Item     string  // e.g. "S3 GET and other"
	Quantity float64 // in Unit
	Unit     string  // "requests", "GB", "RRU", "metrics"
	USD      float64
}

// CostEstimate is what a run's AWS requests cost at a PriceTable's prices,
// beside what Macie would charge for the same S3 bytes.
type CostEstimate struct {
	Prices   PriceTable
	Requests int64      // every request counted, billed or not
	Lines    []CostLine // the AWS charges of the run, in-region transfer included
	USD      float64    // sum of Lines

	// CrossRegionUSD is what the S3 bytes downloaded would add at the
	// cross-region transfer price, had Cairn run in another region.
	CrossRegionUSD float64
	S3Bytes        int64 // response body bytes downloaded from S3

	// Macie: sensitive data discovery of the bytes Cairn sampled from S3
	// (MacieBytes, normally the scan's bytes read from objects), and, as a
	// monthly fee Macie adds whatever is scanned, bucket evaluation of the
	// scanned buckets and automated-discovery monitoring of their objects.
	MacieBytes          int64
	MacieDiscoveryUSD   float64
	MacieMonthlyUSD     float64 // bucket evaluation + object monitoring, per month
	MacieBuckets        int64
	MacieObjectsMonitor int64
}

// CostInputs are the counts beyond the requests that the estimate needs.
type CostInputs struct {
	S3BytesSampled int64 // bytes Cairn read from S3 objects (Macie would inspect them)
	Buckets        int64 // S3 buckets scanned
	BucketObjects  int64 // objects in those buckets, as far as known (0: unknown)
}

// EstimateCost prices the requests in counts (RequestCounter.Counts) at p.
// Only operations that AWS bills are priced: S3, KMS (through S3 SSE-KMS reads),
// DynamoDB Scan, CloudWatch and Secrets Manager; the configuration reads of IAM,
// EC2, RDS, Organizations and the other services Cairn calls are free.
//
// DynamoDB Scan read request units are approximated from the response bytes: an
// eventually consistent Scan consumes 0.5 RRU per 4 KB of items read, at least 0.5
// per request; JSON framing makes the estimate slightly high.
func EstimateCost(counts []OpCount, in CostInputs, p PriceTable) CostEstimate {
	e := CostEstimate{Prices: p}
	for _, c := range counts {
		e.Requests += c.Requests
	}
	var s3List, s3Get, kmsReq, ddbReq, ddbBytes, cwMetrics, cwReq, smReq int64
	for _, c := range counts {
		switch c.Service {
		case "S3":
			if strings.HasPrefix(c.Operation, "List") {
				s3List += c.Requests
			} else {
				s3Get += c.Requests
			}
			e.S3Bytes += c.Bytes
			kmsReq += c.KMSRequests
		case "DynamoDB":
			if c.Operation == "Scan" || c.Operation == "Query" {
				ddbReq += c.Requests
				ddbBytes += c.Bytes
			}
		case "CloudWatch":
			if c.Operation == "GetMetricData" {
				cwMetrics += c.Metrics
			} else {
				cwReq += c.Requests
			}
		case "Secrets Manager":
			if c.Operation == "GetSecretValue" {
				smReq += c.Requests
			}
		}
	}
	add := func(item string, q float64, unit string, usd float64) {
		if q == 0 {
			return
		}
		e.Lines = append(e.Lines, CostLine{Item: item, Quantity: q, Unit: unit, USD: usd})
		e.USD += usd
	}
	add("S3 LIST", float64(s3List), "requests", float64(s3List)/1000*p.S3ListPer1000)
	add("S3 GET and other", float64(s3Get), "requests", float64(s3Get)/1000*p.S3GetPer1000)
	add("S3 transfer in-region", float64(e.S3Bytes)/gb, "GB", float64(e.S3Bytes)/gb*p.TransferInRegionPerGB)
	add("KMS (SSE-KMS reads)", float64(kmsReq), "requests", float64(kmsReq)/10000*p.KMSPer10000)
	rru := math.Max(0.5*float64(ddbReq), 0.5*math.Ceil(float64(ddbBytes)/4096))
	if ddbReq == 0 {
		rru = 0
	}
	add("DynamoDB Scan", rru, "RRU", rru/1e6*p.DynamoDBPerMillionRRU)
	add("CloudWatch GetMetricData", float64(cwMetrics), "metrics", float64(cwMetrics)/1000*p.CloudWatchPer1000Metrics)
	add("CloudWatch API", float64(cwReq), "requests", float64(cwReq)/1000*p.CloudWatchPer1000Requests)
	add("Secrets Manager", float64(smReq), "requests", float64(smReq)/10000*p.SecretsManagerPer10000)
	e.CrossRegionUSD = float64(e.S3Bytes) / gb * p.TransferCrossRegionPerGB

	e.MacieBytes = in.S3BytesSampled
	e.MacieDiscoveryUSD = float64(in.S3BytesSampled) / gb * p.MacieDiscoveryPerGB
	e.MacieBuckets, e.MacieObjectsMonitor = in.Buckets, in.BucketObjects
	e.MacieMonthlyUSD = float64(in.Buckets)*p.MacieBucketPerMonth + float64(in.BucketObjects)/100000*p.MacieAutoPer100kObject
	return e
}
