package spool

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"
)

// DestinationState is what waits for one destination and when a Flush may next send to it,
// as [Queue.State] and [Queue.Waiting] report it. A background retrier uses it to sleep
// until the next attempt can do something.
type DestinationState struct {
	Destination string
	Waiting     int       // requests queued (in pending/<destination>/)
	Oldest      time.Time // enqueue time of the oldest waiting request; zero if none or unreadable
	HeldUntil   time.Time // end of a hold after a rate limit (at most MaxHold from now); zero if not held
	PacedUntil  time.Time // when the Rate given allows the next send; zero if it allows one now
}

// NextAttempt returns when a Flush of the destination may next send: the later of
// HeldUntil and PacedUntil, or the zero time if it may send now. A Flush before then
// returns StatusHeld or StatusPaced without trying anything.
func (s DestinationState) NextAttempt() time.Time {
	if s.PacedUntil.After(s.HeldUntil) {
		return s.PacedUntil
	}
	return s.HeldUntil
}

// State returns what waits for dest and when a Flush may next send to it: a Flush with
// rate r ([WithRate]), or, for the zero Rate, a Flush without one, which paces the oldest
// request by the rate it was queued with ([PaceAt]; none: not paced). It reads the
// destination's files without taking any lock and changes nothing, so it may race with a
// flush: the answer is a snapshot for scheduling, and a Flush decides for itself. An
// unknown destination has nothing waiting.
func (q *Queue) State(ctx context.Context, dest string, r Rate) (DestinationState, error) {
	st := DestinationState{Destination: dest}
	if err := checkDestination(dest); err != nil {
		return st, err
	}
	if !r.Valid() {
		return st, fmt.Errorf("spool: state of %s: invalid rate %d per %v", dest, r.N, r.Per)
	}
	if err := ctx.Err(); err != nil {
		return st, fmt.Errorf("spool: state of %s: %w", dest, context.Cause(ctx))
	}
	dir, err := q.trustedDir(false, pendingDir, dest)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, stateError(dest, err)
	}
	first, found := uint64(0), false
	err = scanDir(dir, func(name string) {
		if seq, ok := parseSeqName(name, reqSuffix); ok {
			st.Waiting++
			if !found || seq < first {
				first, found = seq, true
			}
		}
	})
	if err != nil {
		return st, stateError(dest, err)
	}
	if found {
		h := q.headerOf(filepath.Join(dir, seqName(first, reqSuffix)))
		st.Oldest = h.Enqueued
		if r.Off() {
			r = Rate(h.Rate)
		}
	}
	now := q.now()
	if h := q.readHold(dir, now); h.err == nil {
		st.HeldUntil = h.until // a damaged hold holds nothing: Flush removes it
	}
	if st.PacedUntil, err = q.pacedUntil(dir, r, now); err != nil {
		return st, stateError(dest, err)
	}
	return st, nil
}

// Waiting returns the state of every destination with requests waiting, sorted by name,
// each with the Rate that rate returns for it (see State; nil, or the zero Rate: the rate
// each destination's oldest request was queued with). It is the list a retrier works
// through; an empty list means that nothing waits and the retrier may end.
func (q *Queue) Waiting(ctx context.Context, rate func(dest string) Rate) ([]DestinationState, error) {
	dests, err := q.Destinations(ctx)
	if err != nil {
		return nil, err
	}
	var out []DestinationState
	for _, dest := range dests {
		var r Rate
		if rate != nil {
			r = rate(dest)
		}
		st, err := q.State(ctx, dest, r)
		if err != nil {
			return out, err
		}
		if st.Waiting > 0 {
			out = append(out, st)
		}
	}
	return out, nil
}

// headerOf returns the header of the request file at path, or the zero header if it
// cannot be read.
func (q *Queue) headerOf(path string) header {
	head, err := readOwn(path, maxHeaderLen+1, q.uid)
	if err != nil {
		return header{}
	}
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 {
		return header{}
	}
	var h header
	if json.Unmarshal(head[:nl], &h) != nil {
		return header{}
	}
	return h
}

func stateError(dest string, err error) error {
	return fmt.Errorf("spool: state of %s: %w", dest, err)
}
