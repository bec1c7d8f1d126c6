package readers

import (
	"bytes"
	"context"
	"io"
	"unicode/utf8"
)

// readText emits r as free text in segments of up to segmentSize bytes, cut
// after the last newline of each (so lines stay whole), or, in a line longer
// than a segment, after the last blank in its final 4 KiB, or else at a rune
// boundary. It counts lines in res.Records. Any byte sequence is accepted.
func readText(ctx context.Context, r io.Reader, emit func(Segment) error, res *Result) error {
	bp := segmentPool.Get().(*[]byte)
	defer segmentPool.Put(bp)
	buf := *bp
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		m, err := io.ReadFull(r, buf[n:])
		n += m
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if n == 0 {
				return nil
			}
			res.Records += int64(bytes.Count(buf[:n], []byte{'\n'}))
			if buf[n-1] != '\n' {
				res.Records++
			}
			return emit(Segment{Data: buf[:n]})
		}
		if err != nil {
			return err
		}
		cut := cutPoint(buf[:n])
		res.Records += int64(bytes.Count(buf[:cut], []byte{'\n'}))
		if err := emit(Segment{Data: buf[:cut]}); err != nil {
			return err
		}
		n = copy(buf, buf[cut:n])
	}
}

// cutPoint returns where to end a segment taken from the full buffer b.
func cutPoint(b []byte) int {
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return i + 1
	}
	tail := max(0, len(b)-4<<10)
	if i := bytes.LastIndexAny(b[tail:], " \t\r\f\v"); i >= 0 {
		return tail + i + 1
	}
	// Back up over continuation bytes to the start of the last rune.
	for i := len(b) - 1; i > len(b)-utf8.UTFMax && i > 0; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}
