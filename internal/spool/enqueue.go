package spool

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Enqueue durably queues payload for dest and returns its ID. The payload is opaque to the
// queue and may contain secrets; it is stored in a file of mode 0600 whose name does not
// derive from it.
//
// When Enqueue returns nil the request is on disk (file and directory synced) and will be
// handed to a deliver function by a later Flush of dest, after every request enqueued for
// dest before it. ctx bounds the wait for the destination's short enqueue lock. An error
// means the request was not queued, except when syncing the directory fails after the
// rename: then it may be queued but not yet durable, and enqueuing it again may deliver it
// twice.
func (q *Queue) Enqueue(ctx context.Context, dest string, payload []byte) (ID, error) {
	if err := checkDestination(dest); err != nil {
		return "", err
	}
	if len(payload) > MaxPayloadSize {
		return "", fmt.Errorf("%w: %d bytes, limit %d", ErrPayloadTooLarge, len(payload), MaxPayloadSize)
	}
	if ctx.Err() != nil {
		return "", fmt.Errorf("spool: enqueue for %s: %w", dest, context.Cause(ctx))
	}
	now := q.now()
	data, err := encodeItem(dest, now, payload)
	if err != nil {
		return "", err
	}
	dir := q.pendingPath(dest)
	tmp, err := q.writeTemp(dir, data)
	if err != nil {
		return "", fmt.Errorf("spool: enqueue for %s: %w", dest, err)
	}
	seqs, err := q.publish(ctx, dir, []string{tmp}, uint64(max(now.UnixNano(), 0)))
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("spool: enqueue for %s: %w", dest, err)
	}
	if err := q.syncDir(dir); err != nil {
		return "", fmt.Errorf("spool: enqueue for %s: sync directory: %w", dest, err)
	}
	return ID(dest + "/" + seqName(seqs[0], "")), nil
}

// writeTemp writes data to a new temporary file in dir (creating dir if needed), syncs it
// and returns its path. A temporary file is never taken for a request, whatever its state.
func (q *Queue) writeTemp(dir string, data []byte) (string, error) {
	f, err := createTemp(dir, data)
	if err != nil {
		return "", err
	}
	if !q.noSync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// createTemp writes data to a new temporary file in dir (creating dir if needed) and
// returns it open and not yet synced. On error nothing is left behind.
func createTemp(dir string, data []byte) (*os.File, error) {
	for attempt := 0; ; attempt++ {
		path := filepath.Join(dir, tempPrefix+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
		if errors.Is(err, fs.ErrNotExist) && attempt == 0 {
			if err := mkdirPrivate(dir); err != nil {
				return nil, err
			}
			continue
		}
		if errors.Is(err, fs.ErrExist) && attempt < 8 {
			continue
		}
		if err != nil {
			return nil, err
		}
		err = f.Chmod(filePerm)
		if err == nil {
			_, err = f.Write(data)
		}
		if err != nil {
			f.Close()
			os.Remove(path)
			return nil, err
		}
		return f, nil
	}
}

// publish allocates the next sequence numbers of the destination in dir under the seq lock
// and renames each of tmps, in order, to its request name. Sequence numbers are
// max(notBefore, last+1): strictly increasing in lock order across processes, and still
// increasing if the counter file is lost, because notBefore is the enqueue time in
// nanoseconds. The counter is written before each rename, so a flusher that reads an
// unchanged counter under the same lock knows that no request appeared. On error it
// returns the sequence numbers of the files it renamed: a prefix of tmps.
func (q *Queue) publish(ctx context.Context, dir string, tmps []string, notBefore uint64) ([]uint64, error) {
	lock, err := openStateFile(filepath.Join(dir, seqFile))
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	if err := lockWait(ctx, lock); err != nil {
		return nil, err
	}
	last := readCounter(lock)
	seqs := make([]uint64, 0, len(tmps))
	for _, tmp := range tmps {
		seq := max(notBefore, last+1)
		for {
			_, err := os.Lstat(filepath.Join(dir, seqName(seq, reqSuffix)))
			if errors.Is(err, fs.ErrNotExist) {
				break
			}
			if err != nil {
				return seqs, err
			}
			seq++ // only if the counter was lost and the clock went back
		}
		if err := writeCounter(lock, seq); err != nil {
			return seqs, err
		}
		if err := os.Rename(tmp, filepath.Join(dir, seqName(seq, reqSuffix))); err != nil {
			return seqs, err
		}
		seqs = append(seqs, seq)
		last = seq
	}
	return seqs, nil
}

// readCounter returns the last sequence number stored in the seq file, or 0 if the file is
// empty or unreadable.
func readCounter(f *os.File) uint64 {
	var buf [seqDigits + 1]byte
	n, _ := f.ReadAt(buf[:], 0)
	var v uint64
	for _, c := range buf[:n] {
		if c == '\n' {
			break
		}
		if c < '0' || c > '9' || v > (^uint64(0)-uint64(c-'0'))/10 {
			return 0
		}
		v = v*10 + uint64(c-'0')
	}
	return v
}

// writeCounter stores seq in the seq file as 20 digits and a newline. The width is fixed, so
// the write always replaces the whole previous value.
func writeCounter(f *os.File, seq uint64) error {
	_, err := f.WriteAt([]byte(seqName(seq, "\n")), 0)
	return err
}
