package readers

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// htmlVoid lists the HTML elements that have no end tag.
var htmlVoid = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true,
}

// htmlAttrs lists the HTML attributes whose values are read: the others
// hold styling and layout.
var htmlAttrs = map[string]bool{
	"value": true, "content": true, "title": true, "alt": true, "placeholder": true,
	"href": true, "label": true, "summary": true,
}

// maxMarkupDepth caps the element stack kept for field names; deeper
// elements are read with the field of the deepest one kept.
const maxMarkupDepth = 1024

// readMarkup emits the text of an XML or HTML document. In XML, element text
// is grouped under the element's local name ("email") and attribute values
// under "element@attribute"; in HTML, text is free (Field ""), except the
// content of <script> elements ("script"), and only a few attributes that
// carry data are read ("input@value", "a@href"). <style> content, processing
// instructions and doctypes are skipped; comments are read as free text.
// res.Records counts text nodes. The input is UTF-8 (the caller decodes it):
// an encoding declaration is ignored. A document cut inside a tag sets
// res.Truncated; a syntax error sets res.Malformed and the rest of the input
// is read as text. encoding/xml holds one text node or tag in memory at a
// time; the caller bounds the input.
func readMarkup(ctx context.Context, html bool, r io.Reader, emit func(Segment) error, res *Result) error {
	br := getBufio(r)
	defer putBufio(br)
	dec := xml.NewDecoder(br)
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	if html {
		dec.Strict = false
		dec.AutoClose = xml.HTMLAutoClose
		dec.Entity = xml.HTMLEntity
	}
	b := newBatcher(emit)
	defer b.release()
	var stack []string // local names of the open elements
	fields := map[string]int{}
	field := func(name string) int {
		if len(name) > maxKey {
			return 0
		}
		if i, ok := fields[name]; ok {
			return i
		}
		i := b.lookup([]byte(name))
		fields[name] = i
		return i
	}
	skip := 0 // depth inside <style>
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		tok, err := dec.RawToken()
		if err != nil {
			var syn *xml.SyntaxError
			switch {
			case err == io.EOF:
			case errors.As(err, &syn) && syn.Msg == "unexpected EOF":
				res.Truncated = true
			case errors.As(err, &syn):
				res.Malformed = true
				if err := b.flushAll(true); err != nil {
					return err
				}
				var text Result
				if err := readText(ctx, br, emit, &text); err != nil {
					return err
				}
			default:
				return err
			}
			return b.flushAll(false)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if html {
				name = strings.ToLower(name)
			}
			for _, a := range t.Attr {
				an := a.Name.Local
				if html {
					an = strings.ToLower(an)
					if !htmlAttrs[an] {
						continue
					}
				}
				if err := b.add(field(name+"@"+an), strings.TrimSpace(a.Value)); err != nil {
					return err
				}
			}
			if html && htmlVoid[name] {
				continue
			}
			if html && name == "style" {
				skip++
			}
			if len(stack) < maxMarkupDepth {
				stack = append(stack, name)
			}
		case xml.EndElement:
			name := t.Name.Local
			if html {
				name = strings.ToLower(name)
			}
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i] == name {
					for _, open := range stack[i:] {
						if open == "style" && html && skip > 0 {
							skip--
						}
					}
					stack = stack[:i]
					break
				}
			}
		case xml.CharData:
			text := bytes.TrimSpace(t)
			if len(text) == 0 || skip > 0 {
				continue
			}
			f := 0
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				if !html || top == "script" {
					f = field(top)
				}
			}
			res.Records++
			if err := b.addBytes(f, text); err != nil {
				return err
			}
		case xml.Comment:
			if err := b.addBytes(0, bytes.TrimSpace(t)); err != nil {
				return err
			}
		}
	}
}
