package spool

import (
	"fmt"
	"strconv"
)

// MaxDestinationLen is the longest destination name accepted.
const MaxDestinationLen = 64

const (
	pendingDir    = "pending"
	failedDir     = "failed"
	reqSuffix     = ".req"
	reasonSuffix  = ".reason"
	seqFile       = "seq"
	flushLockFile = "flush.lock"
	holdFile      = "hold"
	paceFile      = "pace"
	lockSuffix    = ".lock"
	tempPrefix    = "tmp-"
	seqDigits     = 20 // enough for every uint64, so lexical order is numeric order
)

// ValidDestination reports whether name may be used as a destination: 1 to 64 characters
// from A-Z, a-z, 0-9, '.', '_' and '-', and neither "." nor "..". Callers derive the name
// from configuration without secrets (for example "ilert-main" or a hash of the URL).
func ValidDestination(name string) bool {
	if name == "" || len(name) > MaxDestinationLen || name == "." || name == ".." {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

func checkDestination(name string) error {
	if !ValidDestination(name) {
		return fmt.Errorf("%w: %q", ErrInvalidDestination, truncateName(name))
	}
	return nil
}

// truncateName keeps error messages bounded when a caller passes something long.
func truncateName(name string) string {
	const keep = MaxDestinationLen + 8
	if len(name) > keep {
		return name[:keep] + "…"
	}
	return name
}

// seqName is the file name of the request with sequence number seq.
func seqName(seq uint64, suffix string) string {
	var buf [seqDigits + 8]byte
	b := strconv.AppendUint(buf[:0], seq, 10)
	pad := seqDigits - len(b)
	out := make([]byte, 0, seqDigits+len(suffix))
	for range pad {
		out = append(out, '0')
	}
	out = append(out, b...)
	out = append(out, suffix...)
	return string(out)
}

// parseSeqName returns the sequence number of a request file name, and false for every
// other name (temporary files, locks, state, stray files).
func parseSeqName(name, suffix string) (uint64, bool) {
	if len(name) != seqDigits+len(suffix) || name[seqDigits:] != suffix {
		return 0, false
	}
	var n uint64
	for i := 0; i < seqDigits; i++ {
		c := name[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (^uint64(0)-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}
