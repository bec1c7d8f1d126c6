package readers

import (
	"bufio"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"sort"
	"strconv"
	"strings"
)

// maxMIMEDepth caps the nesting of multipart bodies within one message
// (attachments, which are entries, count against Limits.MaxDepth instead).
const maxMIMEDepth = 16

// noisyHeaders are signatures and tracking headers: base64 noise that
// would pass for keys and tokens.
var noisyHeaders = map[string]bool{
	"Dkim-Signature": true, "Arc-Seal": true, "Arc-Message-Signature": true,
	"X-Google-Dkim-Signature": true, "X-Gm-Message-State": true, "X-Google-Smtp-Source": true,
	"X-Ms-Exchange-Crosstenant-Network-Message-Id": true, "X-Ms-Exchange-Antispam-Messagedata-0": true,
	"X-Ms-Exchange-Antispam-Messagedata-Chunksvalid": true, "X-Microsoft-Antispam-Message-Info": true,
}

// readEML reads an e-mail message: each header (RFC 2047 words decoded)
// under "header:Name", text/plain and text/html body parts under
// "body:text/plain" and "body:text/html" (base64 and quoted-printable
// decoded), and every other part (attachments, inline images, attached
// messages) as an entry named after its file name ("part-N" without one),
// read like any content one level deeper. A header block that does not
// parse is read as text (MALFORMED_CONTENT).
func (r *run) readEML(c content, br *bufio.Reader) outcome {
	cr := &countReader{r: br}
	body := bufio.NewReaderSize(cr, 16<<10)
	hdr, err := textproto.NewReader(body).ReadMIMEHeader()
	if err != nil && err != io.EOF {
		var res Result
		terr := readText(r.ctx, body, r.emitter(c.entry, ""), &res)
		o := outcome{reason: ReasonMalformedContent, read: true, bytes: cr.n}
		if terr != nil {
			o.reason = r.reasonFor(terr)
		}
		r.malformed = true
		return o
	}
	if err := r.emitHeaders(c.entry, hdr); err != nil {
		return outcome{reason: r.reasonFor(err), read: true, bytes: cr.n}
	}
	r.records++
	part := 0
	o := r.readMIME(c, hdr, body, 0, &part)
	o.read = true
	o.bytes = cr.n
	return o
}

// emitHeaders emits the headers of a message or part.
func (r *run) emitHeaders(entry string, hdr textproto.MIMEHeader) error {
	b := newBatcher(r.emitter(entry, ""))
	defer b.release()
	keys := make([]string, 0, len(hdr))
	for k := range hdr {
		if !noisyHeaders[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	dec := new(mime.WordDecoder)
	for _, k := range keys {
		f := b.lookup([]byte("header:" + cleanName(k)))
		for _, v := range hdr[k] {
			if d, err := dec.DecodeHeader(v); err == nil {
				v = d
			}
			if err := b.add(f, strings.TrimSpace(v)); err != nil {
				return err
			}
		}
	}
	return b.flushAll(false)
}

// readMIME reads one body with its header: a multipart body part by part,
// a text body as text, anything else as an attachment entry.
func (r *run) readMIME(c content, hdr textproto.MIMEHeader, body io.Reader, depth int, part *int) outcome {
	if r.stopped() {
		return outcome{reason: r.stopReason()}
	}
	ctype, params, err := mime.ParseMediaType(hdr.Get("Content-Type"))
	if err != nil {
		ctype, params = "text/plain", nil
	}
	if strings.HasPrefix(ctype, "multipart/") && params["boundary"] != "" {
		if depth >= maxMIMEDepth {
			return outcome{reason: ReasonArchiveDepthLimit}
		}
		mr := multipart.NewReader(body, params["boundary"])
		var o outcome
		for {
			if r.stopped() {
				o.merge(outcome{reason: r.stopReason()})
				return o
			}
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return o
			}
			if err != nil {
				o.merge(outcome{reason: r.reasonFor(err)})
				return o
			}
			o.merge(r.readMIME(c, p.Header, p, depth+1, part))
			o.read = true
		}
	}
	decoded := decodeTransfer(hdr.Get("Content-Transfer-Encoding"), body)
	disp, dparams, _ := mime.ParseMediaType(hdr.Get("Content-Disposition"))
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	if (ctype == "text/plain" || ctype == "text/html") && disp != "attachment" {
		f := FormatText
		if ctype == "text/html" {
			f = FormatHTML
		}
		cr := &countReader{r: decoded}
		res, err := readFormat(r.ctx, f, cr, r.emitter(c.entry, "body:"+ctype))
		r.records += res.Records
		return outcome{reason: r.reasonFor(err), read: cr.n > 0, bytes: cr.n}
	}
	// An attachment.
	*part++
	name := cleanName(filename)
	if name == "" {
		name = "part-" + strconv.Itoa(*part)
		if ctype == "message/rfc822" {
			name += ".eml"
		}
	}
	entry := joinEntry(c.entry, name)
	if c.depth >= r.lim.MaxDepth {
		o := outcome{format: Detect(name, nil), reason: ReasonArchiveDepthLimit}
		r.record(entry, o)
		return o
	}
	if !r.visit() {
		return outcome{reason: ReasonArchiveEntryLimit}
	}
	ec := content{name: name, entry: entry, depth: c.depth + 1, size: -1}
	ec.open = func() io.Reader { return decoded }
	return r.readEntry(ec)
}

// decodeTransfer undoes a Content-Transfer-Encoding.
func decodeTransfer(cte string, body io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &spaceFilter{r: body})
	case "quoted-printable":
		return quotedprintable.NewReader(body)
	}
	return body
}

// spaceFilter drops the white space that base64 bodies are wrapped with
// (encoding/base64 itself drops only CR and LF).
type spaceFilter struct{ r io.Reader }

func (s *spaceFilter) Read(p []byte) (int, error) {
	for range 100 {
		n, err := s.r.Read(p)
		j := 0
		for _, c := range p[:n] {
			if c != ' ' && c != '\t' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
	return 0, io.ErrNoProgress
}
