package mototest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Fault is a failure a FaultProxy injects into one request.
type Fault int

// The faults a FaultProxy can inject.
const (
	// FaultNone forwards the request unchanged.
	FaultNone Fault = iota
	// FaultSlowDown answers 503 with S3's XML error SlowDown ("Please reduce your
	// request rate."). Non-S3 requests get the throttling error of their protocol,
	// with status 503.
	FaultSlowDown
	// FaultInternalError answers 500 InternalError ("We encountered an internal
	// error. Please try again."), in the request's protocol.
	FaultInternalError
	// FaultThrottling answers 400 ThrottlingException with a JSON body for JSON
	// services (X-Amz-Target), 400 Throttling with an XML ErrorResponse for Query
	// services (Action=…). S3 has no such error: S3 requests get FaultSlowDown's
	// answer, which is how S3 throttles.
	FaultThrottling
	// FaultReset hijacks the connection and closes it (with SO_LINGER 0, so the
	// client sees a reset) before any response is written.
	FaultReset
	// FaultDelay waits FaultRule.Delay, then forwards the request.
	FaultDelay
	// FaultTruncate forwards the request, sends the upstream status and headers
	// (Content-Length included), then writes only part of the body (FaultRule.Keep)
	// and closes the connection. A response with no body is forwarded whole.
	FaultTruncate
	// FaultDeny answers 403 AccessDenied ("Access Denied") in the request's
	// protocol, as a missing IAM permission or a bucket policy Deny does.
	FaultDeny
	// FaultThroughputExceeded answers 400 ProvisionedThroughputExceededException
	// in DynamoDB's JSON protocol (the __type carries DynamoDB's namespace, as
	// real DynamoDB sends it): how DynamoDB throttles reads of a table short
	// of capacity. Other requests get FaultThrottling's answer.
	FaultThroughputExceeded
	// FaultStall forwards the request, sends the upstream status and headers,
	// writes part of the body (FaultRule.Keep, as FaultTruncate) and then
	// sends nothing more for FaultRule.Delay (0: until the client goes away)
	// before closing the connection: a body that stops mid-stream. A
	// response with no body is forwarded whole.
	FaultStall
)

var faultNames = [...]string{"none", "slowdown", "internal-error", "throttling", "reset", "delay", "truncate", "deny", "throughput-exceeded", "stall"}

// String returns the fault's short name.
func (f Fault) String() string {
	if f >= 0 && int(f) < len(faultNames) {
		return faultNames[f]
	}
	return fmt.Sprintf("fault(%d)", int(f))
}

// FaultRule says which requests a FaultProxy fails and how. Empty match fields
// match every request.
type FaultRule struct {
	// Method matches the HTTP method (GET, HEAD, POST …).
	Method string
	// PathPrefix matches the start of the URL path (path-style: /bucket/key).
	PathPrefix string
	// Bucket and Key match a path-style S3 request's bucket and object key exactly
	// (Key "" with Bucket set matches the bucket's requests and its objects').
	Bucket, Key string
	// TableName matches a JSON request whose body names this table
	// (DynamoDB's "TableName" parameter).
	TableName string
	// Operation matches the API operation: the X-Amz-Target action of a JSON
	// service (DynamoDB_20120810.Scan → "Scan"), the Action of a Query service,
	// the x-id query parameter the SDK adds to some S3 calls, or for other S3
	// requests an operation derived from method and path (ListBuckets,
	// ListObjectsV2, GetObject, HeadObject, HeadBucket, GetBucketPolicy …).
	Operation string

	// Fault is what a matching request gets when the rule fires.
	Fault Fault
	// Probability is the chance that the rule fires for a matching request, in
	// (0, 1]; 0 means 1. The draw is a hash of the proxy's seed, the rule's index
	// and the request's identity (method, path, query, Range) and attempt number,
	// so the nth attempt of a given request gets the same answer in every run,
	// whatever the order in which concurrent requests arrive.
	Probability float64
	// MaxPerRequest caps how many faults (from any rule) one request identity
	// receives before this rule stops firing for it, so a client that retries
	// is bound to get through; 0 means no cap.
	MaxPerRequest int
	// Delay is FaultDelay's wait, and how long FaultStall holds a body.
	Delay time.Duration
	// Keep is the fraction of the body FaultTruncate and FaultStall write, in
	// [0, 1); 0 means half. At least one byte is held back.
	Keep float64
}

