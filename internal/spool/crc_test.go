package spool

import (
	"hash/crc32"
	"testing"
)

// FuzzCRC32C: the queue's own CRC-32C is hash/crc32's Castagnoli checksum, for every
// input (lengths around the 8-byte steps included), so that files written by either read
// with the other.
func FuzzCRC32C(f *testing.F) {
	for _, s := range []string{"", "a", "1234567", "12345678", "123456789", "the payload of a request\n"} {
		f.Add([]byte(s))
	}
	table := crc32.MakeTable(crc32.Castagnoli)
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := crc32c(b), crc32.Checksum(b, table); got != want {
			t.Fatalf("crc32c(%q) = %#x, hash/crc32 says %#x", b, got, want)
		}
	})
}

// TestCRC32CKnownValue: the check value of CRC-32C ("123456789" → 0xe3069283); the
// golden request file (TestEncodeItemFormat) pins a payload's checksum as well.
func TestCRC32CKnownValue(t *testing.T) {
	t.Parallel()
	if got := crc32c([]byte("123456789")); got != 0xe3069283 {
		t.Errorf("crc32c(123456789) = %#x, want 0xe3069283", got)
	}
}

func BenchmarkCRC32C(b *testing.B) {
	data := make([]byte, 4096)
	for i := range data {
		data[i] = byte(i * 7)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		crc32c(data)
	}
}
