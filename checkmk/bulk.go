package checkmk

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"iter"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxBulkLineSize is the longest line a BulkReader accepts, in bytes. Checkmk cuts a value
// at 65,536 characters (up to 4 bytes each in UTF-8) and appends a short notice; a longer
// line is reported by InvalidLines and skipped.
const MaxBulkLineSize = 1 << 20

// InvalidLine is a line of bulk input that was skipped. It carries no text of the line,
// which might hold part of a secret.
type InvalidLine struct {
	// Line is the line number, counting from 1.
	Line int
	// Reason says why the line was skipped.
	Reason string
}

// String returns "line <n>: <reason>".
func (l InvalidLine) String() string { return "line " + strconv.Itoa(l.Line) + ": " + l.Reason }

// BulkReader reads the standard input of a notification script called with --bulk: a
// block of parameter variables, then one context per notification, each after an empty
// line. It streams: one context at a time is held in memory, whatever the size of the
// bulk.
//
// Like Checkmk's own reader it strips every line of surrounding whitespace, splits it at
// the first "=", turns the byte 0x01 back into a newline, and skips lines without "="
// (see InvalidLines) instead of failing. Contexts without any variable (from repeated
// empty lines) are skipped.
//
// A BulkReader is not safe for concurrent use.
type BulkReader struct {
	r     *bufio.Reader
	buf   []byte // the current line
	block []byte // the lines of the current block
	spans []span
	line  int

	paramsRead bool
	params     hiddenMap // hidden from fmt: parameters may hold secrets
	// more is true when an empty line has been read, so another context may follow.
	more bool

	index    int
	lastSize int // variables of the previous context, to size the next map
	invalid  []InvalidLine
	err      error
}

