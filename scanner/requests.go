package scanner

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// requestCounterID is the id of the counting middleware in the Deserialize step.
const requestCounterID = "cairn.RequestCounter"

// RequestCounter counts the AWS requests a scan makes and the response bytes it
// downloads, by service and operation, for the run's cost estimate (EstimateCost).
// Install it on a config with AWSOptions.Requests; every client made from that
// config then reports to it.
//
// It counts HTTP responses, not API calls: every attempt that got an answer is one
// request AWS bills, retries included; an attempt that never got a response (a
// refused connection) is not counted. Body bytes are counted as the caller reads
// them, so a ranged GET counts the bytes of its range.
//
// A RequestCounter is safe for concurrent use; counting costs one sync.Map lookup
// and a few atomic adds per request, and one atomic add per body Read.
type RequestCounter struct {
	ops sync.Map // opKey → *opCounts
}

type opKey struct{ service, op string }

type opCounts struct {
	requests atomic.Int64
	bytes    atomic.Int64
	kms      atomic.Int64 // S3 responses served from an SSE-KMS object without a bucket key
	metrics  atomic.Int64 // CloudWatch GetMetricData: metrics requested
}

// OpCount is the traffic of one operation of one service.
type OpCount struct {
	Service   string // SDK service id, e.g. "S3", "DynamoDB", "CloudWatch"
	Operation string // e.g. "GetObject", "ListObjectsV2", "Scan"
	Requests  int64  // HTTP requests answered, retries included
	Bytes     int64  // response body bytes read
	// KMSRequests is the number of S3 responses for objects encrypted with SSE-KMS
	// without an S3 Bucket Key: S3 calls KMS Decrypt for each, billed to the key owner.
	KMSRequests int64
	// Metrics is the number of metrics requested, summed over calls: CloudWatch
	// bills GetMetricData per metric requested, not per request.
	Metrics int64
}

// Counts returns the operations seen so far, sorted by service and operation.
func (c *RequestCounter) Counts() []OpCount {
	var out []OpCount
	c.ops.Range(func(k, v any) bool {
		key, n := k.(opKey), v.(*opCounts)
		out = append(out, OpCount{
			Service: key.service, Operation: key.op,
			Requests: n.requests.Load(), Bytes: n.bytes.Load(), KMSRequests: n.kms.Load(), Metrics: n.metrics.Load(),
		})
		return true
	})
	slices.SortFunc(out, func(a, b OpCount) int {
		if c := strings.Compare(a.Service, b.Service); c != 0 {
			return c
		}
		return strings.Compare(a.Operation, b.Operation)
	})
	return out
}

// Total returns the requests and response body bytes counted over all operations.
func (c *RequestCounter) Total() (requests, bytes int64) {
	for _, o := range c.Counts() {
		requests += o.Requests
		bytes += o.Bytes
	}
	return requests, bytes
}

func (c *RequestCounter) counts(service, op string) *opCounts {
	k := opKey{service, op}
	if v, ok := c.ops.Load(k); ok {
		return v.(*opCounts)
	}
	v, _ := c.ops.LoadOrStore(k, new(opCounts))
	return v.(*opCounts)
}

// AddTo installs the counter on an API stack (an aws.Config's or a client's
// APIOptions). Installing it twice on one stack is a no-op.
func (c *RequestCounter) AddTo(stack *middleware.Stack) error {
	if _, ok := stack.Deserialize.Get(requestCounterID); ok {
		return nil
	}
	// Last in the Deserialize step: nearest the transport, inside the retry loop
	// (Finalize), so it sees every attempt's raw response before the operation's
	// deserializer reads it.
	if err := stack.Deserialize.Add(countingMiddleware{c}, middleware.After); err != nil {
		return fmt.Errorf("scanner: request counter: add middleware: %w", err)
	}
	if err := stack.Initialize.Add(metricsMiddleware{c}, middleware.After); err != nil {
		return fmt.Errorf("scanner: request counter: add middleware: %w", err)
	}
	return nil
}

// metricsMiddleware counts the metrics a GetMetricData call requests, from its
// input (the Initialize step runs once per call, whatever the retries).
type metricsMiddleware struct{ c *RequestCounter }

func (metricsMiddleware) ID() string { return requestCounterID + ".Metrics" }

func (m metricsMiddleware) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	if p, ok := in.Parameters.(*cloudwatch.GetMetricDataInput); ok && p != nil {
		m.c.counts(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)).metrics.Add(int64(len(p.MetricDataQueries)))
	}
	return next.HandleInitialize(ctx, in)
}

type countingMiddleware struct{ c *RequestCounter }

func (countingMiddleware) ID() string { return requestCounterID }

func (m countingMiddleware) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok || resp == nil || resp.Response == nil {
		return out, md, err
	}
	n := m.c.counts(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
	n.requests.Add(1)
	if resp.Header.Get("x-amz-server-side-encryption") == "aws:kms" &&
		!strings.EqualFold(resp.Header.Get("x-amz-server-side-encryption-bucket-key-enabled"), "true") &&
		resp.StatusCode < 300 {
		n.kms.Add(1)
	}
	if resp.Body != nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &n.bytes}
	}
	return out, md, err
}

// countingBody counts the bytes read from a response body.
type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	k, err := b.ReadCloser.Read(p)
	if k > 0 {
		b.n.Add(int64(k))
	}
	return k, err
}
