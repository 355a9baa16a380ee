package spool

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Rate is a pacing budget: at most N deliveries per destination in any interval of length
// Per, across every process that flushes the destination. The zero Rate turns pacing off.
// iLert accepts 50 events per minute per integration key: Rate{N: 50, Per: time.Minute}.
type Rate struct {
	N   int
	Per time.Duration
}

// MaxRateN is the largest N of a [Rate]: the pace file keeps one 21-byte slot per delivery
// of the interval.
const MaxRateN = 10000

// Off reports whether r is the zero Rate: no pacing.
func (r Rate) Off() bool { return r == Rate{} }

// Valid reports whether r is off, or has an N from 1 to [MaxRateN] and a positive Per.
func (r Rate) Valid() bool {
	return r.Off() || r.N >= 1 && r.N <= MaxRateN && r.Per > 0
}

// String writes r as [ParseRate] reads it: "50/1m0s", or "0" when off.
func (r Rate) String() string {
	if r.Off() {
		return "0"
	}
	return strconv.Itoa(r.N) + "/" + r.Per.String()
}

// ParseRate reads a rate as an administrator writes it: "N" for N per minute, "N/DURATION"
// (for example "5/10s", DURATION in time.ParseDuration's syntax), or "0" for no pacing. The
// error names the problem and never repeats more than the first 32 bytes of s.
func ParseRate(s string) (Rate, error) {
	bad := func(why string) (Rate, error) {
		shown, cut := s, ""
		if len(shown) > 32 {
			// Cut on a rune boundary, and mark the cut outside the quotes, so that no byte
			// of the mark can be read as the input's next one.
			i := 32
			for i > 0 && !utf8.RuneStart(s[i]) {
				i--
			}
			shown, cut = s[:i], "…"
		}
		return Rate{}, fmt.Errorf("spool: rate %q%s: %s (want N, N/DURATION such as 50/1m or 5/10s, or 0)", shown, cut, why)
	}
	count, per, hasPer := strings.Cut(s, "/")
	n, err := strconv.Atoi(count)
	if err != nil || n < 0 || strings.HasPrefix(count, "+") {
		return bad("the count is not a whole number")
	}
	if n == 0 && !hasPer {
		return Rate{}, nil
	}
	r := Rate{N: n, Per: time.Minute}
	if hasPer {
		if r.Per, err = time.ParseDuration(per); err != nil {
			return bad("the interval is not a duration")
		}
	}
	if r.N == 0 {
		return bad("a count of 0 turns pacing off and takes no interval")
	}
	if !r.Valid() {
		return bad(fmt.Sprintf("the count must be 1 to %d and the interval positive", MaxRateN))
	}
	return r, nil
}

// FlushOption configures one [Queue.Flush].
type FlushOption func(*flushOptions)

// flushOptions are the settings a FlushOption changes.
type flushOptions struct {
	rate    Rate
	rateSet bool // WithRate was given: rate applies to every request, whatever it was queued with
}

// WithRate paces the flush: it sends only as many requests as r allows, counting the sends
// of every process that flushed the destination with pacing before, and stops with
// [StatusPaced] and [FlushResult.PacedUntil] when the budget is used up. It applies to
// every request of the flush, in place of the rates the requests were queued with
// ([PaceAt]); WithRate(Rate{}) turns pacing off for the flush. Without WithRate, each
// request is paced by its own rate, and one queued without a rate is not paced. An invalid
// r makes Flush fail.
func WithRate(r Rate) FlushOption {
	return func(o *flushOptions) { o.rate, o.rateSet = r, true }
}

// The pace file: one slot per delivery of the interval, each slot 20 decimal digits (a
// send time in Unix nanoseconds by the queue's clock, or zeros for an unused slot) and a
// newline, so that a slot is rewritten in place with one small write.
const paceSlotLen = seqDigits + 1

// pacer keeps the send times of one destination while a Flush holds its flush lock. The
// times are in the pace file of the destination directory, N slots holding the last N send
// times: a send at t is allowed when the oldest of them is at least Per before t. Each send
// is recorded (written, not synced: a sync would cost every paced send a disk flush)
// before the deliver function is called, so a process killed at any point never loses the
// record of a request that may have reached the destination. Only a crash of the machine
// can lose the last records; the destination may then get one send too many, and its 429
// holds the destination as any other does.
type pacer struct {
	rate  Rate
	file  *os.File
	slots []int64
}

