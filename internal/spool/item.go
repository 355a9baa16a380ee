package spool

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// MaxPayloadSize is the largest payload Enqueue accepts (16 MiB). Alert payloads are a few
// KiB; Checkmk caps each context value at 64 Ki characters.
const MaxPayloadSize = 16 << 20

// itemVersion is the version of the request file format written by this package.
const itemVersion = 1

// maxHeaderLen bounds the metadata line of a request file.
const maxHeaderLen = 1024

// ID identifies a queued request as "<destination>/<seq>", the request's file name without
// ".req". IDs of one destination sort in enqueue order. An ID contains no secret.
type ID string

// Item is one queued request as handed to the deliver function of [Queue.Flush].
type Item struct {
	ID          ID
	Destination string
	Enqueued    time.Time     // when Enqueue wrote it, by the queue's clock
	MaxAge      time.Duration // its own maximum age ([ExpireAfter]); 0: the queue's applies
	Payload     []byte        // exactly the bytes given to Enqueue; the callee may keep it

	// Expiring is true when the request is older than its maximum age: this is its last
	// try. If it fails (a temporary failure or a rate limit), Flush moves the request to
	// failed/ as expired.
	Expiring bool
}

// header is the first line of a request file. Fields added to format version 1 later are
// optional (omitted when unset), so that older versions of the package still read the files
// and ignore what they do not know.
type header struct {
	Version     int         `json:"v"`
	Destination string      `json:"destination"`
	Enqueued    time.Time   `json:"enqueued"`
	MaxAge      maxAgeField `json:"maxAge,omitzero"` // since 2026-12; absent: the queue's default
	Rate        rateField   `json:"rate,omitzero"`   // since 2026-12; absent: not paced (unless the Flush says so)
	Size        int64       `json:"size"`
	CRC32C      uint32      `json:"crc32c"`
}

// maxAgeField is a request's maximum age in its header, written as Go writes a duration
// ("168h0m0s"), so that an administrator can read it.
type maxAgeField time.Duration

// MarshalText writes the duration as time.Duration.String does.
func (d maxAgeField) MarshalText() ([]byte, error) {
	return []byte(time.Duration(d).String()), nil
}

// UnmarshalText reads a positive duration in time.ParseDuration's syntax.
func (d *maxAgeField) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	if err != nil {
		return err
	}
	if v <= 0 {
		return fmt.Errorf("max age %v is not positive", v)
	}
	*d = maxAgeField(v)
	return nil
}

// rateField is a request's rate in its header, written as [Rate.String] writes it
// ("50/1m0s") and read by [ParseRate]; the zero Rate is not written.
type rateField Rate

// MarshalText writes the rate as Rate.String does.
func (r rateField) MarshalText() ([]byte, error) {
	return []byte(Rate(r).String()), nil
}

// UnmarshalText reads a rate that paces (not "0").
func (r *rateField) UnmarshalText(text []byte) error {
	v, err := ParseRate(string(text))
	if err != nil {
		return err
	}
	if v.Off() {
		return fmt.Errorf("rate %q paces nothing", text)
	}
	*r = rateField(v)
	return nil
}

// encodeItem returns the contents of a request file. A zero maxAge and the zero rate are
// not written: the queue's default maximum age applies to the request, and it is not
// paced.
func encodeItem(dest string, enqueued time.Time, maxAge time.Duration, rate Rate, payload []byte) ([]byte, error) {
	h, err := json.Marshal(header{
		Version:     itemVersion,
		Destination: dest,
		Enqueued:    enqueued.UTC(),
		MaxAge:      maxAgeField(maxAge),
		Rate:        rateField(rate),
		Size:        int64(len(payload)),
		CRC32C:      crc32c(payload),
	})
	if err != nil {
		return nil, fmt.Errorf("spool: encode request header: %w", err)
	}
	buf := make([]byte, 0, len(h)+1+len(payload))
	buf = append(buf, h...)
	buf = append(buf, '\n')
	return append(buf, payload...), nil
}

// decodeItem splits the contents of a request file into its metadata and payload. The
// payload aliases data. Every problem is reported as an error wrapping ErrCorrupt.
func decodeItem(data []byte) (header, []byte, error) {
	var h header
	nl := bytes.IndexByte(data[:min(len(data), maxHeaderLen+1)], '\n')
	if nl < 0 {
		return h, nil, fmt.Errorf("%w: no metadata line in the first %d bytes", ErrCorrupt, maxHeaderLen)
	}
	if err := json.Unmarshal(data[:nl], &h); err != nil {
		return h, nil, fmt.Errorf("%w: metadata: %v", ErrCorrupt, err)
	}
	payload := data[nl+1:]
	switch {
	case h.Version != itemVersion:
		return h, nil, fmt.Errorf("%w: unsupported format version %d", ErrCorrupt, h.Version)
	case !ValidDestination(h.Destination):
		return h, nil, fmt.Errorf("%w: invalid destination in metadata", ErrCorrupt)
	case h.Enqueued.IsZero():
		return h, nil, fmt.Errorf("%w: no enqueue time", ErrCorrupt)
	case h.Size != int64(len(payload)):
		return h, nil, fmt.Errorf("%w: payload is %d bytes, metadata says %d", ErrCorrupt, len(payload), h.Size)
	case crc32c(payload) != h.CRC32C:
		return h, nil, fmt.Errorf("%w: payload checksum mismatch", ErrCorrupt)
	}
	return h, payload, nil
}
