// Package estate seeds moto with a company-like S3 estate for the load and
// throughput harnesses (make loadtest, make bench-scan): many buckets of small,
// deterministic log, CSV and JSON Lines objects.
package estate

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"time"
)

// Object returns the key, body and content type of object i. It is
// deterministic: the same i always gives the same object. Bodies are small
// application logs, CSV exports and JSON Lines events; sizes are mostly
// 256 B–2 KiB, a quarter 2–16 KiB and one in twenty 16–32 KiB (≈ 4 KiB on
// average). About one object in 25 holds one synthetic sensitive value (an
// email address, a Luhn-valid card number or a US SSN, each labelled), the
// rest hold look-alikes only (order ids, prices, IP-free request ids).
func Object(i int) (key string, body []byte, contentType string) {
	r := rand.New(rand.NewPCG(uint64(i), 0x636169726e))
	var size int
	switch p := r.IntN(100); {
	case p < 70:
		size = 256 + r.IntN(2048-256)
	case p < 95:
		size = 2048 + r.IntN(16384-2048)
	default:
		size = 16384 + r.IntN(16384)
	}
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(320))
	var b bytes.Buffer
	b.Grow(size + 256)
	sensitive := r.IntN(25) == 0
	switch i % 3 {
	case 0:
		key = fmt.Sprintf("logs/%s/%s/app-%07d.log", services[r.IntN(len(services))], day.Format("2006/01/02"), i)
		contentType = "text/plain"
		t := day.Add(time.Duration(r.IntN(86400)) * time.Second)
		for b.Len() < size {
			t = t.Add(time.Duration(r.IntN(900)) * time.Millisecond)
			fmt.Fprintf(&b, "%s %s %s req=%016x path=%s status=%d latency_ms=%d\n",
				t.Format(time.RFC3339Nano), levels[r.IntN(len(levels))], services[r.IntN(len(services))],
				r.Uint64(), paths[r.IntN(len(paths))], statuses[r.IntN(len(statuses))], r.IntN(1500))
			if sensitive && b.Len() > size/2 {
				fmt.Fprintf(&b, "%s WARN checkout customer email=%s\n", t.Format(time.RFC3339Nano), email(r))
				sensitive = false
			}
		}
	case 1:
		key = fmt.Sprintf("exports/%s/orders-%s-%07d.csv", regions[r.IntN(len(regions))], day.Format("2006-01-02"), i)
		contentType = "text/csv"
		b.WriteString("order_id,sku,quantity,unit_price,currency,warehouse,created_at\n")
		for b.Len() < size {
			fmt.Fprintf(&b, "ORD-%09d,SKU-%05d,%d,%d.%02d,EUR,%s,%s\n", r.IntN(1e9), r.IntN(1e5), 1+r.IntN(9),
				r.IntN(500), r.IntN(100), regions[r.IntN(len(regions))], day.Add(time.Duration(r.IntN(86400))*time.Second).Format(time.RFC3339))
		}
		if sensitive {
			fmt.Fprintf(&b, "# refund card_number=%s\n", card(r))
		}
	default:
		key = fmt.Sprintf("events/dt=%s/part-%07d.jsonl", day.Format("2006-01-02"), i)
		contentType = "application/x-ndjson"
		for b.Len() < size {
			fmt.Fprintf(&b, `{"event":"%s","session":"%016x","items":%d,"amount":%d.%02d,"ts":%d}`+"\n",
				events[r.IntN(len(events))], r.Uint64(), r.IntN(12), r.IntN(900), r.IntN(100), day.Unix()+int64(r.IntN(86400)))
			if sensitive && b.Len() > size/2 {
				fmt.Fprintf(&b, `{"event":"kyc_submitted","ssn":"%s"}`+"\n", ssn(r))
				sensitive = false
			}
		}
	}
	return key, b.Bytes(), contentType
}

var (
	services = []string{"checkout", "catalog", "auth", "search", "billing", "shipping"}
	levels   = []string{"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"}
	paths    = []string{"/api/v2/cart", "/api/v2/orders", "/healthz", "/api/v2/search", "/login", "/api/v2/items/42"}
	statuses = []int{200, 200, 200, 201, 204, 304, 404, 500}
	regions  = []string{"eu-west-1", "us-east-1", "ap-southeast-2", "eu-central-1"}
	events   = []string{"page_view", "add_to_cart", "checkout_started", "purchase", "search"}
	first    = []string{"maria", "jonas", "aiko", "lena", "omar", "priya", "tomasz", "ines"}
	last     = []string{"keller", "okafor", "tanaka", "silva", "novak", "haddad", "larsen", "moreau"}
)

// email returns an invented address at an invented domain.
func email(r *rand.Rand) string {
	return fmt.Sprintf("%s.%s%d@northwind-mail.com", first[r.IntN(len(first))], last[r.IntN(len(last))], r.IntN(100))
}

// card returns an invented 16-digit Visa-prefixed number with a valid Luhn
// check digit (not one of the published test numbers, which Cairn ignores).
func card(r *rand.Rand) string {
	d := make([]byte, 16)
	copy(d, "4556")
	for k := 4; k < 15; k++ {
		d[k] = byte('0' + r.IntN(10))
	}
	sum := 0
	for k := 14; k >= 0; k-- {
		v := int(d[k] - '0')
		if (14-k)%2 == 0 { // doubled: every second digit from the right, check digit excluded
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	d[15] = byte('0' + (10-sum%10)%10)
	return fmt.Sprintf("%s %s %s %s", d[0:4], d[4:8], d[8:12], d[12:16])
}

// ssn returns an invented, structurally valid US SSN (area not 000, 666 or
// 9xx; group and serial not zero).
func ssn(r *rand.Rand) string {
	area := 100 + r.IntN(565) // 100–664
	return fmt.Sprintf("%03d-%02d-%04d", area, 1+r.IntN(99), 1+r.IntN(9999))
}
