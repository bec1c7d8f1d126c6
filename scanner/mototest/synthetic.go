package mototest

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SyntheticProxy is a reverse proxy in front of a moto server that serves a few
// synthetic objects too large to store in moto (5 GiB and more): an object's bytes are
// a pattern repeated up to its size, generated on demand and never held in memory.
//
// A synthetic object must also exist in moto under the same bucket and key, with any
// small body (a placeholder), so that listings name it. The proxy then
//   - rewrites the object's <Size> and <ETag> in ListObjectsV2 and ListObjects
//     responses passing through it;
//   - answers GetObject and HeadObject of the object itself, without forwarding them:
//     a single "bytes=a-b", "bytes=a-" or "bytes=-n" Range gets 206 with Content-Range
//     (416 InvalidRange past the end), If-Match with another ETag gets 412
//     PreconditionFailed, and every answer carries the object's ETag, Content-Length,
//     Last-Modified and Accept-Ranges as S3's do.
//
// Everything else passes through unchanged. Only path-style URLs (/bucket/key) are
// understood. A SyntheticProxy is an http.Handler and is safe for concurrent use.
type SyntheticProxy struct {
	err   error // a bad upstream URL; every request then fails with 502
	proxy *httputil.ReverseProxy

	mu      sync.Mutex
	objects map[string]*syntheticObject // "bucket/key"
	server  loopback
}

// syntheticObject is one generated object and what has been served of it.
type syntheticObject struct {
	size     int64
	pattern  []byte
	etag     string // quoted
	modified time.Time
	served   int64 // body bytes written
	requests int64 // GET and HEAD requests answered
}

var _ http.Handler = (*SyntheticProxy)(nil)

// NewSyntheticProxy returns a proxy to upstream, the moto endpoint
// (http://127.0.0.1:PORT). Serve it with Start, or mount it in an httptest.Server.
func NewSyntheticProxy(upstream string) *SyntheticProxy {
	p := &SyntheticProxy{objects: make(map[string]*syntheticObject)}
	u, err := url.Parse(upstream)
	if err == nil && (u.Scheme != "http" && u.Scheme != "https" || u.Host == "") {
		err = errors.New("not an http(s) URL")
	}
	if err != nil {
		p.err = fmt.Errorf("mototest: synthetic proxy: upstream %q: %w", upstream, err)
		return p
	}
	p.proxy = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			r.Out.Host = r.In.Host
			// Listings are rewritten as text: ask for them uncompressed.
			r.Out.Header.Del("Accept-Encoding")
		},
		ModifyResponse: p.rewriteListing,
	}
	return p
}

// Add registers a synthetic object of size bytes, pattern repeated (it must not be
// empty), and returns its ETag (quoted, as S3 writes it). Adding a key again replaces
// the object.
func (p *SyntheticProxy) Add(bucket, key string, size int64, pattern []byte) string {
	if len(pattern) == 0 {
		pattern = []byte{0}
	}
	sum := md5.Sum([]byte(fmt.Sprintf("%s/%s/%d/%x", bucket, key, size, pattern)))
	parts := max(1, (size+(8<<20)-1)/(8<<20)) // as if uploaded in 8 MiB parts
	etag := fmt.Sprintf("%q", hex.EncodeToString(sum[:])+"-"+strconv.FormatInt(parts, 10))
	p.mu.Lock()
	defer p.mu.Unlock()
	p.objects[bucket+"/"+key] = &syntheticObject{
		size: size, pattern: bytes.Clone(pattern), etag: etag,
		modified: time.Now().UTC().Truncate(time.Second),
	}
	return etag
}

// Served returns the body bytes served so far for a synthetic object and the number
// of GET and HEAD requests it answered.
func (p *SyntheticProxy) Served(bucket, key string) (bytes, requests int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if o, ok := p.objects[bucket+"/"+key]; ok {
		return o.served, o.requests
	}
	return 0, 0
}

// Start serves the proxy on a free 127.0.0.1 port and returns its URL
// (http://127.0.0.1:PORT), to be used as the endpoint of the clients under test.
func (p *SyntheticProxy) Start() (string, error) {
	if p.err != nil {
		return "", p.err
	}
	return p.server.start("synthetic proxy", p, false)
}

// Close stops a proxy started with Start. It does nothing otherwise.
func (p *SyntheticProxy) Close() error { return p.server.close("synthetic proxy") }

// ServeHTTP implements http.Handler.
func (p *SyntheticProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.err != nil {
		http.Error(w, p.err.Error(), http.StatusBadGateway)
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if bucket, key, ok := objectPath(r); ok && isObjectRead(r.URL.Query()) {
			p.mu.Lock()
			o := p.objects[bucket+"/"+key]
			p.mu.Unlock()
			if o != nil {
				p.serveObject(w, r, o)
				return
			}
		}
	}
	p.proxy.ServeHTTP(w, r)
}

