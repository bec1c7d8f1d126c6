package scanner

import "context"

// result is one message from a worker to the collector. interrupted is set
// on an asset whose scan context was cancelled before the store was done:
// its results are incomplete for a reason that is not the store's.
type result struct {
	asset       *Asset
	interrupted bool
	object      *ObjectResult
	finding     *Finding
}

// storeResult is the message that ends a store: its asset row, marked
// interrupted when ctx was cancelled before the store was done. Every
// scanner sends it after the store's objects and findings.
func storeResult(ctx context.Context, a *Asset) result {
	return result{asset: a, interrupted: ctx.Err() != nil}
}

// pendingStore holds a store's objects and findings until its asset row
// arrives. It is bounded by the store's sample (objects per bucket, tables
// per database, one result per DynamoDB table) and the findings of those.
type pendingStore struct {
	objects  []ObjectResult
	findings []Finding
}

// collector is the single goroutine that owns a scan's Sink and Stats:
// workers send results on its channel and never touch either directly.
// When the sink fails it cancels the scan and drains what is still sent.
//
// A store reaches the sink whole or not at all: the collector holds each
// store's objects and findings, by asset ARN, until its asset row arrives,
// then passes them on with the asset row last. A store interrupted by the
// scan's cancellation (SIGINT, SIGTERM) is dropped with everything it read
// and counted in Stats.Abandoned only, so a resumed scan reads it again
// instead of keeping half of it.
type collector struct {
	ctx     context.Context
	results chan result
	done    chan struct{}
	pending map[string]*pendingStore
	stats   Stats
	err     error
}

// startCollector starts the collector for sink; cancel is called on the
// first sink error so workers stop early. ctx is the scan's context: at
// finish, objects whose store never ended are passed on only if it is live.
func startCollector(ctx context.Context, sink Sink, cancel context.CancelFunc) *collector {
	c := &collector{ctx: ctx, results: make(chan result, 256), done: make(chan struct{}), pending: map[string]*pendingStore{}}
	go func() {
		defer close(c.done)
		for r := range c.results {
			if c.err != nil {
				continue // drain
			}
			c.err = c.record(sink, r)
			if c.err != nil {
				cancel()
			}
		}
		if c.err == nil {
			c.err = c.flushOrphans(sink)
		}
	}()
	return c
}

func (c *collector) record(sink Sink, r result) error {
	switch {
	case r.asset != nil:
		p := c.pending[r.asset.ARN]
		delete(c.pending, r.asset.ARN)
		if r.interrupted {
			c.stats.Abandoned++
			return nil
		}
		if p != nil {
			if err := c.flush(sink, p); err != nil {
				return err
			}
		}
		c.stats.Assets++
		if r.asset.Status == StatusError {
			c.stats.Unread++
		}
		return sink.Asset(*r.asset)
	case r.object != nil:
		c.store(r.object.AssetARN).objects = append(c.store(r.object.AssetARN).objects, *r.object)
	case r.finding != nil:
		c.store(r.finding.AssetARN).findings = append(c.store(r.finding.AssetARN).findings, *r.finding)
	}
	return nil
}

func (c *collector) store(arn string) *pendingStore {
	p := c.pending[arn]
	if p == nil {
		p = &pendingStore{}
		c.pending[arn] = p
	}
	return p
}

// flush counts a finished store's objects and findings and passes them to
// the sink.
func (c *collector) flush(sink Sink, p *pendingStore) error {
	for _, o := range p.objects {
		c.stats.Objects++
		c.stats.BytesRead += o.BytesRead
		if o.Status == StatusSkipped {
			c.stats.Skipped++
		}
		if couldNotRead(o.Reason) {
			c.stats.Unread++
		}
		if err := sink.Object(o); err != nil {
			return err
		}
	}
	for _, f := range p.findings {
		c.stats.Findings++
		c.stats.Matches += f.Count
		if err := sink.Finding(f); err != nil {
			return err
		}
	}
	return nil
}

// flushOrphans handles results whose asset row never came. Every scanner
// ends a store with its asset row, so there are none unless a worker
// returned early: when the scan was cancelled they are dropped with their
// store; otherwise they are recorded, as they were before stores were held
// back, rather than lost.
func (c *collector) flushOrphans(sink Sink) error {
	for arn, p := range c.pending {
		delete(c.pending, arn)
		if c.ctx.Err() != nil {
			c.stats.Abandoned++
			continue
		}
		if err := c.flush(sink, p); err != nil {
			return err
		}
	}
	return nil
}

// finish closes the channel, waits for the collector and returns the
// stats and the first sink error. Call it once, after every worker is done.
func (c *collector) finish() (Stats, error) {
	close(c.results)
	<-c.done
	return c.stats, c.err
}