// NewBulkReader returns a reader of the bulk protocol on r. It reads nothing yet.
func NewBulkReader(r io.Reader) *BulkReader {
	return &BulkReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// Parameters returns the parameter block (variable names without NOTIFY_, e.g.
// "PARAMETER_1"), reading it first if needed. It is empty for a method without
// parameters. A read error is returned by the next call of Next. The map is the reader's
// own; do not change it.
func (b *BulkReader) Parameters() map[string]string {
	b.readParameters()
	return b.params.get()
}

func (b *BulkReader) readParameters() {
	if b.paramsRead {
		return
	}
	b.paramsRead = true
	params := map[string]string{}
	b.more = b.readBlock(params, nil)
	b.params = hide(params)
}

// Next returns the next context (variable names without NOTIFY_, values decoded), or
// io.EOF after the last one. Any other error is a read error and ends the bulk. The
// returned map belongs to the caller.
func (b *BulkReader) Next() (map[string]string, error) {
	ctx, _, _, err := b.next(false)
	return ctx, err
}

// next reads the next non-empty context; with decode set it also feeds each variable to
// a decoder as it is read.
func (b *BulkReader) next(decode bool) (ctx map[string]string, d *decoder, startLine int, err error) {
	b.readParameters()
	for {
		if b.err != nil {
			return nil, nil, 0, b.err
		}
		if !b.more {
			return nil, nil, 0, io.EOF
		}
		ctx = make(map[string]string, max(b.lastSize, 16)+len(b.params.get()))
		if decode {
			dec := newDecoder(ctx)
			d = &dec
		}
		start := b.line + 1
		b.more = b.readBlock(ctx, d)
		if len(ctx) > 0 {
			b.index++
			b.lastSize = len(ctx)
			return ctx, d, start, nil
		}
		if b.err != nil {
			return nil, nil, 0, b.err
		}
	}
}

// nextNotification returns the next context as a Notification, or io.EOF after the last
// one. Parameters of the bulk fill in variables the context lacks; the context's own
// values win. A context that does not make a Notification gives a *BulkContextError
// wrapping New's error; reading can go on after it. Other errors end the bulk.
func (b *BulkReader) nextNotification() (*Notification, error) {
	ctx, d, start, err := b.next(true)
	if err != nil {
		return nil, err
	}
	for k, v := range b.params.get() {
		if _, ok := ctx[k]; !ok {
			ctx[k] = v
			d.field(k, v)
		}
	}
	n, err := d.finish()
	if err != nil {
		return nil, &BulkContextError{Index: b.index, Line: start, Err: err}
	}
	return n, nil
}

// Notifications iterates over the notifications of the bulk. Parameters of the bulk fill
// in variables a context lacks; the context's own values win. A context that does not
// make a Notification is yielded as a *BulkContextError wrapping New's error, with a nil
// Notification, and iteration goes on; a read error is yielded last.
func (b *BulkReader) Notifications() iter.Seq2[*Notification, error] {
	return func(yield func(*Notification, error) bool) {
		for {
			n, err := b.nextNotification()
			if err == io.EOF {
				return
			}
			var ce *BulkContextError
			if err != nil && !errors.As(err, &ce) {
				yield(nil, err)
				return
			}
			if !yield(n, err) {
				return
			}
		}
	}
}

// InvalidLines returns the lines skipped so far: lines without "=" or with an empty name,
// and lines longer than MaxBulkLineSize.
func (b *BulkReader) InvalidLines() []InvalidLine { return b.invalid }

// readBlock reads KEY=value lines into m, and into d unless it is nil, until an empty line
// (it returns true: another context follows) or the end of the input (false). A read error
// is kept in b.err.
func (b *BulkReader) readBlock(m map[string]string, d *decoder) (more bool) {
	// The block's lines are collected in one buffer and turned into one string, so that a
	// context costs one allocation for all its names and values rather than one per line.
	b.block, b.spans = b.block[:0], b.spans[:0]
	defer func() { b.flushBlock(m, d) }()
	for {
		line, skipped, err := b.readLine()
		if err != nil {
			if err != io.EOF {
				b.err = err
			}
			return false
		}
		if skipped {
			continue
		}
		line = bytes.TrimFunc(line, isPythonSpace)
		if len(line) == 0 {
			return true
		}
		i := bytes.IndexByte(line, '=')
		switch {
		case i < 0:
			b.invalid = append(b.invalid, InvalidLine{Line: b.line, Reason: "no '=' in the line"})
			continue
		case i == 0:
			b.invalid = append(b.invalid, InvalidLine{Line: b.line, Reason: "empty variable name"})
			continue
		}
		start := len(b.block)
		b.block = append(b.block, line...)
		b.spans = append(b.spans, span{start: start, eq: start + i, end: len(b.block)})
	}
}

// span locates one KEY=value line in BulkReader.block.
type span struct{ start, eq, end int }

// flushBlock stores the collected lines in m (and d), decoding 0x01 to newlines.
func (b *BulkReader) flushBlock(m map[string]string, d *decoder) {
	if len(b.spans) == 0 {
		return
	}
	s := string(b.block)
	for _, sp := range b.spans {
		k, v := s[sp.start:sp.eq], s[sp.eq+1:sp.end]
		if strings.IndexByte(v, 0x01) >= 0 {
			v = strings.ReplaceAll(v, "\x01", "\n")
		}
		m[k] = v
		if d != nil {
			d.field(k, v)
		}
	}
	// Do not keep a huge buffer alive after an unusually large context.
	if cap(b.block) > 4*MaxBulkLineSize {
		b.block = nil
	}
}

// readLine returns the next line without its newline, skipped=true for a line that was too
// long (recorded in InvalidLines), or io.EOF at the end of the input.
func (b *BulkReader) readLine() (line []byte, skipped bool, err error) {
	b.buf = b.buf[:0]
	tooLong := false
	for {
		var frag []byte
		frag, err = b.r.ReadSlice('\n')
		if len(frag) > 0 && !tooLong {
			if len(b.buf)+len(frag) > MaxBulkLineSize+1 {
				tooLong = true
				b.buf = b.buf[:0]
			} else {
				b.buf = append(b.buf, frag...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		if err == io.EOF && len(frag) == 0 && len(b.buf) == 0 && !tooLong {
			return nil, false, io.EOF
		}
		b.line++
		if tooLong {
			b.invalid = append(b.invalid, InvalidLine{Line: b.line, Reason: "longer than " + strconv.Itoa(MaxBulkLineSize) + " bytes"})
			return nil, true, nil
		}
		return bytes.TrimSuffix(b.buf, []byte{'\n'}), false, nil
	}
}

// isPythonSpace reports whether Python's str.strip would remove r: Unicode white space
// plus the ASCII separators 0x1C to 0x1F.
func isPythonSpace(r rune) bool {
	if r < utf8.RuneSelf {
		switch r {
		case ' ', '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f:
			return true
		}
		return false
	}
	return unicode.IsSpace(r)
}
