package scanner

import "context"

// result is one message from a worker to the collector.
type result struct {
	asset   *Asset
	object  *ObjectResult
	finding *Finding
}

// collector is the single goroutine that owns a scan's Sink and Stats:
// workers send results on its channel and never touch either directly.
// When the sink fails it cancels the scan and drains what is still sent.
type collector struct {
	results chan result
	done    chan struct{}
	stats   Stats
	err     error
}

// startCollector starts the collector for sink; cancel is called on the
// first sink error so workers stop early.
func startCollector(sink Sink, cancel context.CancelFunc) *collector {
	c := &collector{results: make(chan result, 256), done: make(chan struct{})}
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
	}()
	return c
}

func (c *collector) record(sink Sink, r result) error {
	switch {
	case r.asset != nil:
		c.stats.Assets++
		if r.asset.Status == StatusError {
			c.stats.Unread++
		}
		return sink.Asset(*r.asset)
	case r.object != nil:
		c.stats.Objects++
		c.stats.BytesRead += r.object.BytesRead
		if r.object.Status == StatusSkipped {
			c.stats.Skipped++
		}
		if couldNotRead(r.object.Reason) {
			c.stats.Unread++
		}
		return sink.Object(*r.object)
	case r.finding != nil:
		c.stats.Findings++
		c.stats.Matches += r.finding.Count
		return sink.Finding(*r.finding)
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
