package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// iLert retries a webhook it got no 2xx for; the relay queues one Checkmk call per event
// and answers the retries from a record of what it queued, which survives a restart.
const (
	// dedupeFile is the record, in the queue directory (mode 0600).
	dedupeFile = "relay-ilert-webhooks.seen"
	// dedupeMaxEntries bounds the record: the newest are kept.
	dedupeMaxEntries = 20000
	// dedupeMaxAge is how long an event is remembered; iLert's retries come within
	// minutes (INFERRED: iLert does not document its schedule).
	dedupeMaxAge = 7 * 24 * time.Hour
	// dedupeMaxFile bounds what is read of the file at start.
	dedupeMaxFile = 8 << 20
	// dedupeHeader is the file's first line.
	dedupeHeader = "# alertbridge webhook-relay: iLert webhooks already queued (unix seconds, SHA-256 of the idempotency key)\n"
)

// dedupeEntry is one remembered event: when it was queued and its key's hash.
type dedupeEntry struct {
	at   int64  // unix seconds
	hash string // 32 hex digits: the first 16 bytes of the key's SHA-256
}

// dedupe remembers the iLert events the relay queued, by ilert.AlertWebhook's
// IdempotencyKey, in memory and in an append-only file that is synced before the
// webhook is answered and rewritten when it grows to twice its bound. It is safe for
// concurrent use; concurrent deliveries of one event are handled one after the other.
type dedupe struct {
	path       string
	now        func() time.Time
	maxEntries int   // dedupeMaxEntries but in tests
	maxAge     int64 // seconds; dedupeMaxAge but in tests

	mu    sync.Mutex
	f     *os.File
	seen  map[string]int64 // hash → unix seconds
	order []dedupeEntry    // oldest first, from head
	head  int
	lines int                      // entry lines in the file
	busy  map[string]chan struct{} // hashes being queued now
}

// openDedupe opens (creating it) the record in the queue directory dir: a regular file
// owned by this user and private, opened without following a symlink.
func openDedupe(dir string, now func() time.Time) (*dedupe, error) {
	return openDedupeBounded(dir, now, dedupeMaxEntries, dedupeMaxAge)
}

// openDedupeBounded is openDedupe with other bounds.
func openDedupeBounded(dir string, now func() time.Time, maxEntries int, maxAge time.Duration) (*dedupe, error) {
	d := &dedupe{path: filepath.Join(dir, dedupeFile), now: now, maxEntries: maxEntries, maxAge: int64(maxAge / time.Second),
		seen: map[string]int64{}, busy: map[string]chan struct{}{}}
	f, err := openPrivate(d.path, os.O_RDWR|os.O_CREATE|os.O_APPEND)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, dedupeMaxFile))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("reading %s: %w", d.path, err)
	}
	d.f = f
	entries, lines := parseDedupe(data)
	for _, e := range entries {
		d.add(e)
	}
	d.evict()
	d.lines = lines
	if len(data) == 0 {
		if err := d.write([]byte(dedupeHeader)); err != nil {
			d.f.Close()
			return nil, err
		}
	} else if d.lines > len(d.order)-d.head || !bytes.HasSuffix(data, []byte("\n")) {
		if err := d.compact(); err != nil {
			d.f.Close()
			return nil, err
		}
	}
	return d, nil
}

// checkOwnFile reports a file that is not a regular file, that another user owns, or
// that group or others may access.
func checkOwnFile(name string, fi fs.FileInfo) error {
	switch {
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file: remove it and start again", name)
	case !ownedByMe(fi):
		return fmt.Errorf("%s belongs to another user: remove it and start again", name)
	case fi.Mode().Perm()&0o077 != 0:
		return fmt.Errorf("%s is accessible by other users (mode %04o): run chmod 600 %s", name, fi.Mode().Perm(), name)
	}
	return nil
}

// parseDedupe reads the record's lines; it skips comments and lines that are not
// "<unix seconds> <32 hex digits>" (a line torn by a crash), and returns the entries in
// file order and the number of entry lines it found.
func parseDedupe(data []byte) ([]dedupeEntry, int) {
	var out []dedupeEntry
	lines := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 256), 1024)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		lines++
		if e, ok := parseDedupeLine(line); ok {
			out = append(out, e)
		}
	}
	return out, lines
}

