package readers

// thriftWalker checks thrift compact-protocol data before parquet-go
// decodes it. parquet-go sizes slices by the list lengths it reads (up to
// 2^31 elements from a few bytes) and a failed allocation of that size
// kills the process, so every length is checked against the bytes left,
// nesting is capped, and the memory a decoder would allocate is estimated
// (weight) so that the caller can refuse an outsized footer.
type thriftWalker struct {
	b      []byte
	pos    int
	weight int64

	// Set while walking a FileMetaData: the row_groups list (field 4).
	rgHeader, rgElems, rgEnd int   // list header, first element, end
	rgEnds                   []int // end of each of the first keepRowGroups elements
	rgType                   byte
	rgCount                  int
	encrypted                bool // encryption_algorithm (field 8) is set
}

// Compact protocol types.
const (
	tBoolTrue  = 1
	tBoolFalse = 2
	tByte      = 3
	tI16       = 4
	tI32       = 5
	tI64       = 6
	tDouble    = 7
	tBinary    = 8
	tList      = 9
	tSet       = 10
	tMap       = 11
	tStruct    = 12
)

const (
	thriftMaxNest    = 64
	thriftStructCost = 1024 // estimated bytes a decoded struct costs (the largest footer struct is 560)
	keepRowGroups    = 4    // row groups of a Parquet file that are read
)

// elemCost estimates the bytes one decoded element of type t costs.
func elemCost(t byte) int64 {
	switch t {
	case tStruct:
		return thriftStructCost
	case tBinary, tList, tSet, tMap:
		return 24
	}
	return 8
}

func (w *thriftWalker) byte1() (byte, bool) {
	if w.pos >= len(w.b) {
		return 0, false
	}
	c := w.b[w.pos]
	w.pos++
	return c, true
}

func (w *thriftWalker) varint() (uint64, bool) {
	var v uint64
	for i := 0; i < 10; i++ {
		c, ok := w.byte1()
		if !ok {
			return 0, false
		}
		v |= uint64(c&0x7F) << (7 * i)
		if c&0x80 == 0 {
			return v, true
		}
	}
	return 0, false
}

// structure walks a struct to its stop field. top marks the FileMetaData
// of a footer, whose row_groups list is recorded.
func (w *thriftWalker) structure(depth int, top bool) bool {
	if depth > thriftMaxNest {
		return false
	}
	id := int64(0)
	for {
		h, ok := w.byte1()
		if !ok {
			return false
		}
		if h == 0 {
			return true
		}
		t := h & 0x0F
		if d := h >> 4; d != 0 {
			id += int64(d)
		} else {
			v, ok := w.varint()
			if !ok {
				return false
			}
			id = int64(v>>1) ^ -int64(v&1)
		}
		if top && id == 8 {
			w.encrypted = true
		}
		if top && id == 4 && t == tList {
			if !w.rowGroups(depth) {
				return false
			}
			continue
		}
		if !w.value(t, depth) {
			return false
		}
	}
}

// rowGroups walks the row_groups list, recording where its first
// keepRowGroups elements end. Only those are charged to weight: the
// caller keeps no more.
func (w *thriftWalker) rowGroups(depth int) bool {
	w.rgHeader = w.pos
	n, et, ok := w.listHeader()
	if !ok || et != tStruct {
		return false
	}
	w.rgElems, w.rgType, w.rgCount = w.pos, et, n
	for i := 0; i < n; i++ {
		before := w.weight
		if !w.value(et, depth+1) {
			return false
		}
		if i < keepRowGroups {
			w.rgEnds = append(w.rgEnds, w.pos)
			w.weight += thriftStructCost
		} else {
			w.weight = before
		}
	}
	w.rgEnd = w.pos
	return true
}

// listHeader reads a list or set header: its size, checked against the
// bytes left (every element takes at least one), and element type.
func (w *thriftWalker) listHeader() (int, byte, bool) {
	h, ok := w.byte1()
	if !ok {
		return 0, 0, false
	}
	n := uint64(h >> 4)
	if n == 15 {
		if n, ok = w.varint(); !ok {
			return 0, 0, false
		}
	}
	if n > uint64(len(w.b)-w.pos) {
		return 0, 0, false
	}
	return int(n), h & 0x0F, true
}

// value walks one value of type t.
func (w *thriftWalker) value(t byte, depth int) bool {
	switch t {
	case tBoolTrue, tBoolFalse:
		return true
	case tByte:
		_, ok := w.byte1()
		return ok
	case tI16, tI32, tI64:
		_, ok := w.varint()
		return ok
	case tDouble:
		if len(w.b)-w.pos < 8 {
			return false
		}
		w.pos += 8
		return true
	case tBinary:
		n, ok := w.varint()
		if !ok || n > uint64(len(w.b)-w.pos) {
			return false
		}
		w.pos += int(n)
		w.weight += int64(n)
		return true
	case tStruct:
		return w.structure(depth+1, false)
	case tList, tSet:
		n, et, ok := w.listHeader()
		if !ok {
			return false
		}
		w.weight += int64(n) * elemCost(et)
		for i := 0; i < n; i++ {
			if !w.elem(et, depth+1) {
				return false
			}
		}
		return true
	case tMap:
		n, ok := w.varint()
		if !ok || n > uint64(len(w.b)-w.pos)/2 {
			return false
		}
		if n == 0 {
			return true
		}
		kv, ok := w.byte1()
		if !ok {
			return false
		}
		w.weight += int64(n) * (elemCost(kv>>4) + elemCost(kv&0x0F))
		for i := uint64(0); i < n; i++ {
			if !w.elem(kv>>4, depth+1) || !w.elem(kv&0x0F, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// elem walks an element of a list, set or map, where a boolean takes a
// byte.
func (w *thriftWalker) elem(t byte, depth int) bool {
	if t == tBoolTrue || t == tBoolFalse {
		_, ok := w.byte1()
		return ok
	}
	return w.value(t, depth)
}

// appendListHeader encodes a compact-protocol list header.
func appendListHeader(b []byte, n int, t byte) []byte {
	if n < 15 {
		return append(b, byte(n)<<4|t)
	}
	b = append(b, 0xF0|t)
	for v := uint64(n); ; v >>= 7 {
		if v < 0x80 {
			return append(b, byte(v))
		}
		b = append(b, byte(v)|0x80)
	}
}
