package corpus

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// item is one planted value and the generator that made it.
type item struct {
	g     *gen
	value string
	weak  bool
}

// newItem makes a value of g.
func newItem(r *rand.Rand, g *gen) item {
	v, weak := g.value(r)
	return item{g: g, value: v, weak: weak}
}

// needsLabel reports whether the value must carry its keyword.
func (it item) needsLabel() bool { return it.g.required || it.weak }

var (
	levels   = []string{"INFO ", "INFO ", "INFO ", "DEBUG", "WARN ", "ERROR"}
	services = []string{"orders-api", "billing-worker", "ingest", "web-frontend", "scheduler", "crm-sync", "reporting"}
	// phrases start a message; none holds a keyword of any identifier.
	phrases = []string{"request completed", "record stored", "payload accepted", "sync finished", "profile updated",
		"import row", "lookup result", "form submitted", "ticket note", "migration row", "export line", "audit entry"}
	suffixes = []string{"", " ok", " (verified)", " source=web", " retry=0", "; done", " by operator"}
)

// logPrefix writes the fixed part of a log line, more than
// maxKeywordDistance bytes long so that a label on one line never reaches
// the value of the next.
func logPrefix(b *bytes.Buffer, r *rand.Rand) {
	fmt.Fprintf(b, "%s %s %s[%d]: req=%s ", isoTime(r), pick(r, levels), pick(r, services), 1000+r.IntN(9000), hexID(r, 16))
}

// noiseLine writes one log line of decoys.
func noiseLine(b *bytes.Buffer, r *rand.Rand, keywordRate int) {
	logPrefix(b, r)
	b.WriteString(pick(r, phrases))
	for range 2 + r.IntN(5) {
		b.WriteByte(' ')
		b.WriteString(decoyToken(r, keywordRate))
	}
	b.WriteByte('\n')
}

// labelFor returns the inline label of an item: always when the value
// needs its keyword, otherwise half of the time.
func labelFor(r *rand.Rand, it item) string {
	if it.needsLabel() || r.IntN(2) == 0 {
		return pick(r, it.g.labels)
	}
	return ""
}

// textDoc writes a log with planted values and noise lines between them.
// Most value lines hold one value; one in five holds two, each with its
// own label ("ssn 123-45-6789, passport 536224081"), so that a label must
// not reach the next value.
func textDoc(r *rand.Rand, items []item, keywordRate int) Segment {
	var b bytes.Buffer
	var want []Span
	for i := 0; i < len(items); i++ {
		it := items[i]
		for range r.IntN(4) {
			noiseLine(&b, r, keywordRate)
		}
		logPrefix(&b, r)
		b.WriteString(pick(r, phrases))
		b.WriteByte(' ')
		b.WriteString(labelFor(r, it))
		start := b.Len()
		b.WriteString(it.value)
		want = append(want, Span{Identifier: it.g.id, Start: start, End: b.Len()})
		if i+1 < len(items) && !it.g.long && !items[i+1].g.long && r.IntN(5) == 0 {
			next := items[i+1]
			label := pick(r, next.g.labels) // a second value always has its label
			b.WriteString(", ")
			b.WriteString(label)
			start := b.Len()
			b.WriteString(next.value)
			want = append(want, Span{Identifier: next.g.id, Start: start, End: b.Len()})
			i++
			it = next
		}
		if strings.Contains(it.value, "\n") {
			b.WriteByte('\n')
		} else {
			b.WriteString(pick(r, suffixes))
		}
		b.WriteByte('\n')
	}
	return Segment{Data: b.Bytes(), Want: want}
}

// column accumulates one CSV column or JSON path as a reader hands it to
// the engine: the values joined by newlines.
type column struct {
	field string
	data  bytes.Buffer
	want  []Span
}