// parseDedupeLine reads "<unix seconds> <32 lower-case hex digits>".
func parseDedupeLine(line []byte) (dedupeEntry, bool) {
	secs, hash, ok := bytes.Cut(line, []byte(" "))
	if !ok || len(hash) != 32 || len(secs) == 0 || len(secs) > 12 {
		return dedupeEntry{}, false
	}
	for _, c := range hash {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return dedupeEntry{}, false
		}
	}
	at, err := strconv.ParseInt(string(secs), 10, 64)
	if err != nil || at <= 0 || secs[0] == '+' || secs[0] == '0' {
		return dedupeEntry{}, false
	}
	return dedupeEntry{at: at, hash: string(hash)}, true
}

// formatDedupeLine is the line of an entry.
func formatDedupeLine(e dedupeEntry) string { return strconv.FormatInt(e.at, 10) + " " + e.hash + "\n" }

// hashKey is the hash under which a key is remembered: the keys themselves stay out of
// the file (they hold alert ids and comment hashes, nothing secret, but no need).
func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// begin looks key up. seen reports an event already queued: answer it as done. Otherwise
// the caller queues the event and then calls finish with whether it was queued, which
// records it durably; until then, other deliveries of the same key wait in begin (or
// until ctx ends).
func (d *dedupe) begin(ctx context.Context, key string) (seen bool, finish func(queued bool) error, err error) {
	h := hashKey(key)
	for {
		d.mu.Lock()
		if d.has(h) {
			d.mu.Unlock()
			return true, nil, nil
		}
		wait, busy := d.busy[h]
		if !busy {
			done := make(chan struct{})
			d.busy[h] = done
			d.mu.Unlock()
			return false, func(queued bool) error {
				d.mu.Lock()
				defer d.mu.Unlock()
				defer close(done)
				delete(d.busy, h)
				if !queued {
					return nil
				}
				return d.record(h)
			}, nil
		}
		d.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return false, nil, context.Cause(ctx)
		}
	}
}

// has reports a remembered hash that is not too old. d.mu is held.
func (d *dedupe) has(h string) bool {
	at, ok := d.seen[h]
	return ok && d.now().Unix()-at < d.maxAge
}

// add remembers an entry in memory. d.mu is held.
func (d *dedupe) add(e dedupeEntry) {
	d.seen[e.hash] = e.at
	d.order = append(d.order, e)
}

// evict forgets the entries beyond the bounds, oldest first. d.mu is held.
func (d *dedupe) evict() {
	cutoff := d.now().Unix() - d.maxAge
	for d.head < len(d.order) {
		e := d.order[d.head]
		if len(d.order)-d.head <= d.maxEntries && e.at > cutoff {
			break
		}
		if d.seen[e.hash] == e.at {
			delete(d.seen, e.hash)
		}
		d.order[d.head] = dedupeEntry{}
		d.head++
	}
	if d.head > len(d.order)/2 {
		d.order = append([]dedupeEntry(nil), d.order[d.head:]...)
		d.head = 0
	}
}

// record remembers h durably: appended to the file and synced, or the file rewritten
// when it has grown to twice the bound. d.mu is held.
func (d *dedupe) record(h string) error {
	e := dedupeEntry{at: d.now().Unix(), hash: h}
	d.add(e)
	d.evict()
	if d.lines+1 > 2*d.maxEntries {
		return d.compact()
	}
	if err := d.write([]byte(formatDedupeLine(e))); err != nil {
		return err
	}
	d.lines++
	return nil
}

// write appends b to the file and syncs it.
func (d *dedupe) write(b []byte) error {
	if _, err := d.f.Write(b); err != nil {
		return fmt.Errorf("writing %s: %w", d.path, err)
	}
	if err := d.f.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", d.path, err)
	}
	return nil
}

// compact rewrites the file with the remembered entries: a new file, synced, renamed
// over the old one, and the directory synced. d.mu is held.
func (d *dedupe) compact() error {
	var b bytes.Buffer
	b.WriteString(dedupeHeader)
	for _, e := range d.order[d.head:] {
		b.WriteString(formatDedupeLine(e))
	}
	tmp := d.path + ".tmp"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	f, err := openPrivate(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL|os.O_APPEND)
	if err != nil {
		return err
	}
	_, err = f.Write(b.Bytes())
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = os.Rename(tmp, d.path)
	}
	if err != nil {
		f.Close()
		_ = os.Remove(tmp)
		return fmt.Errorf("rewriting %s: %w", d.path, err)
	}
	if dir, err := os.Open(filepath.Dir(d.path)); err == nil {
		_ = dir.Sync()
		dir.Close()
	}
	d.f.Close()
	d.f = f
	d.lines = len(d.order) - d.head
	return nil
}

// len returns the number of remembered events.
func (d *dedupe) len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.order) - d.head
}

// close closes the file.
func (d *dedupe) close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.f.Close()
}
