package scanner_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/parquet-go/parquet-go"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// invEntry is one row of a test S3 Inventory report.
type invEntry struct {
	key                     string
	size                    int64
	latest, deleteMarker    bool
	storageClass, encStatus string
}

// invCSVSchema is the fileSchema of the CSV inventories written below, in
// the order AWS writes the fields.
const invCSVSchema = "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, StorageClass, EncryptionStatus"

// inventoryCSVGz writes rows as a gzipped CSV inventory file (no header,
// URL-encoded keys), as S3 Inventory does.
func inventoryCSVGz(t *testing.T, bucket string, rows []invEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for i, r := range rows {
		key := strings.ReplaceAll(url.QueryEscape(r.key), "%2F", "/")
		w.Write([]string{bucket, key, fmt.Sprintf("v%d", i), fmt.Sprint(r.latest), fmt.Sprint(r.deleteMarker),
			fmt.Sprint(r.size), "2026-01-01T10:00:00.000Z", fmt.Sprintf("%032x", i), r.storageClass, r.encStatus})
	}
	w.Flush()
	return gzipOf(t, buf.Bytes())
}

// inventoryParquet writes rows as a Parquet inventory file with the column
// names and types S3 Inventory uses.
func inventoryParquet(t *testing.T, bucket string, rows []invEntry) []byte {
	t.Helper()
	type row struct {
		Bucket           string    `parquet:"bucket"`
		Key              string    `parquet:"key"`
		VersionID        *string   `parquet:"version_id,optional"`
		IsLatest         *bool     `parquet:"is_latest,optional"`
		IsDeleteMarker   *bool     `parquet:"is_delete_marker,optional"`
		Size             *int64    `parquet:"size,optional"`
		LastModifiedDate time.Time `parquet:"last_modified_date,optional,timestamp(millisecond)"`
		ETag             *string   `parquet:"e_tag,optional"`
		StorageClass     *string   `parquet:"storage_class,optional"`
		EncryptionStatus *string   `parquet:"encryption_status,optional"`
	}
	var out []row
	for i, r := range rows {
		out = append(out, row{
			Bucket: bucket, Key: r.key, VersionID: aws.String(fmt.Sprintf("v%d", i)),
			IsLatest: aws.Bool(r.latest), IsDeleteMarker: aws.Bool(r.deleteMarker), Size: aws.Int64(r.size),
			LastModifiedDate: time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC), ETag: aws.String(fmt.Sprintf("%032x", i)),
			StorageClass: aws.String(r.storageClass), EncryptionStatus: aws.String(r.encStatus),
		})
	}
	var buf bytes.Buffer
	pw := parquet.NewGenericWriter[row](&buf)
	if _, err := pw.Write(out); err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestS3InventoryListingSource gives three buckets an S3 Inventory in a
