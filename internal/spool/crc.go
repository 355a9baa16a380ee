package spool

import "sync"

// crc32c returns the CRC-32 (Castagnoli) checksum of b, the checksum of a request file's
// payload, the same as hash/crc32's Checksum with its Castagnoli table. It is computed by
// slicing by 8 with tables built at its first use (2,048 entries, microseconds), because
// hash/crc32 prepares its hardware tables for Castagnoli in the package's init as soon as
// the table is made: about 0.3 ms of every process that links the queue, and the Checkmk
// notifier is one process per notification.
func crc32c(b []byte) uint32 {
	t := castagnoliTables()
	crc := ^uint32(0)
	for len(b) >= 8 {
		crc ^= uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
		crc = t[0][b[7]] ^ t[1][b[6]] ^ t[2][b[5]] ^ t[3][b[4]] ^
			t[4][crc>>24] ^ t[5][crc>>16&0xff] ^ t[6][crc>>8&0xff] ^ t[7][crc&0xff]
		b = b[8:]
	}
	for _, c := range b {
		crc = t[0][byte(crc)^c] ^ crc>>8
	}
	return ^crc
}

// castagnoliPoly is the Castagnoli polynomial, reversed (hash/crc32.Castagnoli).
const castagnoliPoly = 0x82f63b78

// castagnoliTables are the slicing-by-8 tables of the polynomial: t[0] the byte-wise table,
// t[k][i] the CRC of byte i followed by k zero bytes.
var castagnoliTables = sync.OnceValue(func() *[8][256]uint32 {
	t := new([8][256]uint32)
	for i := range 256 {
		crc := uint32(i)
		for range 8 {
			if crc&1 == 1 {
				crc = crc>>1 ^ castagnoliPoly
			} else {
				crc >>= 1
			}
		}
		t[0][i] = crc
	}
	for i := range 256 {
		crc := t[0][i]
		for k := 1; k < 8; k++ {
			crc = t[0][crc&0xff] ^ crc>>8
			t[k][i] = crc
		}
	}
	return t
})
