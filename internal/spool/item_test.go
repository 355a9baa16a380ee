package spool

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 21, 5, 50, 0, 123456789, time.UTC)

func TestEncodeItemFormat(t *testing.T) {
	t.Parallel()
	data, err := encodeItem("ilert", t0, 0, Rate{}, []byte(`{"summary":"disk full"}`))
	if err != nil {
		t.Fatal(err)
	}
	testutil.GoldenText(t, filepath.Join("testdata", "request.golden.req"), data)
}

func TestDecodeItem(t *testing.T) {
	t.Parallel()
	valid, err := encodeItem("ilert", t0, 0, Rate{}, []byte("payload\nwith lines\n"))
	if err != nil {
		t.Fatal(err)
	}
	empty, err := encodeItem("a", t0, 0, Rate{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := bytes.Cut(valid, []byte("\n"))
	tests := []struct {
		name        string
		data        []byte
		wantPayload string
		wantErr     bool
	}{
		{name: "valid", data: valid, wantPayload: "payload\nwith lines\n"},
		{name: "empty payload", data: empty, wantPayload: ""},
		{name: "unknown metadata fields are ignored", data: append([]byte(`{"future":true,`), valid[1:]...), wantPayload: "payload\nwith lines\n"},
		{name: "empty file", data: nil, wantErr: true},
		{name: "metadata only, no newline", data: head, wantErr: true},
		{name: "truncated payload", data: valid[:len(valid)-3], wantErr: true},
		{name: "extra payload", data: append(bytes.Clone(valid), 'x'), wantErr: true},
		{name: "flipped payload byte", data: flip(valid, len(valid)-2), wantErr: true},
		{name: "not JSON", data: []byte("hello\nworld"), wantErr: true},
		{name: "JSON array", data: []byte("[1]\n"), wantErr: true},
		{name: "other version", data: bytes.Replace(valid, []byte(`"v":1`), []byte(`"v":2`), 1), wantErr: true},
		{name: "bad destination", data: bytes.Replace(valid, []byte(`"ilert"`), []byte(`"../x"`), 1), wantErr: true},
		{name: "no time", data: []byte(`{"v":1,"destination":"a","size":0,"crc32c":0}` + "\n"), wantErr: true},
		{name: "negative size", data: bytes.Replace(valid, []byte(`"size":19`), []byte(`"size":-1`), 1), wantErr: true},
		{name: "overlong metadata line", data: append(bytes.Repeat([]byte(" "), maxHeaderLen+1), valid...), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, payload, err := decodeItem(tt.data)
			if tt.wantErr {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("decodeItem: error %v, want one wrapping ErrCorrupt", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("decodeItem: %v", err)
			}
			if diff := cmp.Diff(tt.wantPayload, string(payload)); diff != "" {
				t.Errorf("payload (-want +got):\n%s", diff)
			}
			if !h.Enqueued.Equal(t0) {
				t.Errorf("enqueued = %v, want %v", h.Enqueued, t0)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	b = bytes.Clone(b)
	b[i] ^= 0x01
	return b
}

// FuzzDecodeItem feeds arbitrary file contents to the decoder: it must never panic, must
// classify every failure as ErrCorrupt, and whatever it accepts must survive a round trip.
func FuzzDecodeItem(f *testing.F) {
	for _, p := range [][]byte{nil, []byte(`{"summary":"disk full"}`), []byte("a\nb\n"), {0xff, 0x00}} {
		data, err := encodeItem("ilert-main", t0, 0, Rate{}, p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	withMaxAge, err := encodeItem("ilert-main", t0, 90*time.Minute, Rate{}, []byte(`{}`))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(withMaxAge)
	withRate, err := encodeItem("ilert-main", t0, 0, Rate{N: 5, Per: 10 * time.Second}, []byte(`{}`))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(withRate)
	f.Add([]byte("{}\n"))
	f.Add([]byte(`{"v":1,"destination":"a","enqueued":"2026-01-01T00:00:00+01:00","size":1,"crc32c":0}` + "\nx"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, payload, err := decodeItem(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		again, err := encodeItem(h.Destination, h.Enqueued, time.Duration(h.MaxAge), Rate(h.Rate), payload)
		if err != nil {
			t.Fatalf("re-encode an accepted item: %v", err)
		}
		h2, payload2, err := decodeItem(again)
		if err != nil {
			t.Fatalf("decode a re-encoded item: %v", err)
		}
		if !h2.Enqueued.Equal(h.Enqueued) || h2.Destination != h.Destination || !bytes.Equal(payload, payload2) || h2.MaxAge != h.MaxAge || h2.Rate != h.Rate {
			t.Fatalf("round trip changed the item: %+v %q -> %+v %q", h, payload, h2, payload2)
		}
	})
}

func TestValidDestination(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		dest string
		want bool
	}{
		{"simple", "ilert", true},
		{"all classes", "A-z_0.9", true},
		{"64 characters", string(bytes.Repeat([]byte("a"), 64)), true},
		{"65 characters", string(bytes.Repeat([]byte("a"), 65)), false},
		{"empty", "", false},
		{"dot", ".", false},
		{"dot dot", "..", false},
		{"three dots", "...", true},
		{"slash", "a/b", false},
		{"backslash", `a\b`, false},
		{"space", "a b", false},
		{"NUL", "a\x00", false},
		{"non-ASCII", "ümlaut", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ValidDestination(tt.dest); got != tt.want {
				t.Errorf("ValidDestination(%q) = %v, want %v", tt.dest, got, tt.want)
			}
		})
	}
}

func TestSeqNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		file   string
		want   uint64
		wantOK bool
	}{
		{"zero", "00000000000000000000.req", 0, true},
		{"time", "01763704200123456789.req", 1763704200123456789, true},
		{"max", "18446744073709551615.req", 1<<64 - 1, true},
		{"overflow", "18446744073709551616.req", 0, false},
		{"short", "123.req", 0, false},
		{"other suffix", "00000000000000000001.reason", 0, false},
		{"temp", "tmp-abc", 0, false},
		{"letters", "0000000000000000000a.req", 0, false},
		{"backup", "00000000000000000001.req~", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := parseSeqName(tt.file, reqSuffix)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseSeqName(%q) = %d, %v; want %d, %v", tt.file, got, ok, tt.want, tt.wantOK)
			}
			if ok && seqName(got, reqSuffix) != tt.file {
				t.Errorf("seqName(%d) = %q, want %q", got, seqName(got, reqSuffix), tt.file)
			}
		})
	}
}