func (c *column) add(v string, id string) {
	if v == "" {
		return
	}
	if c.data.Len() > 0 {
		c.data.WriteByte('\n')
	}
	start := c.data.Len()
	c.data.WriteString(v)
	if id != "" {
		c.want = append(c.want, Span{Identifier: id, Start: start, End: c.data.Len()})
	}
}

func (c *column) segment() Segment {
	return Segment{Field: c.field, Data: c.data.Bytes(), Want: c.want}
}

// noiseColumns are CSV/JSON fields without sensitive data.
var noiseColumns = []struct {
	name  string
	value func(r *rand.Rand) string
}{
	{"created_at", func(r *rand.Rand) string { return strings.Replace(isoTime(r)[:19], "T", " ", 1) }},
	{"order_ref", func(r *rand.Rand) string { return fmt.Sprintf("ORD-2026-%06d", r.IntN(1000000)) }},
	{"amount", func(r *rand.Rand) string { return fmt.Sprintf("%d.%02d", r.IntN(5000), r.IntN(100)) }},
	{"status", func(r *rand.Rand) string { return pick(r, []string{"active", "closed", "pending", "refunded"}) }},
	{"sku", func(r *rand.Rand) string { return fmt.Sprintf("%s-%04d", chars(r, upper, 3), r.IntN(10000)) }},
	{"tracking_number", func(r *rand.Rand) string { return "1Z" + chars(r, upperNum, 16) }},
	{"isbn", func(r *rand.Rand) string { return isbn13(r) }},
	{"checksum", func(r *rand.Rand) string { return chars(r, hexLower, 64) }},
	{"request_id", uuid},
	{"order_number", func(r *rand.Rand) string { return safeNumber(r, 8+r.IntN(8)) }},
	{"app_version", func(r *rand.Rand) string { return fmt.Sprintf("%d.%d.%d", r.IntN(5), r.IntN(30), r.IntN(100)) }},
	{"quantity", func(r *rand.Rand) string { return fmt.Sprint(1 + r.IntN(20)) }},
}

