package scanner_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/parquet-go/parquet-go"

	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// TestS3InventoryOptionalFields checks inventories configured without the
// optional Size or StorageClass fields. Without Size (or with a blank one
// for a current object) the object sizes are
// unknown: such an inventory is refused and the bucket listed instead (an
// unknown size read as 0 made every object look empty: COMPLETE, 0 bytes
// read, no GET). Without StorageClass the storage class is the GET's, not
// an assumed STANDARD.
func TestS3InventoryOptionalFields(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	put := func(bucket, key string, body []byte, class s3types.StorageClass) {
		t.Helper()
		if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
			Body: bytes.NewReader(body), StorageClass: class}); err != nil {
			t.Fatal(err)
		}
	}
	csvGz := func(rows ...[]string) []byte {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		for _, r := range rows {
			w.Write(r)
		}
		w.Flush()
		return gzipOf(t, buf.Bytes())
	}
	manifest := func(src, format, schema, file string, size int) []byte {
		m, _ := json.Marshal(map[string]any{
			"sourceBucket": src, "destinationBucket": "arn:aws:s3:::dest", "creationTimestamp": "1767225600000",
			"fileFormat": format, "fileSchema": schema,
			"files": []map[string]any{{"key": file, "size": size, "MD5checksum": "00"}},
		})
		return m
	}
	for _, b := range []string{"dest", "nosize-csv", "nosize-parquet", "blanksize", "noclass"} {
		if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	put("nosize-csv", "people.csv", []byte(fmtCSV), "")
	put("nosize-parquet", "people.csv", []byte(fmtCSV), "")
	put("blanksize", "people.csv", []byte(fmtCSV), "")
	put("noclass", "people.csv", []byte(fmtCSV), s3types.StorageClassStandardIa)

	f := csvGz([]string{"nosize-csv", url.QueryEscape("people.csv"), "STANDARD"})
	put("dest", "inv/nosize-csv/a.csv.gz", f, "")
	put("dest", "inv/nosize-csv/2026-01-01T00-00Z/manifest.json", manifest("nosize-csv", "CSV", "Bucket, Key, StorageClass", "inv/nosize-csv/a.csv.gz", len(f)), "")

	type pqRow struct {
		Bucket       string `parquet:"bucket"`
		Key          string `parquet:"key"`
		StorageClass string `parquet:"storage_class"`
	}
	var pb bytes.Buffer
	pw := parquet.NewGenericWriter[pqRow](&pb)
	if _, err := pw.Write([]pqRow{{Bucket: "nosize-parquet", Key: "people.csv", StorageClass: "STANDARD"}}); err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	put("dest", "inv/nosize-parquet/a.parquet", pb.Bytes(), "")
	put("dest", "inv/nosize-parquet/2026-01-01T00-00Z/manifest.json", manifest("nosize-parquet", "Parquet", "message s3.inventory { required binary bucket; required binary key; optional binary storage_class; }", "inv/nosize-parquet/a.parquet", pb.Len()), "")

	f = csvGz([]string{"blanksize", url.QueryEscape("people.csv"), ""})
	put("dest", "inv/blanksize/a.csv.gz", f, "")
	put("dest", "inv/blanksize/2026-01-01T00-00Z/manifest.json", manifest("blanksize", "CSV", "Bucket, Key, Size", "inv/blanksize/a.csv.gz", len(f)), "")

	f = csvGz([]string{"noclass", url.QueryEscape("people.csv"), strconv.Itoa(len(fmtCSV))})
	put("dest", "inv/noclass/a.csv.gz", f, "")
	put("dest", "inv/noclass/2026-01-01T00-00Z/manifest.json", manifest("noclass", "CSV", "Bucket, Key, Size", "inv/noclass/a.csv.gz", len(f)), "")

	guarded, ao, engine := scanSetup(t, srv.Endpoint, 2)
	sink := newMemorySink()
	s := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{
		Buckets: []string{"nosize-csv", "nosize-parquet", "blanksize", "noclass"},
		Inventory: map[string]string{
			"nosize-csv": "s3://dest/inv/nosize-csv/", "nosize-parquet": "s3://dest/inv/nosize-parquet/",
			"blanksize": "s3://dest/inv/blanksize/", "noclass": "s3://dest/inv/noclass/",
		},
	}, nil)
	if _, err := s.Scan(ctx, mototest.AccountID, sink); err != nil {
		t.Fatal(err)
	}

	for _, b := range []string{"nosize-csv", "nosize-parquet", "blanksize"} {
		t.Run(b, func(t *testing.T) {
			a := sink.assets[b]
			o := sink.objects["arn:aws:s3:::"+b+"/people.csv"]
			if a.ListingSource != scanner.ListingSourceList || !strings.Contains(a.Reason, scanner.ReasonInventoryUnavailable) || !strings.Contains(a.Reason, "no Size for its objects") {
				t.Errorf("asset: listing source %s, reason %q; want the inventory refused for its missing Size field and the bucket listed", a.ListingSource, a.Reason)
			}
			if a.TotalsSource == scanner.TotalsInventory || a.BucketBytes != int64(len(fmtCSV)) {
				t.Errorf("asset totals %d bytes from %s; want %d from the listing", a.BucketBytes, a.TotalsSource, len(fmtCSV))
			}
			if o.Status != scanner.StatusComplete || o.BytesRead != int64(len(fmtCSV)) || o.Findings == 0 {
				t.Errorf("object: %s %s, %d bytes read, %d findings; want COMPLETE, %d bytes read, findings", o.Status, o.Reason, o.BytesRead, o.Findings, len(fmtCSV))
			}
		})
	}
	t.Run("noclass", func(t *testing.T) {
		a := sink.assets["noclass"]
		o := sink.objects["arn:aws:s3:::noclass/people.csv"]
		if a.ListingSource != scanner.ListingSourceInventory {
			t.Fatalf("listing source %s (%q); want the inventory used", a.ListingSource, a.Reason)
		}
		if o.StorageClass != string(s3types.StorageClassStandardIa) {
			t.Errorf("storage class %q; want STANDARD_IA from the GET, not an assumed STANDARD", o.StorageClass)
		}
	})
}
