package mototest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
)

// SSE-C request headers.
const (
	hdrSSECAlgorithm = "X-Amz-Server-Side-Encryption-Customer-Algorithm"
	hdrSSECKeyMD5    = "X-Amz-Server-Side-Encryption-Customer-Key-Md5"
)

// ssecRequiredMessage is the message of real S3's answer to a read of an SSE-C object
// without the customer key.
const ssecRequiredMessage = "The object was stored using a form of Server Side Encryption. " +
	"The correct parameters must be provided to retrieve the object."

// SSECProxy is a reverse proxy in front of a moto server that reproduces how real S3
// treats objects stored with SSE-C (server-side encryption with a customer-provided
// key), which moto does not emulate: moto keeps such objects readable by anyone and
// reports no SSE-C on them.
//
// The proxy remembers each object written through it with the header
// x-amz-server-side-encryption-customer-algorithm (PutObject, CopyObject's destination,
// CreateMultipartUpload), and forgets it when the object is overwritten without that
// header or deleted through it. A GetObject or HeadObject of a remembered object:
//   - without the SSE-C headers is answered as real S3 answers it: HTTP 400 with the S3
//     XML error InvalidRequest "The object was stored using a form of Server Side
//     Encryption. The correct parameters must be provided to retrieve the object."
//     (HeadObject: 400 with no body), and is not forwarded;
//   - with them is forwarded, and the response gets the SSE-C algorithm and key-MD5
//     headers that real S3 echoes (the key itself is not checked).
//
// Everything else passes through unchanged. Only path-style URLs (/bucket/key) are
// understood; requests must reach moto through the proxy for it to see them. An
// SSECProxy is an http.Handler and is safe for concurrent use.
type SSECProxy struct {
	upstream *url.URL
	err      error // a bad upstream URL; every request then fails with 502
	proxy    *httputil.ReverseProxy

	mu      sync.Mutex
	objects map[string]ssecObject // "bucket/key" → how it was encrypted
	server  loopback
}

// ssecObject records the SSE-C headers an object was written with.
type ssecObject struct {
	algorithm string
	keyMD5    string
}

var _ http.Handler = (*SSECProxy)(nil)

// NewSSECProxy returns a proxy to upstream, the moto endpoint (http://127.0.0.1:PORT).
// Serve it with Start, or mount it in an httptest.Server.
func NewSSECProxy(upstream string) *SSECProxy {
	p := &SSECProxy{objects: make(map[string]ssecObject)}
	u, err := url.Parse(upstream)
	if err == nil && (u.Scheme != "http" && u.Scheme != "https" || u.Host == "") {
		err = errors.New("not an http(s) URL")
	}
	if err != nil {
		p.err = fmt.Errorf("mototest: ssec proxy: upstream %q: %w", upstream, err)
		return p
	}
	p.upstream = u
	p.proxy = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			// Keep the Host the client signed, as a transparent proxy would.
			r.Out.Host = r.In.Host
		},
		ModifyResponse: p.observe,
	}
	return p
}

// Start serves the proxy on a free 127.0.0.1 port and returns its URL
// (http://127.0.0.1:PORT), to be used as the endpoint of the clients under test and
// of the seeding clients that write SSE-C objects.
func (p *SSECProxy) Start() (string, error) {
	if p.err != nil {
		return "", p.err
	}
	return p.server.start("ssec proxy", p, false)
}

// Close stops a proxy started with Start. It does nothing otherwise.
func (p *SSECProxy) Close() error { return p.server.close("ssec proxy") }

// ServeHTTP implements http.Handler.
func (p *SSECProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.err != nil {
		http.Error(w, p.err.Error(), http.StatusBadGateway)
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if bucket, key, ok := objectPath(r); ok && isObjectRead(r.URL.Query()) {
			p.mu.Lock()
			_, sealed := p.objects[bucket+"/"+key]
			p.mu.Unlock()
			if sealed && r.Header.Get(hdrSSECAlgorithm) == "" {
				writeSSECRequired(w, r)
				return
			}
		}
	}
	p.proxy.ServeHTTP(w, r)
}

// observe updates the remembered objects from successful writes and deletes, and adds
// the SSE-C response headers to reads of remembered objects.
func (p *SSECProxy) observe(resp *http.Response) error {
	r := resp.Request
	if resp.StatusCode < 200 || resp.StatusCode > 299 || r == nil {
		return nil
	}
	bucket, key, ok := objectPath(r)
	if !ok {
		return nil
	}
	id := bucket + "/" + key
	q := r.URL.Query()
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case r.Method == http.MethodPut && isObjectWrite(q):
		if alg := r.Header.Get(hdrSSECAlgorithm); alg != "" {
			p.objects[id] = ssecObject{algorithm: alg, keyMD5: r.Header.Get(hdrSSECKeyMD5)}
		} else {
			delete(p.objects, id)
		}
	case r.Method == http.MethodPost && q.Has("uploads"):
		if alg := r.Header.Get(hdrSSECAlgorithm); alg != "" {
			p.objects[id] = ssecObject{algorithm: alg, keyMD5: r.Header.Get(hdrSSECKeyMD5)}
		} else {
			delete(p.objects, id)
		}
	case r.Method == http.MethodDelete && isObjectWrite(q):
		delete(p.objects, id)
	case (r.Method == http.MethodGet || r.Method == http.MethodHead) && isObjectRead(q):
		if obj, ok := p.objects[id]; ok {
			resp.Header.Set(hdrSSECAlgorithm, obj.algorithm)
			if obj.keyMD5 != "" {
				resp.Header.Set(hdrSSECKeyMD5, obj.keyMD5)
			}
		}
	}
	return nil
}

// objectPath splits a path-style request path /bucket/key.
func objectPath(r *http.Request) (bucket, key string, ok bool) {
	bucket, key, ok = strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return bucket, key, ok && bucket != "" && key != ""
}

// isObjectRead reports whether a GET/HEAD with query q reads the object itself (as
// GetObject and HeadObject do) rather than a sub-resource such as ?tagging or ?acl,
// which real S3 serves without the customer key.
func isObjectRead(q url.Values) bool {
	for k := range q {
		switch {
		case k == "x-id", k == "versionId", k == "partNumber", strings.HasPrefix(k, "response-"):
		default:
			return false
		}
	}
	return true
}

// isObjectWrite reports whether a PUT/DELETE with query q writes or deletes the object
// itself (PutObject, CopyObject, DeleteObject) rather than a sub-resource or a part.
func isObjectWrite(q url.Values) bool {
	for k := range q {
		if k != "x-id" && k != "versionId" {
			return false
		}
	}
	return true
}

// writeSSECRequired writes real S3's answer to a read of an SSE-C object without the
// customer key: 400 InvalidRequest, with an XML body except for HEAD.
func writeSSECRequired(w http.ResponseWriter, r *http.Request) {
	requestID := randomHex(8)
	h := w.Header()
	h.Set("X-Amz-Request-Id", requestID)
	h.Set("X-Amz-Id-2", randomHex(24))
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	h.Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<Error><Code>InvalidRequest</Code><Message>%s</Message><RequestId>%s</RequestId><HostId>%s</HostId></Error>`,
		ssecRequiredMessage, requestID, randomHex(24))
}

// randomHex returns 2n random hex digits, for request ids.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}