// csvDoc writes a CSV export with one column per generator, plus an id,
// a name and noise columns. It returns the file and its segments.
func csvDoc(r *rand.Rand, gs []*gen, rows int, blankRate int) ([]byte, []Segment) {
	noise := r.Perm(len(noiseColumns))[:2+r.IntN(3)]
	header := []string{"id", "name"}
	cols := []*column{{field: "id"}, {field: "name"}}
	for _, g := range gs {
		h := pick(r, g.columns)
		header = append(header, h)
		cols = append(cols, &column{field: h})
	}
	for _, i := range noise {
		header = append(header, noiseColumns[i].name)
		cols = append(cols, &column{field: noiseColumns[i].name})
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	_ = w.Write(header)
	for row := range rows {
		rec := []string{fmt.Sprint(1000 + row), name(r)}
		cols[0].add(rec[0], "")
		cols[1].add(rec[1], "")
		for k, g := range gs {
			v := newItem(r, g).value
			if blankRate > 0 && r.IntN(blankRate) == 0 {
				v = pick(r, []string{"", "N/A", "unknown"})
				cols[2+k].add(v, "")
			} else {
				cols[2+k].add(v, g.id)
			}
			rec = append(rec, v)
		}
		for k, i := range noise {
			v := noiseColumns[i].value(r)
			cols[2+len(gs)+k].add(v, "")
			rec = append(rec, v)
		}
		_ = w.Write(rec)
	}
	w.Flush()
	segs := make([]Segment, len(cols))
	for i, c := range cols {
		segs[i] = c.segment()
	}
	return out.Bytes(), segs
}

// jsonString returns s as a JSON string literal.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// jsonlDoc writes JSON Lines: one event per line with a customer object,
// a payment object and a free-text note. fields[0] goes to customer,
// fields[1] to payment, note carries a labelled value of noteGen.
func jsonlDoc(r *rand.Rand, fields []*gen, noteGen *gen, rows int, array bool) ([]byte, []Segment) {
	prefix := ""
	if array {
		prefix = "customers[]."
	}
	path := func(p string) string { return prefix + p }
	cols := map[string]*column{}
	var order []string
	col := func(p string) *column {
		p = path(p)
		c, ok := cols[p]
		if !ok {
			c = &column{field: p}
			cols[p] = c
			order = append(order, p)
		}
		return c
	}
	keys := make([]string, len(fields))
	for i, g := range fields {
		keys[i] = pick(r, g.columns)
	}
	var out bytes.Buffer
	if array {
		out.WriteString("{\"customers\": [\n")
	}
	for row := range rows {
		id := uuid(r)
		ts := isoTime(r)
		nm := name(r)
		col("event_id").add(id, "")
		col("ts").add(ts, "")
		col("customer.name").add(nm, "")
		if array {
			out.WriteString("  ")
		}
		fmt.Fprintf(&out, `{"event_id":%s,"ts":%s,"customer":{"name":%s`, jsonString(id), jsonString(ts), jsonString(nm))
		for i, g := range fields {
			if i == 1 {
				amount := fmt.Sprintf("%d.%02d", r.IntN(900), r.IntN(100))
				out.WriteString(`},"payment":{"amount":` + amount)
				col("payment.amount").add(amount, "")
			}
			v := newItem(r, g).value
			obj := "customer."
			if i >= 1 {
				obj = "payment."
			}
			col(obj+keys[i]).add(v, g.id)
			fmt.Fprintf(&out, `,%s:%s`, jsonString(keys[i]), jsonString(v))
		}
		out.WriteString("}")
		if noteGen != nil {
			it := newItem(r, noteGen)
			label := labelFor(r, it)
			note := pick(r, phrases) + " " + label
			c := col("note")
			if c.data.Len() > 0 {
				c.data.WriteByte('\n')
			}
			c.data.WriteString(note)
			start := c.data.Len()
			c.data.WriteString(it.value)
			c.want = append(c.want, Span{Identifier: noteGen.id, Start: start, End: c.data.Len()})
			fmt.Fprintf(&out, `,"note":%s`, jsonString(note+it.value))
		}
		out.WriteString("}")
		if array {
			if row < rows-1 {
				out.WriteByte(',')
			}
		}
		out.WriteByte('\n')
	}
	if array {
		out.WriteString("]}\n")
	}
	segs := make([]Segment, 0, len(order))
	for _, p := range order {
		if cols[p].data.Len() > 0 {
			segs = append(segs, cols[p].segment())
		}
	}
	return out.Bytes(), segs
}

// decoyCSV writes a CSV export of noise columns only.
func decoyCSV(r *rand.Rand, rows int) ([]byte, []Segment) {
	return csvDoc(r, nil, rows, 0)
}

// decoyJSONL writes events with noise fields and notes of decoys.
func decoyJSONL(r *rand.Rand, rows int) ([]byte, []Segment) {
	var out bytes.Buffer
	cols := []*column{{field: "event_id"}, {field: "ts"}, {field: "detail"}, {field: "ref"}}
	for range rows {
		vals := []string{uuid(r), isoTime(r), pick(r, phrases) + " " + decoyToken(r, 3), decoyToken(r, 0)}
		for i, v := range vals {
			cols[i].add(v, "")
		}
		fmt.Fprintf(&out, `{"event_id":%s,"ts":%s,"detail":%s,"ref":%s}`+"\n", jsonString(vals[0]), jsonString(vals[1]), jsonString(vals[2]), jsonString(vals[3]))
	}
	segs := make([]Segment, len(cols))
	for i, c := range cols {
		segs[i] = c.segment()
	}
	return out.Bytes(), segs
}

// hexID returns n lower-case hex digits with at least one letter: a
// request id, not a decimal number that could pass for a card.
func hexID(r *rand.Rand, n int) string {
	for {
		h := chars(r, hexLower, n)
		if strings.ContainsAny(h, "abcdef") {
			return h
		}
	}
}