// openPacer opens (creating it if needed) the pace file of the destination directory dir
// and brings it to the shape of rate r at time now: r.N slots, the most recent times kept.
// A slot that does not decode (a write torn by a crash) counts as a send at now, and a time
// after now (written under a clock that was fast) as now, so that damage never lets a
// flush exceed the budget; either way the file is rewritten.
func (q *Queue) openPacer(dir string, r Rate, now time.Time) (*pacer, error) {
	f, err := openStateFile(filepath.Join(dir, paceFile), q.uid)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(MaxRateN+1)*paceSlotLen))
	if err != nil {
		f.Close()
		return nil, err
	}
	slots := parsePace(data)
	p := &pacer{rate: r, file: f}
	clean := len(slots) == r.N && len(data) == r.N*paceSlotLen
	nowNs := now.UnixNano()
	for i, t := range slots {
		if t == damagedSlot || t > nowNs {
			slots[i], clean = nowNs, false
		}
	}
	if clean {
		p.slots = slots
		return p, nil
	}
	slices.Sort(slots)
	if len(slots) > r.N {
		slots = slots[len(slots)-r.N:] // the most recent
	}
	p.slots = make([]int64, r.N)
	copy(p.slots, slots)
	if err := p.writeAll(); err != nil {
		f.Close()
		return nil, err
	}
	return p, nil
}

// writeAll rewrites the whole pace file from p.slots.
func (p *pacer) writeAll() error {
	buf := make([]byte, 0, len(p.slots)*paceSlotLen)
	for _, t := range p.slots {
		buf = appendSlot(buf, t)
	}
	if _, err := p.file.WriteAt(buf, 0); err != nil {
		return err
	}
	return p.file.Truncate(int64(len(buf)))
}

// next returns the time from which one more send is allowed: now or earlier when it is
// allowed now. The pacer holds exactly N slots, so the N-th most recent send is the oldest
// slot (a time after now counting as now).
func (p *pacer) next(now time.Time) time.Time {
	oldest := now.UnixNano()
	for _, t := range p.slots {
		oldest = min(oldest, t)
	}
	if oldest == 0 {
		return now
	}
	return time.Unix(0, oldest).Add(p.rate.Per)
}

// nextSend is pacer.next for any number of send times in slots (0 for an unused slot; a
// time after now counts as now), as State reads them from a file that another rate may have
// shaped. With fewer than r.N slots, the missing ones count as unused.
func nextSend(slots []int64, r Rate, now time.Time) time.Time {
	if len(slots) < r.N {
		return now
	}
	recent := slices.Clone(slots)
	nowNs := now.UnixNano()
	for i := range recent {
		recent[i] = min(recent[i], nowNs)
	}
	slices.Sort(recent)
	oldest := recent[len(recent)-r.N] // the N-th most recent send
	if oldest == 0 {
		return now
	}
	return time.Unix(0, oldest).Add(r.Per)
}

// record stores a send at now in the oldest slot.
func (p *pacer) record(now time.Time) error {
	oldest := 0
	for i, t := range p.slots {
		if t < p.slots[oldest] {
			oldest = i
		}
	}
	p.slots[oldest] = now.UnixNano()
	_, err := p.file.WriteAt(appendSlot(nil, p.slots[oldest]), int64(oldest)*paceSlotLen)
	return err
}

func (p *pacer) close() {
	if p != nil {
		p.file.Close()
	}
}

// appendSlot appends one slot of the pace file: t (0 for an unused slot, never negative)
// as 20 digits and a newline.
func appendSlot(buf []byte, t int64) []byte {
	return append(buf, seqName(uint64(max(t, 0)), "\n")...)
}

// damagedSlot stands for a slot of the pace file that does not decode.
const damagedSlot = -1

// parsePace decodes the content of a pace file into its slots, in file order: a send time in
// Unix nanoseconds, 0 for an unused slot, damagedSlot for one that does not decode (a
// trailing partial slot included).
func parsePace(data []byte) []int64 {
	slots := make([]int64, 0, len(data)/paceSlotLen+1)
	for len(data) > 0 {
		if len(data) < paceSlotLen {
			return append(slots, damagedSlot)
		}
		slot := data[:paceSlotLen]
		data = data[paceSlotLen:]
		v, ok := parseSeqName(string(slot[:seqDigits]), "")
		if !ok || slot[seqDigits] != '\n' || v > 1<<63-1 {
			slots = append(slots, damagedSlot)
			continue
		}
		slots = append(slots, int64(v))
	}
	return slots
}

// pacedUntil returns, for State, when the next send is allowed under r by the pace file of
// the destination directory dir at time now, without changing the file: zero when allowed
// now. Damage is read as openPacer would repair it.
func (q *Queue) pacedUntil(dir string, r Rate, now time.Time) (time.Time, error) {
	if r.Off() {
		return time.Time{}, nil
	}
	data, err := readOwn(filepath.Join(dir, paceFile), int64(MaxRateN+1)*paceSlotLen, q.uid)
	if errors.Is(err, os.ErrNotExist) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	slots := parsePace(data)
	for i, t := range slots {
		if t == damagedSlot {
			slots[i] = now.UnixNano()
		}
	}
	if next := nextSend(slots, r, now); next.After(now) {
		return next, nil
	}
	return time.Time{}, nil
}
