package scanner

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// DefaultRateLimits are the client-side request rates (requests per second,
// per region) Cairn keeps to when AWSOptions.RateLimits does not override
// them. They cover the control-plane APIs that AWS throttles for the whole
// account, where a scan's burst of Describe/List/Get calls would take the
// quota the account's own workloads and tooling need. Each is about half the
// documented quota or lower; where AWS documents no figure, the value is a
// guess and says so. S3, DynamoDB and RDS have no default: S3 throttles per
// prefix (and its 5,500 GET/s per prefix is far above what a scan makes), and
// data reads are bounded by the sampling caps and --concurrency.
//
//   - CloudTrail 5: "Get, describe, and list APIs: 10 transactions per second",
//     not adjustable (CloudTrail User Guide, Quotas in AWS CloudTrail).
//   - EC2 10: non-mutating actions are throttled per API with a token bucket
//     of 100 refilled at 20 per second (EC2 Developer Guide, Request throttling
//     for the Amazon EC2 API); 10 per second for the whole service.
//   - KMS 20: KMS documents a per-second quota per operation (Developer Guide,
//     Request quotas); the list operations Cairn makes have the lowest, 100 per
//     second as far as we know (the figure was not re-checked when this was written).
//   - IAM 5, Organizations 5: both are global services whose quotas pages list
//     entity counts only, no request rate; 5 per second is a conservative guess.
//   - Config Service 5: no request rate checked; a conservative guess.
var DefaultRateLimits = map[string]float64{
	"CloudTrail":     5,
	"EC2":            10,
	"KMS":            20,
	"IAM":            5,
	"Organizations":  5,
	"Config Service": 5,
}

// rateLimitID is the id of the rate-limit middleware in the Finalize step.
const rateLimitID = "cairn.RateLimit"

// normService is the form in which service ids are compared: lower case,
// spaces removed ("Config Service" and "configservice" are the same).
func normService(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// rateLimits holds one token bucket per (service, region) with a limit.
// It is safe for concurrent use.
type rateLimits struct {
	perSecond map[string]float64 // normalised service id → requests per second (> 0)

	mu       sync.Mutex
	limiters map[[2]string]*rate.Limiter
}

// newRateLimits merges DefaultRateLimits with overrides (keys compared with
// normService; a value of 0 removes a limit) and returns nil when no limit
// remains. A negative, NaN or infinite rate is an error.
func newRateLimits(overrides map[string]float64) (*rateLimits, error) {
	per := map[string]float64{}
	for svc, n := range DefaultRateLimits {
		per[normService(svc)] = n
	}
	for _, svc := range slices.Sorted(maps.Keys(overrides)) {
		n := overrides[svc]
		if n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, fmt.Errorf("rate limit %s=%v: want a number of requests per second, 0 for none", svc, n)
		}
		if normService(svc) == "" {
			return nil, fmt.Errorf("rate limit %q: empty service id", svc)
		}
		if n == 0 {
			delete(per, normService(svc))
		} else {
			per[normService(svc)] = n
		}
	}
	if len(per) == 0 {
		return nil, nil
	}
	return &rateLimits{perSecond: per, limiters: map[[2]string]*rate.Limiter{}}, nil
}

// limiter returns the bucket of service in region, nil when service has no
// limit. Buckets hold one token: requests are spread evenly, so no
// one-second window sees more than the limit plus one.
func (l *rateLimits) limiter(service, region string) *rate.Limiter {
	svc := normService(service)
	n, ok := l.perSecond[svc]
	if !ok {
		return nil
	}
	key := [2]string{svc, region}
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.limiters[key]
	if lim == nil {
		lim = rate.NewLimiter(rate.Limit(n), 1)
		l.limiters[key] = lim
	}
	return lim
}

// addTo installs the limiter on an API stack, after the retry middleware so
// every attempt waits for a token, and before signing so a signature is not
// aged by the wait. Installing it twice is a no-op.
func (l *rateLimits) addTo(stack *middleware.Stack) error {
	if _, ok := stack.Finalize.Get(rateLimitID); ok {
		return nil
	}
	var err error
	if _, ok := stack.Finalize.Get("Retry"); ok {
		err = stack.Finalize.Insert(rateLimitMiddleware{l}, "Retry", middleware.After)
	} else {
		err = stack.Finalize.Add(rateLimitMiddleware{l}, middleware.Before)
	}
	if err != nil {
		return fmt.Errorf("scanner: rate limit: add middleware: %w", err)
	}
	return nil
}

type rateLimitMiddleware struct{ l *rateLimits }

func (rateLimitMiddleware) ID() string { return rateLimitID }

func (m rateLimitMiddleware) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	service := awsmiddleware.GetServiceID(ctx)
	if lim := m.l.limiter(service, awsmiddleware.GetRegion(ctx)); lim != nil {
		if err := waitToken(ctx, lim); err != nil {
			// A RequestCanceledError, as the SDK's transport reports a
			// cancelled request: the retryer must not retry it (a deadline
			// error is "temporary" to its connection-error check).
			return middleware.FinalizeOutput{}, middleware.Metadata{}, &aws.RequestCanceledError{
				Err: fmt.Errorf("scanner: rate limit %s %s: %w", service, awsmiddleware.GetOperationName(ctx), err)}
		}
	}
	return next.HandleFinalize(ctx, in)
}

// waitToken waits for one token of lim. It returns ctx's error when ctx ends
// first, at once context.DeadlineExceeded when ctx's deadline comes before
// the token would, and gives the token back in both cases.
func waitToken(ctx context.Context, lim *rate.Limiter) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := lim.Reserve()
	d := r.Delay()
	if d == 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		r.Cancel()
		return fmt.Errorf("wait %v would pass the deadline: %w", d.Round(time.Millisecond), context.DeadlineExceeded)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	}
}

// ParseRateLimits parses a --rate-limit value, "service=N,service=N" (N in
// requests per second, 0 to remove a default limit), into a map for
// AWSOptions.RateLimits. Service ids are the SDK's (S3, EC2, IAM, KMS,
// "Config Service" …), case and spaces ignored.
func ParseRateLimits(s string) (map[string]float64, error) {
	out := map[string]float64{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		svc, num, ok := strings.Cut(part, "=")
		svc = strings.TrimSpace(svc)
		if !ok || svc == "" {
			return nil, fmt.Errorf("rate limit %q: want service=requests-per-second", part)
		}
		n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, fmt.Errorf("rate limit %q: want a non-negative number of requests per second", part)
		}
		out[svc] = n
	}
	return out, nil
}