// serveObject answers a GetObject or HeadObject of a synthetic object.
func (p *SyntheticProxy) serveObject(w http.ResponseWriter, r *http.Request, o *syntheticObject) {
	p.mu.Lock()
	o.requests++
	p.mu.Unlock()
	h := w.Header()
	h.Set("X-Amz-Request-Id", randomHex(8))
	h.Set("ETag", o.etag)
	h.Set("Last-Modified", o.modified.Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	if m := r.Header.Get("If-Match"); m != "" && m != "*" && m != o.etag && strings.Trim(m, `"`) != strings.Trim(o.etag, `"`) {
		writeS3Error(w, r, http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
		return
	}
	start, end, partial, ok := parseRange(r.Header.Get("Range"), o.size)
	if !ok {
		h.Set("Content-Range", "bytes */"+strconv.FormatInt(o.size, 10))
		writeS3Error(w, r, http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable")
		return
	}
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.FormatInt(end-start, 10))
	status := http.StatusOK
	if partial {
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end-1, o.size))
		status = http.StatusPartialContent
	}
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	buf := make([]byte, 64<<10)
	for off := start; off < end; {
		n := int(min(int64(len(buf)), end-off))
		for i := 0; i < n; i++ {
			buf[i] = o.pattern[(off+int64(i))%int64(len(o.pattern))]
		}
		m, err := w.Write(buf[:n])
		off += int64(m)
		p.mu.Lock()
		o.served += int64(m)
		p.mu.Unlock()
		if err != nil {
			return // the client went away
		}
	}
}

// parseRange parses a single-range Range header for an object of size bytes and
// returns the half-open [start, end) to serve, whether it is a partial answer, and
// false for a range that cannot be satisfied. A missing or unparsable header means
// the whole object, as S3 treats it.
func parseRange(v string, size int64) (start, end int64, partial, ok bool) {
	spec, found := strings.CutPrefix(v, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, size, false, true
	}
	first, last, found := strings.Cut(spec, "-")
	if !found {
		return 0, size, false, true
	}
	if first == "" { // suffix: the last n bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n <= 0 {
			return 0, size, false, true
		}
		return max(0, size-n), size, true, size > 0
	}
	a, err := strconv.ParseInt(first, 10, 64)
	if err != nil {
		return 0, size, false, true
	}
	b := size - 1
	if last != "" {
		if b, err = strconv.ParseInt(last, 10, 64); err != nil || b < a {
			return 0, size, false, true
		}
	}
	if a >= size {
		return 0, 0, false, false
	}
	return a, min(b, size-1) + 1, true, true
}

// writeS3Error writes an S3 XML error (no body for HEAD).
func writeS3Error(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>`,
		code, html.EscapeString(message), randomHex(8))
}

var (
	contentsRE = regexp.MustCompile(`(?s)<Contents>.*?</Contents>`)
	keyRE      = regexp.MustCompile(`(?s)<Key>(.*?)</Key>`)
	sizeRE     = regexp.MustCompile(`<Size>\d+</Size>`)
	etagRE     = regexp.MustCompile(`(?s)<ETag>.*?</ETag>`)
)

// maxListingBody caps the listing bodies the proxy rewrites (a 1,000-key page is a
// few hundred KiB).
const maxListingBody = 16 << 20

// rewriteListing puts the synthetic objects' sizes and ETags into bucket listings.
func (p *SyntheticProxy) rewriteListing(resp *http.Response) error {
	r := resp.Request
	if r == nil || r.Method != http.MethodGet || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "" {
		return nil
	}
	bucket := strings.Trim(r.URL.Path, "/")
	if bucket == "" || strings.Contains(bucket, "/") {
		return nil
	}
	q := r.URL.Query()
	for k := range q {
		switch k {
		case "list-type", "prefix", "delimiter", "marker", "max-keys", "continuation-token",
			"start-after", "encoding-type", "fetch-owner", "x-id":
		default:
			return nil // a sub-resource (?acl, ?policy …), not a listing
		}
	}
	p.mu.Lock()
	objs := make(map[string]*syntheticObject)
	for id, o := range p.objects {
		if b, key, _ := strings.Cut(id, "/"); b == bucket {
			objs[key] = o
		}
	}
	p.mu.Unlock()
	if len(objs) == 0 {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxListingBody+1))
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("mototest: synthetic proxy: read listing: %w", err)
	}
	if len(body) > maxListingBody {
		return errors.New("mototest: synthetic proxy: listing too large to rewrite")
	}
	urlKeys := q.Get("encoding-type") == "url"
	body = contentsRE.ReplaceAllFunc(body, func(c []byte) []byte {
		m := keyRE.FindSubmatch(c)
		if m == nil {
			return c
		}
		key := html.UnescapeString(string(m[1]))
		if urlKeys {
			if k, err := url.QueryUnescape(key); err == nil {
				key = k
			}
		}
		o, ok := objs[key]
		if !ok {
			return c
		}
		c = sizeRE.ReplaceAll(c, []byte("<Size>"+strconv.FormatInt(o.size, 10)+"</Size>"))
		return etagRE.ReplaceAll(c, []byte("<ETag>"+html.EscapeString(o.etag)+"</ETag>"))
	})
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}
