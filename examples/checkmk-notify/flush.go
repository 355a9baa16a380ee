package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// runFlush delivers what is queued, for every destination, within the time budget. It is
// meant for cron (or by hand); every notification run does the same for its destinations.
//
// Exit codes: 0 everything delivered (or nothing queued, or another run is delivering);
// 1 requests remain queued (a destination is down or rate limited); 2 requests were
// rejected or expired and moved to failed/, or the queue is unusable.
func runFlush(o options, env *environment, log *logger) int {
	dir := o.spoolDir
	if dir == "" {
		dir = defaultSpoolDir(env)
	}
	if o.dryRun {
		return dryRunFlush(dir, log)
	}
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		log.printf("queue %s: nothing queued", dir)
		return exitOK
	}
	q, err := openQueue(dir, o.maxAge)
	if err != nil {
		log.warnf("queue unusable: %v", err)
		return exitPermanent
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.budget)
	defer cancel()
	names, err := q.Destinations()
	if err != nil {
		log.warnf("queue unusable: %v", err)
		return exitPermanent
	}
	s := newSender(o.timeout, queuedRetry)
	code := exitOK
	total := 0
	for _, name := range names {
		if !ownQueue(name) {
			continue // another program's queue, e.g. the webhook relay's
		}
		n, err := q.Len(name)
		if err != nil {
			log.warnf("%s: %v", name, err)
			code = max(code, exitPermanent)
			continue
		}
		if n == 0 {
			continue
		}
		total += n
		display := displayForSpoolName(name)
		if ctx.Err() != nil {
			log.warnf("%s: %d waiting (time budget of the run used up)", display, n)
			code = max(code, exitTemporary)
			continue
		}
		res, err := q.Flush(ctx, name, deliverFunc(s, log, display, nil))
		if err != nil && ctx.Err() == nil {
			log.warnf("%s: queue: %v", display, err)
			code = max(code, exitPermanent)
		}
		line := fmt.Sprintf("%s: %d delivered", display, res.Delivered)
		if res.Failed > 0 {
			line += fmt.Sprintf(", %d rejected", res.Failed)
		}
		if res.Expired > 0 {
			line += fmt.Sprintf(", %d expired", res.Expired)
		}
		if res.Failed+res.Expired > 0 {
			line += " (moved to failed/)"
			code = max(code, exitPermanent)
		}
		line += fmt.Sprintf(", %d waiting", res.Remaining)
		if res.Remaining > 0 {
			line += " (" + flushWhy(res) + ")"
			if res.Status != spool.StatusBusy {
				code = max(code, exitTemporary)
			}
		}
		if code != exitOK {
			log.warnf("%s", line)
		} else {
			log.printf("%s", line)
		}
	}
	if total == 0 {
		log.printf("queue %s: nothing queued", dir)
	}
	return code
}

// dryRunFlush lists the queued requests, secrets redacted, without sending or changing
// anything. It reads the request files (one JSON metadata line, then the payload).
func dryRunFlush(dir string, log *logger) int {
	dests, _ := filepath.Glob(filepath.Join(dir, "pending", "*"))
	slices.Sort(dests)
	total := 0
	for _, d := range dests {
		if !ownQueue(filepath.Base(d)) {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(d, "*.req"))
		slices.Sort(files)
		display := displayForSpoolName(filepath.Base(d))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				log.warnf("%s: %v", display, err)
				continue
			}
			_, payload, ok := bytes.Cut(b, []byte("\n"))
			req, err := delivery.Decode(payload)
			if !ok || err != nil {
				log.warnf("%s: %s is unusable", display, filepath.Base(f))
				continue
			}
			total++
			printRequest(log, display, req)
		}
	}
	log.printf("dry run: %d queued request(s) in %s, nothing sent", total, dir)
	return exitOK
}

func jsonMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func indentJSON(b []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "    ", "  "); err != nil {
		return string(b)
	}
	var out strings.Builder
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 0, 64<<10), 8<<20)
	first := true
	for sc.Scan() {
		if !first {
			out.WriteByte('\n')
		}
		if first {
			out.WriteString("    ")
		}
		first = false
		out.WriteString(sc.Text())
	}
	return out.String()
}
