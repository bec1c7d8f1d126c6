package main

import (
	"testing"

	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{9, 1, 5}, 5},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %g, want %g", tc.in, got, tc.want)
		}
	}
}

// TestSamplesOf checks that the plain loop gets exactly the objects and
// byte counts the scan read: skipped and unread rows are left out, an archive
// member maps to its archive once.
func TestSamplesOf(t *testing.T) {
	rows := []report.ObjectResultRow{
		{AssetARN: "arn:aws:s3:::b1", Location: "logs/a.log", Status: scanner.StatusComplete, BytesRead: 100},
		{AssetARN: "arn:aws:s3:::b1", Location: "cold.log", Status: scanner.StatusSkipped, BytesRead: 0},
		{AssetARN: "arn:aws:s3:::b2", Location: "x.zip!one.csv", Status: scanner.StatusComplete, BytesRead: 4096},
		{AssetARN: "arn:aws:s3:::b2", Location: "x.zip!two.csv", Status: scanner.StatusComplete, BytesRead: 4096},
		{AssetARN: "arn:aws:s3:::b2", Location: "big.csv", Status: scanner.StatusPartial, BytesRead: 1 << 20},
	}
	got, err := samplesOf(rows)
	if err != nil {
		t.Fatal(err)
	}
	want := []sample{{"b1", "logs/a.log", 100}, {"b2", "x.zip", 4096}, {"b2", "big.csv", 1 << 20}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sample %d = %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := samplesOf([]report.ObjectResultRow{{AssetARN: "arn:aws:dynamodb:us-east-1:1:table/t", Location: "t", BytesRead: 1}}); err == nil {
		t.Error("a DynamoDB row was taken for an S3 object")
	}
	if _, err := samplesOf(nil); err == nil {
		t.Error("no rows: no error")
	}
}
