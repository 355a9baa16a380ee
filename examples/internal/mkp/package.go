package mkp

import (
	"archive/tar"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"slices"
	"time"
)

// File is one file of a package: its part, its path relative to the part's directory,
// and its content, read from Body (offsets 0 to Size). A *bytes.Reader and an *os.File
// both serve as Body; it is read each time the package is written.
type File struct {
	Part Part
	Path string
	Size int64
	Body io.ReaderAt
}

// BytesFile returns a File holding data.
func BytesFile(part Part, path string, data []byte) File {
	return File{Part: part, Path: path, Size: int64(len(data)), Body: bytes.NewReader(data)}
}

// Mode returns the permissions Checkmk gives the file when it installs it (Part.Mode).
func (f File) Mode() int64 { return int64(f.Part.Mode(f.Path)) }

// DefaultModTime returns the modification time written for every entry unless
// WithModTime gives another: a fixed time (2026-01-01 00:00 UTC), so that building the
// same package twice gives the same bytes. Checkmk does not keep it: "mkp enable"
// extracts with tar --touch.
func DefaultModTime() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// Option changes how New builds a package.
type Option func(*settings) error

type settings struct {
	modTime time.Time
}

// WithModTime sets the modification time of every entry (for example from
// SOURCE_DATE_EPOCH). It must lie between 1970 and 2200.
func WithModTime(t time.Time) Option {
	return func(s *settings) error {
		if t.Before(time.Unix(1, 0)) || t.After(time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)) {
			return fmt.Errorf("mkp: modification time %s is out of range", t.Format(time.RFC3339))
		}
		s.modTime = t.UTC().Truncate(time.Second)
		return nil
	}
}

// Package is an extension package ready to be written. Make one with New.
type Package struct {
	manifest Manifest
	files    []File // sorted by part, then path
	modTime  time.Time
}

// New returns the package with manifest m and files. The manifest's Files are set from
// files (sorted by path within each part); m must otherwise be complete (see
// Manifest.Validate). Every file needs a valid part, a clean relative path that no other
// file of its part has, a size of 0 or more and a Body.
func New(m Manifest, files []File, opts ...Option) (*Package, error) {
	s := settings{modTime: DefaultModTime()}
	for _, o := range opts {
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	if len(files) == 0 {
		return nil, errNoFiles
	}
	sorted := slices.Clone(files)
	slices.SortFunc(sorted, func(a, b File) int {
		return cmp.Or(cmp.Compare(a.Part, b.Part), cmp.Compare(a.Path, b.Path))
	})
	m.Files = map[Part][]string{}
	for i, f := range sorted {
		switch {
		case !f.Part.Valid():
			return nil, fmt.Errorf("mkp: file %q: unknown package part %q", f.Path, f.Part)
		case f.Size < 0 || f.Body == nil:
			return nil, fmt.Errorf("mkp: file %s/%s has no content", f.Part, f.Path)
		case i > 0 && sorted[i-1].Part == f.Part && sorted[i-1].Path == f.Path:
			return nil, fmt.Errorf("mkp: file %s/%s is given twice", f.Part, f.Path)
		}
		if err := checkRelPath(f.Path); err != nil {
			return nil, fmt.Errorf("mkp: part %s: %w", f.Part, err)
		}
		m.Files[f.Part] = append(m.Files[f.Part], f.Path)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &Package{manifest: m, files: sorted, modTime: s.modTime}, nil
}

// Manifest returns the package's manifest, with Files filled in.
func (p *Package) Manifest() Manifest {
	m := p.manifest
	m.Files = make(map[Part][]string, len(p.manifest.Files))
	for k, v := range p.manifest.Files {
		m.Files[k] = slices.Clone(v)
	}
	return m
}

// FileName returns the name of the package file, <name>-<version>.mkp.
func (p *Package) FileName() string { return p.manifest.FileName() }

// Files returns the package's files, sorted by part and path.
func (p *Package) Files() []File { return slices.Clone(p.files) }

// Write writes the package file to w: a gzip-compressed tar archive holding "info" (the
// manifest as a Python literal), "info.json" and one uncompressed "<part>.tar" per part
// with that part's files by their relative paths, in this order (parts by name, files by
// path), each file with the mode Checkmk installs it with. The output depends only on the
// package: fixed modification times, owner 0, no user or group names, no gzip name or
// time. ctx is checked while file contents are copied.
func (p *Package) Write(ctx context.Context, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	for _, e := range []struct {
		name string
		data []byte
	}{{"info", p.manifest.PythonLiteral()}, {"info.json", p.manifest.JSON()}} {
		if err := tw.WriteHeader(p.header(e.name, 0o644, int64(len(e.data)))); err != nil {
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	for _, part := range p.manifest.sortedParts() {
		files := p.partFiles(part)
		if err := tw.WriteHeader(p.header(string(part)+".tar", 0o644, partTarSize(files))); err != nil {
			return err
		}
		if err := p.writePartTar(ctx, tw, files); err != nil {
			return fmt.Errorf("mkp: part %s: %w", part, err)
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

func (p *Package) partFiles(part Part) []File {
	var fs []File
	for _, f := range p.files {
		if f.Part == part {
			fs = append(fs, f)
		}
	}
	return fs
}

func (p *Package) header(name string, mode, size int64) *tar.Header {
	return &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Mode:     mode,
		Size:     size,
		ModTime:  p.modTime,
		Format:   tar.FormatUSTAR,
	}
}

// partTarSize is the exact length of the tar archive writePartTar writes: one 512-byte
// ustar header per file (paths are at most 100 bytes), the content padded to 512 bytes,
// and two zero blocks at the end (archive/tar pads to no larger record).
func partTarSize(files []File) int64 {
	const block = 512
	n := int64(2 * block)
	for _, f := range files {
		n += block + (f.Size+block-1)/block*block
	}
	return n
}

func (p *Package) writePartTar(ctx context.Context, w io.Writer, files []File) error {
	tw := tar.NewWriter(w)
	for _, f := range files {
		if err := tw.WriteHeader(p.header(f.Path, f.Mode(), f.Size)); err != nil {
			return err
		}
		n, err := io.Copy(tw, &ctxReader{ctx: ctx, r: io.NewSectionReader(f.Body, 0, f.Size)})
		if err != nil {
			return fmt.Errorf("reading %s: %w", f.Path, err)
		}
		if n != f.Size {
			return fmt.Errorf("reading %s: got %d of %d bytes", f.Path, n, f.Size)
		}
	}
	return tw.Close()
}

// ctxReader stops reading when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(b []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(b)
}