// FaultProxy is a reverse proxy in front of a moto server that fails requests by
// rule, to test how clients behave under throttling, server errors, dropped
// connections, slow and truncated responses and denied keys. Rules are tried in
// order and the first that matches and fires decides the fault; requests no rule
// fails are forwarded unchanged. Decisions are deterministic for a given seed (see
// FaultRule.Probability). Only path-style S3 URLs are understood for Bucket and
// Key. A FaultProxy is an http.Handler and is safe for concurrent use.
type FaultProxy struct {
	err   error // a bad upstream URL; every request then fails with 502
	proxy *httputil.ReverseProxy
	seed  uint64
	rules []FaultRule

	mu       sync.Mutex
	attempts map[string]int // request identity → requests seen
	faulted  map[string]int // request identity → faults injected
	counts   map[Fault]int64
	requests int64
	repeated int64
	server   loopback
}

var _ http.Handler = (*FaultProxy)(nil)

// NewFaultProxy returns a proxy to upstream, the moto endpoint
// (http://127.0.0.1:PORT), that applies rules with the given seed. Serve it with
// Start, or mount it in an httptest.Server.
func NewFaultProxy(upstream string, seed uint64, rules ...FaultRule) *FaultProxy {
	p := &FaultProxy{
		seed: seed, rules: append([]FaultRule(nil), rules...),
		attempts: map[string]int{}, faulted: map[string]int{}, counts: map[Fault]int64{},
	}
	u, err := url.Parse(upstream)
	if err == nil && (u.Scheme != "http" && u.Scheme != "https" || u.Host == "") {
		err = errors.New("not an http(s) URL")
	}
	if err != nil {
		p.err = fmt.Errorf("mototest: fault proxy: upstream %q: %w", upstream, err)
		return p
	}
	p.proxy = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			r.Out.Host = r.In.Host
		},
		ModifyResponse: p.truncate,
		// Flush every write, so the part of a truncated body that is sent
		// reaches the client before the connection is dropped.
		FlushInterval: -1,
		// A truncated body makes the proxy abort the copy on purpose: not news.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	return p
}

// Start serves the proxy on a free 127.0.0.1 port and returns its URL
// (http://127.0.0.1:PORT), to be used as the endpoint of the clients under test.
func (p *FaultProxy) Start() (string, error) {
	if p.err != nil {
		return "", p.err
	}
	return p.server.start("fault proxy", p, true)
}

// Close stops a proxy started with Start. It does nothing otherwise.
func (p *FaultProxy) Close() error { return p.server.close("fault proxy") }

// FaultCounts is what a FaultProxy has done so far.
type FaultCounts struct {
	Requests int64           // requests received
	Repeated int64           // requests whose identity had been seen before: retries
	Injected map[Fault]int64 // faults injected, by kind
}

// Total returns the number of faults injected.
func (c FaultCounts) Total() int64 {
	var n int64
	for _, v := range c.Injected {
		n += v
	}
	return n
}