// destination bucket — gzipped CSV (configured location, two deliveries),
// Parquet (discovered from the bucket's inventory configuration) and ORC
// (not read) — and checks that the sample and the totals come from the
// newest inventory, not from listing: a key present in the bucket but not
// in the inventory is never sampled, noncurrent versions and delete markers
// are skipped, and ORC falls back to listing with a reason. A second scan
// caps the keys read from the inventory.
func TestS3InventoryListingSource(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	const dest = "inv-dest"
	sources := []string{"inv-csv", "inv-parquet", "inv-orc"}
	objects := map[string][]byte{
		"data/people.csv":            []byte(fmtCSV),
		"data/notes.txt":             []byte("meeting notes, nothing sensitive\n"),
		"data/with space.txt":        []byte("a key with a space\n"),
		"logs/app.log":               []byte("started\nstopped\n"),
		"extra/not-in-inventory.txt": []byte("listed, but absent from the inventory\n"),
	}
	put := func(bucket, key string, body []byte) {
		t.Helper()
		if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range append([]string{dest}, sources...) {
		if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range sources {
		for k, body := range objects {
			put(b, k, body)
		}
	}
	size := func(k string) int64 { return int64(len(objects[k])) }
	current := []string{"data/notes.txt", "data/people.csv", "data/with space.txt", "logs/app.log"}
	rows := []invEntry{
		{key: "data/people.csv", size: 999, latest: false, storageClass: "STANDARD", encStatus: "SSE-S3"}, // noncurrent version
		{key: "data/people.csv", size: size("data/people.csv"), latest: true, storageClass: "STANDARD", encStatus: "SSE-S3"},
		{key: "data/notes.txt", size: size("data/notes.txt"), latest: true, storageClass: "STANDARD", encStatus: "SSE-KMS"},
		{key: "gone/deleted.txt", latest: true, deleteMarker: true},
		{key: "data/with space.txt", size: size("data/with space.txt"), latest: true, storageClass: "STANDARD_IA", encStatus: "NOT-SSE"},
		{key: "logs/", size: 0, latest: true, storageClass: "STANDARD", encStatus: "SSE-S3"}, // folder marker
		{key: "logs/app.log", size: size("logs/app.log"), latest: true, storageClass: "STANDARD", encStatus: "SSE-S3"},
	}
	var wantBytes int64
	for _, k := range current {
		wantBytes += size(k)
	}
	created := time.Date(2026, 1, 2, 1, 0, 0, 0, time.UTC)
	manifest := func(source, folder, format, schema string, created time.Time, files map[string][]byte) {
		t.Helper()
		type file struct {
			Key         string `json:"key"`
			Size        int64  `json:"size"`
			MD5checksum string `json:"MD5checksum"`
		}
		m := map[string]any{
			"sourceBucket": source, "destinationBucket": "arn:aws:s3:::" + dest, "version": "2016-11-30",
			"creationTimestamp": fmt.Sprint(created.UnixMilli()), "fileFormat": format, "fileSchema": schema,
		}
		var fs []file
		for k, body := range files {
			put(dest, k, body)
			fs = append(fs, file{Key: k, Size: int64(len(body)), MD5checksum: "00"})
		}
		sort.Slice(fs, func(i, j int) bool { return fs[i].Key < fs[j].Key })
		m["files"] = fs
		b, _ := json.Marshal(m)
		put(dest, folder+"manifest.json", b)
	}
	// CSV: an older delivery that lists one key only, and the newest, split
	// over two files.
	csvDir := "reports/inv-csv/daily-csv/"
	manifest("inv-csv", csvDir+"2026-01-01T01-00Z/", "CSV", invCSVSchema, created.Add(-24*time.Hour), map[string][]byte{
		"reports/inv-csv/daily-csv/data/old.csv.gz": inventoryCSVGz(t, "inv-csv", rows[6:]),
	})
	manifest("inv-csv", csvDir+"2026-01-02T01-00Z/", "CSV", invCSVSchema, created, map[string][]byte{
		"reports/inv-csv/daily-csv/data/new-1.csv.gz": inventoryCSVGz(t, "inv-csv", rows[:3]),
		"reports/inv-csv/daily-csv/data/new-2.csv.gz": inventoryCSVGz(t, "inv-csv", rows[3:]),
	})
	put(dest, csvDir+"hive/dt=2026-01-02-01-00/symlink.txt", []byte("s3://"+dest+"/"+csvDir+"data/new-1.csv.gz\n"))
	// Parquet, found through the bucket's inventory configuration.
	if _, err := seed.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{
		Bucket: aws.String("inv-parquet"), Id: aws.String("daily-parquet"),
		InventoryConfiguration: &s3types.InventoryConfiguration{
			Id: aws.String("daily-parquet"), IsEnabled: aws.Bool(true),
			IncludedObjectVersions: s3types.InventoryIncludedObjectVersionsAll,
			Schedule:               &s3types.InventorySchedule{Frequency: s3types.InventoryFrequencyDaily},
			Destination: &s3types.InventoryDestination{S3BucketDestination: &s3types.InventoryS3BucketDestination{
				Bucket: aws.String("arn:aws:s3:::" + dest), Prefix: aws.String("reports"), Format: s3types.InventoryFormatParquet,
			}},
		},
	}); err != nil {
		t.Fatal(err)
	}
	manifest("inv-parquet", "reports/inv-parquet/daily-parquet/2026-01-02T01-00Z/", "Parquet",
		"message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); optional binary version_id (UTF8); optional boolean is_latest; optional boolean is_delete_marker; optional int64 size; optional int64 last_modified_date (TIMESTAMP_MILLIS); optional binary e_tag (UTF8); optional binary storage_class (UTF8); optional binary encryption_status (UTF8);}",
		created, map[string][]byte{"reports/inv-parquet/daily-parquet/data/inv.parquet": inventoryParquet(t, "inv-parquet", rows)})
	// ORC: Cairn does not read it.
	orcManifest := "reports/inv-orc/daily-orc/2026-01-02T01-00Z/"
	manifest("inv-orc", orcManifest, "ORC", "struct<bucket:string,key:string,size:bigint>", created,
		map[string][]byte{"reports/inv-orc/daily-orc/data/inv.orc": []byte("ORC\x00not really")})

	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{2}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	ao := scanner.AWSOptions{EndpointURL: srv.Endpoint}
	guarded, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	scan := func(maxKeys int64) *memorySink {
		t.Helper()
		sink := newMemorySink()
		s := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{
			Buckets: sources, SampleObjects: 100, MaxKeysListed: maxKeys,
			Inventory: map[string]string{
				"inv-csv": "s3://" + dest + "/" + csvDir,
				"inv-orc": "s3://" + dest + "/" + orcManifest + "manifest.json",
			},
			DiscoverInventory: true,
		}, nil)
		if _, err := s.Scan(ctx, mototest.AccountID, sink); err != nil {
			t.Fatal(err)
		}
		return sink
	}
	sampled := func(sink *memorySink, bucket string) []string {
		var keys []string
		for _, o := range sink.objects {
			if o.AssetARN == "arn:aws:s3:::"+bucket {
				keys = append(keys, o.Location)
			}
		}
		sort.Strings(keys)
		return keys
	}

	sink := scan(1000)
	for _, b := range []string{"inv-csv", "inv-parquet"} {
		t.Run(b, func(t *testing.T) {
			a := sink.assets[b]
			if a.ListingSource != scanner.ListingSourceInventory || !a.InventoryDate.Equal(created) {
				t.Errorf("listing source %s, inventory date %v; want INVENTORY of %v (the newest delivery)", a.ListingSource, a.InventoryDate, created)
			}
			if a.ObjectCount != int64(len(current)) || a.TotalBytes != wantBytes || a.ListingTruncated {
				t.Errorf("enumerated %d objects, %d bytes, truncated %v; want %d, %d", a.ObjectCount, a.TotalBytes, a.ListingTruncated, len(current), wantBytes)
			}
			if a.TotalsSource != scanner.TotalsInventory || a.BucketObjects != int64(len(current)) || a.BucketBytes != wantBytes || !a.TotalsAt.Equal(created) {
				t.Errorf("totals %d objects, %d bytes from %s at %v; want the inventory's", a.BucketObjects, a.BucketBytes, a.TotalsSource, a.TotalsAt)
			}
			if got := sampled(sink, b); strings.Join(got, "|") != strings.Join(current, "|") {
				t.Errorf("sampled %q; want exactly the inventory's current keys %q", got, current)
			}
			if a.Status != scanner.StatusComplete || a.Reason != "" {
				t.Errorf("status %s, reason %q", a.Status, a.Reason)
			}
			arn := "arn:aws:s3:::" + b + "/"
			if o := sink.objects[arn+"data/with space.txt"]; o.StorageClass != "STANDARD_IA" || o.Status != scanner.StatusComplete {
				t.Errorf("data/with space.txt: storage class %s, %s %s; want STANDARD_IA from the inventory, read", o.StorageClass, o.Status, o.Reason)
			}
			if o := sink.objects[arn+"data/notes.txt"]; o.Encryption != "aws:kms" {
				t.Errorf("data/notes.txt: encryption %q; want the inventory's SSE-KMS (moto's GET reports none)", o.Encryption)
			}
			found := false
			for _, f := range sink.findings {
				found = found || (f.AssetARN == "arn:aws:s3:::"+b && f.Location == "data/people.csv" && f.Identifier == "US_SSN")
			}
			if !found {
				t.Errorf("no US_SSN finding in data/people.csv")
			}
		})
	}
	t.Run("inv-orc", func(t *testing.T) {
		a := sink.assets["inv-orc"]
		if a.ListingSource != scanner.ListingSourceList || !a.InventoryDate.IsZero() || a.TotalsSource != scanner.TotalsListing {
			t.Errorf("listing source %s, inventory date %v, totals %s; want a listing", a.ListingSource, a.InventoryDate, a.TotalsSource)
		}
		if !strings.Contains(a.Reason, scanner.ReasonInventoryUnavailable) || !strings.Contains(a.Reason, "ORC") {
			t.Errorf("reason %q; want INVENTORY_UNAVAILABLE naming ORC", a.Reason)
		}
		if a.ObjectCount != int64(len(objects)) || len(sampled(sink, "inv-orc")) != len(objects) {
			t.Errorf("listed %d, sampled %v; want all %d keys", a.ObjectCount, sampled(sink, "inv-orc"), len(objects))
		}
	})
	t.Run("capped", func(t *testing.T) {
		sink := scan(2)
		for _, b := range []string{"inv-csv", "inv-parquet"} {
			a := sink.assets[b]
			if a.ListingSource != scanner.ListingSourceInventory || a.ObjectCount != 2 || !a.ListingTruncated {
				t.Errorf("%s: source %s, %d objects, truncated %v; want 2 keys from the inventory, truncated", b, a.ListingSource, a.ObjectCount, a.ListingTruncated)
			}
			// moto publishes AWS/S3 storage metrics for every bucket (today,
			// with its real counts): a capped inventory takes its totals from
			// there, like a capped listing.
			if a.TotalsSource != scanner.TotalsCloudWatch || a.BucketObjects != int64(len(objects)) || !strings.Contains(a.Reason, scanner.ReasonListingCapped) {
				t.Errorf("%s: totals %d objects from %s, reason %q; want %d from CLOUDWATCH and LISTING_CAPPED", b, a.BucketObjects, a.TotalsSource, a.Reason, len(objects))
			}
			for _, k := range sampled(sink, b) {
				if k == "extra/not-in-inventory.txt" {
					t.Errorf("%s: sampled a key absent from the inventory", b)
				}
			}
		}
	})
}
