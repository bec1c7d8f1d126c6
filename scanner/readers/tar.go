package readers

import (
	"archive/tar"
	"bufio"
	"io"
	"strings"
)

// readTar reads the regular files of a tar archive as entries. Directories,
// links and devices are passed over. archive/tar caps PAX and GNU long-name
// headers at 1 MiB; the holes of a sparse file, which cost no input, count
// against MaxDecompressed.
func (r *run) readTar(c content, br *bufio.Reader) outcome {
	if c.depth >= r.lim.MaxDepth {
		return outcome{reason: ReasonArchiveDepthLimit}
	}
	in := &countReader{r: br}
	tr := tar.NewReader(in)
	var o outcome
	for n := 0; ; n++ {
		if r.stopped() {
			o.merge(outcome{reason: r.stopReason()})
			break
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			if n == 0 {
				o.read = true // an empty archive is read
			}
			break
		}
		if err != nil {
			o.merge(outcome{reason: r.reasonFor(err)})
			break
		}
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA && hdr.Typeflag != tar.TypeGNUSparse && hdr.Typeflag != tar.TypeCont {
			continue
		}
		if !r.visit() {
			o.merge(outcome{reason: ReasonArchiveEntryLimit})
			break
		}
		name := cleanName(hdr.Name)
		var src io.Reader = tr
		if sparse(hdr) {
			src = &layerReader{r: r, src: tr}
		}
		ec := content{name: name, entry: joinEntry(c.entry, name), depth: c.depth + 1, size: hdr.Size}
		ec.open = func() io.Reader { return src }
		o.merge(r.readEntry(ec))
	}
	o.bytes = in.n
	return o
}

// sparse reports whether a tar header describes a sparse file.
func sparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}
