package report

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/cairnsec/cairn/configchecks"
)

// TestControlResultRowsRoundTrip writes the rows of a real Run with the history's
// writer settings and reads them back.
func TestControlResultRowsRoundTrip(t *testing.T) {
	st := &configchecks.State{AccountID: "123456789012", ObservedAt: time.Date(2026, 11, 1, 12, 0, 0, 123456789, time.UTC)}
	rows := ControlResultRows("scan-1", configchecks.Run(st))
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[ControlResultRow](&buf, writerOptions()...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := parquet.Read[ControlResultRow](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(rows))
	}
	for i := range rows {
		got[i].ObservedAt = got[i].ObservedAt.UTC()
		// An empty list reads back empty, whether it was written nil or not.
		for _, r := range []*ControlResultRow{&got[i], &rows[i]} {
			if len(r.CISIDs) == 0 {
				r.CISIDs = nil
			}
			if len(r.SOC2Criteria) == 0 {
				r.SOC2Criteria = nil
			}
		}
		if !reflect.DeepEqual(got[i], rows[i]) {
			t.Fatalf("row %d:\n got %+v\nwant %+v", i, got[i], rows[i])
		}
	}
	if rows[0].ScanID != "scan-1" || rows[0].ObservedAt.Nanosecond() != 123000000 || len(rows[0].CISIDs) == 0 || len(rows[0].SOC2Criteria) == 0 {
		t.Errorf("row 0: %+v", rows[0])
	}
}
