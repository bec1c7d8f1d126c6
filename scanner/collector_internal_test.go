package scanner

import (
	"context"
	"errors"
	"testing"
)

// recordingSink keeps what the collector passes on, in order.
type recordingSink struct {
	calls   []string // "asset ARN", "object ARN/location", "finding ARN/location"
	failOn  string   // an asset ARN whose Asset call fails
	objects int
}

func (s *recordingSink) Asset(a Asset) error {
	s.calls = append(s.calls, "asset "+a.ARN)
	if a.ARN == s.failOn {
		return errors.New("disk full")
	}
	return nil
}

func (s *recordingSink) Object(o ObjectResult) error {
	s.objects++
	s.calls = append(s.calls, "object "+o.AssetARN+"/"+o.Location)
	return nil
}

func (s *recordingSink) Finding(f Finding) error {
	s.calls = append(s.calls, "finding "+f.AssetARN+"/"+f.Location)
	return nil
}

// TestCollectorDropsInterruptedStore: a store whose scan context was
// cancelled before its asset row was sent leaves nothing in the sink and
// nothing in the counts, while a store that finished before the
// cancellation is passed on whole, asset row last, even when its results
// interleave with the interrupted store's.
func TestCollectorDropsInterruptedStore(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink := &recordingSink{}
	col := startCollector(ctx, sink, cancel)

	done, cut := "arn:aws:s3:::done", "arn:aws:s3:::cut"
	col.results <- result{object: &ObjectResult{AssetARN: done, Location: "a.csv", BytesRead: 10}}
	col.results <- result{object: &ObjectResult{AssetARN: cut, Location: "x.csv", BytesRead: 99, Status: StatusSkipped, Reason: ReasonReadError}}
	col.results <- result{finding: &Finding{AssetARN: done, Location: "a.csv", Count: 2}}
	col.results <- result{finding: &Finding{AssetARN: cut, Location: "x.csv", Count: 5}}
	col.results <- storeResult(ctx, &Asset{ARN: done, Status: StatusComplete})
	cancel() // SIGINT: the second store's worker sees a cancelled context
	col.results <- result{object: &ObjectResult{AssetARN: cut, Location: "y.csv", Status: StatusSkipped, Reason: ReasonReadError}}
	col.results <- storeResult(ctx, &Asset{ARN: cut, Status: StatusPartial})
	// A third store cancelled before it sent its asset row at all.
	col.results <- result{object: &ObjectResult{AssetARN: "arn:aws:s3:::orphan", Location: "z"}}
	stats, err := col.finish()
	if err != nil {
		t.Fatal(err)
	}

	want := []string{"object " + done + "/a.csv", "finding " + done + "/a.csv", "asset " + done}
	if len(sink.calls) != len(want) {
		t.Fatalf("sink got %q, want %q", sink.calls, want)
	}
	for i := range want {
		if sink.calls[i] != want[i] {
			t.Errorf("sink call %d = %q, want %q", i, sink.calls[i], want[i])
		}
	}
	wantStats := Stats{Assets: 1, Objects: 1, Findings: 1, Matches: 2, BytesRead: 10, Abandoned: 2}
	if stats != wantStats {
		t.Errorf("stats = %+v, want %+v", stats, wantStats)
	}
}

// TestCollectorKeepsOrphansOfLiveScan: results whose store never sent an
// asset row are still recorded when the scan was not cancelled, so a
// scanner that returns early loses nothing.
func TestCollectorKeepsOrphansOfLiveScan(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink := &recordingSink{}
	col := startCollector(ctx, sink, cancel)
	col.results <- result{object: &ObjectResult{AssetARN: "arn:aws:s3:::b", Location: "k", Status: StatusSkipped, Reason: ReasonPermissionDenied}}
	stats, err := col.finish()
	if err != nil {
		t.Fatal(err)
	}
	if sink.objects != 1 || stats.Objects != 1 || stats.Unread != 1 || stats.Abandoned != 0 {
		t.Errorf("sink objects %d, stats %+v; want the orphan recorded and counted", sink.objects, stats)
	}
}

// TestCollectorSinkErrorCancels: a failing sink cancels the scan and its
// error is returned.
func TestCollectorSinkErrorCancels(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink := &recordingSink{failOn: "arn:aws:s3:::a"}
	col := startCollector(ctx, sink, cancel)
	col.results <- storeResult(ctx, &Asset{ARN: "arn:aws:s3:::a"})
	_, err := col.finish()
	if err == nil || ctx.Err() == nil {
		t.Errorf("err %v, ctx.Err %v; want the sink error and a cancelled scan", err, ctx.Err())
	}
}
