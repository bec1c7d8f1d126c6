package scanner_test

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// stubProxy is an HTTP proxy in front of the moto server for the few answers moto
// cannot give (see NOTES.md): the credential report's <root_account> row, an account
// summary with root MFA, and failures (403, 500) for the ERROR tests. Every request
// goes to moto; for an operation with a stub, moto's answer is passed to the stub,
// which returns the status and body the client sees. Operations are named
// "service:Operation" with the SigV4 signing name ("iam:GetAccountSummary",
// "cloudtrail:DescribeTrails").
type stubProxy struct {
	upstream *url.URL
	proxy    *httputil.ReverseProxy

	mu    sync.Mutex
	stubs map[string]stubFunc
}

// stubFunc rewrites moto's answer (status, body) to an operation.
type stubFunc func(status int, body []byte) (int, []byte)

// startStubProxy starts a proxy to the moto endpoint and returns it with its URL.
func startStubProxy(t *testing.T, endpoint string) (*stubProxy, string) {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	p := &stubProxy{upstream: u, proxy: httputil.NewSingleHostReverseProxy(u), stubs: map[string]stubFunc{}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv.URL
}

// set replaces the stubs (nil: none).
func (p *stubProxy) set(stubs map[string]stubFunc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stubs = stubs
}

var signingService = regexp.MustCompile(`Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request`)

// operation names a request "service:Operation" from its SigV4 scope and its
// X-Amz-Target header or query-protocol Action, restoring the body it reads.
func operation(r *http.Request) string {
	m := signingService.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return ""
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		return m[1] + ":" + target[strings.LastIndex(target, ".")+1:]
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if q, err := url.ParseQuery(string(body)); err == nil && q.Get("Action") != "" {
		return m[1] + ":" + q.Get("Action")
	}
	return m[1] + ":" + r.Method + " " + r.URL.Path
}

func (p *stubProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := operation(r)
	p.mu.Lock()
	stub := p.stubs[op]
	p.mu.Unlock()
	if stub == nil {
		p.proxy.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	p.proxy.ServeHTTP(rec, r)
	status, body := stub(rec.Code, rec.Body.Bytes())
	for k, v := range rec.Header() {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(status)
	w.Write(body)
}

// awsQueryError is a query-protocol (IAM) error answer.
func awsQueryError(status int, code string) stubFunc {
	return func(int, []byte) (int, []byte) {
		return status, []byte(`<ErrorResponse><Error><Type>Sender</Type><Code>` + code + `</Code><Message>stubbed by the test</Message></Error><RequestId>stub</RequestId></ErrorResponse>`)
	}
}

// awsJSONError is a JSON-protocol error answer.
func awsJSONError(status int, code string) stubFunc {
	return func(int, []byte) (int, []byte) {
		return status, []byte(`{"__type":"` + code + `","message":"stubbed by the test"}`)
	}
}

// rootMFASummary rewrites GetAccountSummary to report root MFA enabled: moto always
// says AccountMFAEnabled 0.
func rootMFASummary(status int, body []byte) (int, []byte) {
	re := regexp.MustCompile(`(<key>AccountMFAEnabled</key>\s*<value>)0(</value>)`)
	return status, re.ReplaceAll(body, []byte("${1}1${2}"))
}

// withRootRow rewrites GetCredentialReport to include a <root_account> row, which real
// IAM always has and moto never does, with the given MFA and access-key state.
func withRootRow(mfa, key1Active bool) stubFunc {
	return withRootRowUsed(mfa, key1Active, time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC))
}

// withRootRowUsed is withRootRow with the root password last used at lastUsed.
func withRootRowUsed(mfa, key1Active bool, lastUsed time.Time) stubFunc {
	return func(status int, body []byte) (int, []byte) {
		re := regexp.MustCompile(`<Content>([^<]*)</Content>`)
		m := re.FindSubmatch(body)
		if m == nil {
			return status, body
		}
		csvText, err := base64.StdEncoding.DecodeString(string(m[1]))
		if err != nil {
			return status, body
		}
		recs, err := csv.NewReader(bytes.NewReader(csvText)).ReadAll()
		if err != nil || len(recs) == 0 {
			return status, body
		}
		vals := map[string]string{
			"user": "<root_account>", "arn": "arn:aws:iam::123456789012:root", "user_creation_time": "2020-01-01T00:00:00+00:00",
			"password_enabled": "not_supported", "password_last_used": lastUsed.UTC().Format(time.RFC3339),
			"password_last_changed": "not_supported", "password_next_rotation": "not_supported",
			"mfa_active": boolText(mfa), "access_key_1_active": boolText(key1Active),
		}
		if key1Active { // a key that exists has a rotation date; without one it is N/A
			vals["access_key_1_last_rotated"] = "2020-01-01T00:00:00+00:00"
		}
		row := make([]string, len(recs[0]))
		for i, h := range recs[0] {
			if v, ok := vals[h]; ok {
				row[i] = v
			} else if strings.HasSuffix(h, "_active") {
				row[i] = "false"
			} else {
				row[i] = "N/A"
			}
		}
		recs = append([][]string{recs[0], row}, recs[1:]...)
		var buf bytes.Buffer
		csv.NewWriter(&buf).WriteAll(recs)
		return status, re.ReplaceAll(body, []byte("<Content>"+base64.StdEncoding.EncodeToString(buf.Bytes())+"</Content>"))
	}
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
