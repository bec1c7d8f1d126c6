package scanner

import (
	"hash/fnv"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
	"time"
)

// ObjectRef is a listed object.
type ObjectRef struct {
	Key          string
	Size         int64
	StorageClass string
	ETag         string
	LastModified time.Time
	Encryption   string // from an S3 Inventory's EncryptionStatus when it was the source; "" otherwise
}

// maxStrata caps distinct strata per bucket so a bucket with millions of
// prefixes cannot grow the sampler without bound; keys past the cap share
// one overflow stratum.
const maxStrata = 1024

// sampler keeps a stratified reservoir sample of a bucket listing: one
// reservoir per (top-level prefix, file type, size class), so the sample
// spreads across the bucket instead of taking the first keys. Memory is
// bounded by maxStrata × per-stratum capacity. Not safe for concurrent use.
type sampler struct {
	perStratum int
	rng        *rand.Rand
	strata     map[string]*reservoir
	order      []string // strata in first-seen order, for determinism

	Listed      int64 // objects seen
	ListedBytes int64 // bytes of objects seen
}

type reservoir struct {
	seen  int64
	items []ObjectRef
}

// newSampler returns a sampler that keeps up to n objects per stratum,
// seeded from the bucket name so a rerun over the same listing picks the
// same sample.
func newSampler(bucket string, n int) *sampler {
	h := fnv.New64a()
	h.Write([]byte(bucket))
	seed := h.Sum64()
	return &sampler{
		perStratum: n,
		rng:        rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		strata:     map[string]*reservoir{},
	}
}

// stratum names the stratum of a key: its top-level prefix, its extension
// and its size class.
func stratum(key string, size int64) string {
	prefix := ""
	if i := strings.IndexByte(key, '/'); i >= 0 {
		prefix = key[:i]
	}
	ext := strings.ToLower(path.Ext(key))
	if len(ext) > 10 {
		ext = ".?"
	}
	return prefix + "|" + ext + "|" + sizeClass(size)
}

func sizeClass(size int64) string {
	switch {
	case size < 1<<10:
		return "tiny"
	case size < 1<<20:
		return "small"
	case size < 100<<20:
		return "medium"
	default:
		return "large"
	}
}

// Add offers one listed object to the sample.
func (s *sampler) Add(o ObjectRef) {
	s.Listed++
	s.ListedBytes += o.Size
	name := stratum(o.Key, o.Size)
	r, ok := s.strata[name]
	if !ok {
		if len(s.strata) >= maxStrata {
			name = "|overflow|"
			r, ok = s.strata[name]
		}
		if !ok {
			r = &reservoir{}
			s.strata[name] = r
			s.order = append(s.order, name)
		}
	}
	r.seen++
	if len(r.items) < s.perStratum {
		r.items = append(r.items, o)
		return
	}
	// Algorithm R: keep the new item with probability perStratum/seen.
	if j := s.rng.Int64N(r.seen); j < int64(s.perStratum) {
		r.items[j] = o
	}
}

// Sample returns up to n objects drawn round-robin across strata, so every
// stratum is represented before any gets a second pick. Strata and the items
// within each are visited in a shuffled (seeded) order. The result is sorted by key.
func (s *sampler) Sample(n int) []ObjectRef {
	names := append([]string(nil), s.order...)
	sort.Strings(names)
	// When there are more strata than picks, which strata get one must not
	// depend on their names: shuffle them (deterministically).
	s.rng.Shuffle(len(names), func(a, b int) { names[a], names[b] = names[b], names[a] })
	pools := make([][]ObjectRef, len(names))
	for i, name := range names {
		items := append([]ObjectRef(nil), s.strata[name].items...)
		s.rng.Shuffle(len(items), func(a, b int) { items[a], items[b] = items[b], items[a] })
		pools[i] = items
	}
	var out []ObjectRef
	for round := 0; len(out) < n; round++ {
		added := false
		for i := range pools {
			if round < len(pools[i]) && len(out) < n {
				out = append(out, pools[i][round])
				added = true
			}
		}
		if !added {
			break
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Key < out[b].Key })
	return out
}