// String lists the counts, e.g. "120 requests (25 repeated), 31 faults (reset 6, slowdown 9 …)".
func (c FaultCounts) String() string {
	kinds := make([]Fault, 0, len(c.Injected))
	for f := range c.Injected {
		kinds = append(kinds, f)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	parts := make([]string, len(kinds))
	for i, f := range kinds {
		parts[i] = fmt.Sprintf("%s %d", f, c.Injected[f])
	}
	return fmt.Sprintf("%d requests (%d repeated), %d faults (%s)", c.Requests, c.Repeated, c.Total(), strings.Join(parts, ", "))
}

// Counts returns the requests received and the faults injected so far.
func (p *FaultProxy) Counts() FaultCounts {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := FaultCounts{Requests: p.requests, Repeated: p.repeated, Injected: make(map[Fault]int64, len(p.counts))}
	for f, n := range p.counts {
		c.Injected[f] = n
	}
	return c
}

// faultKey is the context key under which ServeHTTP hands a truncation or a
// stall (a bodyFault) to ModifyResponse.
type faultKey struct{}

// bodyFault is what ModifyResponse does to a body: keep that fraction, then
// end it (stall false) or hold it for stall long (stall true).
type bodyFault struct {
	keep  float64
	stall bool
	hold  time.Duration
}

// ServeHTTP implements http.Handler.
func (p *FaultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.err != nil {
		http.Error(w, p.err.Error(), http.StatusBadGateway)
		return
	}
	req, err := requestInfoOf(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	rule, fault := p.decide(req)
	switch fault {
	case FaultNone:
	case FaultSlowDown:
		writeFault(w, r, req, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
		return
	case FaultInternalError:
		writeFault(w, r, req, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
		return
	case FaultThroughputExceeded:
		if req.protocol == protoJSON && strings.HasPrefix(req.target, "DynamoDB_") {
			writeFault(w, r, req, http.StatusBadRequest, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
				"The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.")
			return
		}
		fallthrough
	case FaultThrottling:
		if req.protocol == protoS3 {
			writeFault(w, r, req, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
		} else {
			writeFault(w, r, req, http.StatusBadRequest, "", "Rate exceeded")
		}
		return
	case FaultDeny:
		writeFault(w, r, req, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	case FaultReset:
		resetConn(w)
		return
	case FaultDelay:
		t := time.NewTimer(rule.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	case FaultTruncate, FaultStall:
		keep := rule.Keep
		if keep <= 0 || keep >= 1 {
			keep = 0.5
		}
		r = r.WithContext(context.WithValue(r.Context(), faultKey{}, bodyFault{keep: keep, stall: fault == FaultStall, hold: rule.Delay}))
	}
	p.proxy.ServeHTTP(w, r)
}

// decide counts the request and returns the rule that fires for it, if any.
func (p *FaultProxy) decide(req requestInfo) (FaultRule, Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	attempt := p.attempts[req.identity]
	if attempt > 0 {
		p.repeated++
	}
	p.attempts[req.identity] = attempt + 1
	for i, rule := range p.rules {
		if !rule.matches(req) {
			continue
		}
		if rule.MaxPerRequest > 0 && p.faulted[req.identity] >= rule.MaxPerRequest {
			continue
		}
		if prob := rule.Probability; prob > 0 && prob < 1 && draw(p.seed, i, req.identity, attempt) >= prob {
			continue
		}
		if rule.Fault == FaultNone {
			return rule, FaultNone
		}
		p.faulted[req.identity]++
		p.counts[rule.Fault]++
		return rule, rule.Fault
	}
	return FaultRule{}, FaultNone
}

// draw returns a number in [0, 1) determined by its arguments.
func draw(seed uint64, rule int, identity string, attempt int) float64 {
	h := fnv.New64a()
	var b [24]byte
	binary.LittleEndian.PutUint64(b[0:], seed)
	binary.LittleEndian.PutUint64(b[8:], uint64(rule))
	binary.LittleEndian.PutUint64(b[16:], uint64(attempt))
	h.Write(b[:])
	h.Write([]byte(identity))
	// FNV mixes its last bytes poorly into the high bits: finish with splitmix64.
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

func (rule FaultRule) matches(req requestInfo) bool {
	switch {
	case rule.Method != "" && !strings.EqualFold(rule.Method, req.method),
		rule.PathPrefix != "" && !strings.HasPrefix(req.path, rule.PathPrefix),
		rule.Bucket != "" && rule.Bucket != req.bucket,
		rule.Key != "" && rule.Key != req.key,
		rule.Operation != "" && rule.Operation != req.operation,
		rule.TableName != "" && rule.TableName != req.tableName:
		return false
	}
	return true
}

// Wire protocols, for the shape of error bodies.
const (
	protoS3 = iota
	protoJSON
	protoQuery
)

// requestInfo is what rules match on.
type requestInfo struct {
	method, path, bucket, key, operation string
	target, tableName                    string // a JSON request's X-Amz-Target and TableName
	protocol                             int
	jsonVersion                          string // Content-Type of a JSON request
	identity                             string
}

// requestInfoOf describes r; the body of a JSON or Query request is read and
// put back.
func requestInfoOf(r *http.Request) (requestInfo, error) {
	q := r.URL.Query()
	info := requestInfo{method: r.Method, path: r.URL.Path}
	readBody := func() ([]byte, error) {
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("mototest: fault proxy: read request: %w", err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		return body, nil
	}
	// JSON and Query calls all go to POST /: their body tells one call from
	// another (a retry sends the same bytes, since the SDK serializes a call
	// once for all its attempts).
	bodyID := ""
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		target := r.Header.Get("X-Amz-Target")
		info.protocol, info.jsonVersion, info.target = protoJSON, r.Header.Get("Content-Type"), target
		info.operation = target[strings.LastIndex(target, ".")+1:]
		body, err := readBody()
		if err != nil {
			return info, err
		}
		var params struct{ TableName string }
		_ = json.Unmarshal(body, &params)
		info.tableName = params.TableName
		bodyID = fmt.Sprintf(" %s %x", target, sha256.Sum256(body))
	case r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		body, err := readBody()
		if err != nil {
			return info, err
		}
		bodyID = fmt.Sprintf(" %x", sha256.Sum256(body))
		form, _ := url.ParseQuery(string(body))
		info.protocol, info.operation = protoQuery, form.Get("Action")
		q.Set("Action", info.operation)
	default:
		info.protocol = protoS3
		info.bucket, info.key, _ = strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		info.operation = s3Operation(r.Method, info.bucket, info.key, q)
	}
	// Identity: what a retry of the same call repeats (not the signature's date).
	info.identity = r.Method + " " + r.URL.Path + "?" + q.Encode() + " " + r.Header.Get("Range") + bodyID
	return info, nil
}

// s3Operation names a path-style S3 request's operation, best effort.
func s3Operation(method, bucket, key string, q url.Values) string {
	if id := q.Get("x-id"); id != "" {
		return id
	}
	sub := ""
	for k := range q {
		if k != "x-id" && k != "versionId" && !strings.HasPrefix(k, "response-") {
			if sub == "" || k < sub {
				sub = k
			}
		}
	}
	switch {
	case bucket == "" && method == http.MethodGet:
		return "ListBuckets"
	case key != "" && method == http.MethodGet && sub == "":
		return "GetObject"
	case key != "" && method == http.MethodHead:
		return "HeadObject"
	case key == "" && method == http.MethodHead:
		return "HeadBucket"
	case key == "" && method == http.MethodGet && q.Get("list-type") == "2":
		return "ListObjectsV2"
	case key == "" && method == http.MethodGet && sub == "":
		return "ListObjects"
	case key == "" && method == http.MethodGet:
		return "GetBucket" + strings.ToUpper(sub[:1]) + sub[1:]
	}
	return ""
}

// writeFault writes an error in the request's protocol. code "" is the
// protocol's throttling code.
func writeFault(w http.ResponseWriter, r *http.Request, req requestInfo, status int, code, msg string) {
	requestID := randomHex(8)
	h := w.Header()
	h.Set("X-Amzn-Requestid", requestID)
	switch req.protocol {
	case protoJSON:
		switch code {
		case "", "SlowDown":
			code = "ThrottlingException"
		case "InternalError":
			code = "InternalServerError"
		case "AccessDenied":
			code = "AccessDeniedException"
		}
		ct := req.jsonVersion
		if ct == "" {
			ct = "application/x-amz-json-1.0"
		}
		h.Set("Content-Type", ct)
		h.Set("X-Amzn-Errortype", code)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":%q,"message":%q}`, code, msg)
	case protoQuery:
		typ := "Sender"
		switch code {
		case "", "SlowDown":
			code = "Throttling"
		case "InternalError":
			code, typ = "InternalFailure", "Receiver"
		}
		h.Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			typ, code, msg, requestID)
	default:
		h.Set("X-Amz-Request-Id", requestID)
		h.Set("X-Amz-Id-2", randomHex(24))
		if r.Method == http.MethodHead {
			w.WriteHeader(status)
			return
		}
		h.Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId><HostId>%s</HostId></Error>`,
			code, msg, requestID, randomHex(24))
	}
}

// resetConn drops the client's connection without answering.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream instead
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // RST rather than FIN
	}
	conn.Close()
}

// truncate makes a response chosen for FaultTruncate or FaultStall end
// early: its body reader fails after the kept bytes (for a stall, after
// waiting), and ReverseProxy then aborts the connection after having sent
// the full Content-Length.
func (p *FaultProxy) truncate(resp *http.Response) error {
	f, ok := resp.Request.Context().Value(faultKey{}).(bodyFault)
	if !ok || resp.ContentLength <= 0 {
		return nil
	}
	n := min(int64(float64(resp.ContentLength)*f.keep), resp.ContentLength-1)
	b := &truncatedBody{r: io.LimitReader(resp.Body, n), c: resp.Body}
	if f.stall {
		b.stall, b.hold, b.ctx = true, f.hold, resp.Request.Context()
	}
	resp.Body = b
	return nil
}

// errTruncated ends a truncated body.
var errTruncated = errors.New("mototest: fault proxy: body truncated on purpose")

type truncatedBody struct {
	r io.Reader
	c io.Closer
	// A stall waits hold (0: for ever) or until ctx, the client's request,
	// ends, before the body fails.
	stall bool
	hold  time.Duration
	ctx   context.Context
}

func (b *truncatedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		err = errTruncated
		if b.stall && n == 0 {
			var timeout <-chan time.Time
			if b.hold > 0 {
				t := time.NewTimer(b.hold)
				defer t.Stop()
				timeout = t.C
			}
			select {
			case <-timeout:
			case <-b.ctx.Done():
			}
		}
	}
	return n, err
}

func (b *truncatedBody) Close() error { return b.c.Close() }
