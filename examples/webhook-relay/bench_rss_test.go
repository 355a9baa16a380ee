package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/ilert/ilerttest"
)

// relayBinary names a relay binary for BenchmarkSlowClients instead of building this
// package, e.g. one built from an older commit to measure it the same way.
var relayBinary = flag.String("relaybin", "", "webhook-relay binary for BenchmarkSlowClients (default: build this package)")

// slowBody is the body size BenchmarkSlowClients posts.
var slowBody = flag.Int("slowbody", 1<<20, "body size in bytes for BenchmarkSlowClients")

// buildRelay returns the relay binary: -relaybin, or this package built into a
// directory of b's.
func buildRelay(b *testing.B) string {
	b.Helper()
	if *relayBinary != "" {
		return *relayBinary
	}
	bin := filepath.Join(b.TempDir(), "webhook-relay")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out.String())
	}
	return bin
}

// listeningAddr finds the address in the relay's "listening" log line.
var listeningAddr = regexp.MustCompile(`msg=listening addr=(\S+)`)

// relayProcess is a relay started from its binary.
type relayProcess struct {
	cmd  *exec.Cmd
	addr string
	logs *syncBuffer
}

// startRelay starts the binary with the environment env (plus the queue directory and a
// loopback listener) and waits until it listens. The process is killed at the end of the
// benchmark.
func startRelay(b *testing.B, bin string, env map[string]string) *relayProcess {
	b.Helper()
	env["ALERTBRIDGE_QUEUE_DIR"] = b.TempDir()
	env["ALERTBRIDGE_LISTEN"] = "127.0.0.1:0"
	cmd := exec.Command(bin)
	cmd.Env = environOf(env)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	p := &relayProcess{cmd: cmd, logs: &syncBuffer{}}
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(p.logs, line)
			if m := listeningAddr.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	select {
	case p.addr = <-found:
	case <-time.After(30 * time.Second):
		b.Fatalf("the relay did not start listening:\n%s", p.logs)
	}
	return p
}

// memory returns the process's peak and current resident set size in bytes, from
// /proc/<pid>/status (VmHWM, VmRSS).
func (p *relayProcess) memory(b *testing.B) (peak, current int64) {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) != 2 || fields[1] != "kB" {
			continue
		}
		n, _ := strconv.ParseInt(fields[0], 10, 64)
		switch name {
		case "VmHWM":
			peak = n << 10
		case "VmRSS":
			current = n << 10
		}
	}
	return peak, current
}

// settledMemory waits until the relay has read what the clients sent (the data may
// still sit in the kernel's socket buffers when their writes return): until its resident
// size grew by less than 1 MiB in 2 s, or 30 s passed. Then it returns memory's figures.
func (p *relayProcess) settledMemory(b *testing.B) (peak, current int64) {
	b.Helper()
	_, last := p.memory(b)
	stable := time.Now()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		time.Sleep(250 * time.Millisecond)
		_, now := p.memory(b)
		if now > last+1<<20 {
			last, stable = now, time.Now()
		} else if time.Since(stable) >= 2*time.Second {
			break
		}
	}
	return p.memory(b)
}

// slowClient is one connection that sends a webhook's headers and all of its body but
// the last byte, then holds it until released.
type slowClient struct {
	status     int    // the answer's status, 0 if none
	retryAfter string // its Retry-After header
	err        error  // why there was no answer
}

// paddedHealthchecksBody returns a Healthchecks $JSON body of exactly size bytes: a
// check whose description is long, as a Cyrillic description escaped by $JSON is.
func paddedHealthchecksBody(size int) []byte {
	head := `{"name": "slow client", "uuid": "9f3a1c7e-52b4-4e0d-8c61-d7a2e4b5f039", "desc": "`
	tail := `"}`
	pad := size - len(head) - len(tail)
	var body bytes.Buffer
	body.WriteString(head)
	for body.Len() < len(head)+pad-6 {
		body.WriteString(`\u0416`)
	}
	for body.Len() < len(head)+pad {
		body.WriteByte('x')
	}
	body.WriteString(tail)
	return body.Bytes()
}

// runSlowClients opens n connections to addr, each posting body to path slowly: headers
// and all but the last byte at once, then nothing until release is closed; then the last
// byte. held is told once each connection has sent what it sends before the pause (or
// has its answer, or failed).
func runSlowClients(addr, path string, body []byte, n int, held *sync.WaitGroup, release <-chan struct{}) []slowClient {
	out := make([]slowClient, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		held.Add(1)
		go func(c *slowClient) {
			defer wg.Done()
			heldOnce := sync.OnceFunc(held.Done)
			defer heldOnce()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				c.err = err
				return
			}
			defer conn.Close()
			answered := make(chan struct{})
			go func() {
				defer close(answered)
				res, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					if c.err == nil {
						c.err = err
					}
					heldOnce()
					return
				}
				c.status, c.retryAfter = res.StatusCode, res.Header.Get("Retry-After")
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				heldOnce()
			}()
			head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nCheck-Status: down\r\nContent-Length: %d\r\n\r\n", path, len(body))
			if _, err := io.WriteString(conn, head); err == nil {
				_, _ = conn.Write(body[:len(body)-1])
			}
			heldOnce()
			select {
			case <-release:
				_, _ = conn.Write(body[len(body)-1:])
			case <-answered:
			}
			select {
			case <-answered:
			case <-time.After(60 * time.Second):
				c.err = errors.New("no answer within 60 s")
				_ = conn.Close()
				<-answered
			}
		}(&out[i])
	}
	wg.Wait()
	return out
}

// BenchmarkSlowClients runs the relay binary, opens 1,000 connections that each post a
// Healthchecks webhook of the maximum size (1 MiB) and hold it before its last byte, and
// reports the relay's peak and current resident memory (VmHWM, VmRSS) while they hold,
// and the answers once they finish: with the default limits, and with the limits off
// (-max-in-flight 0 -max-in-flight-bytes 0). Run it with -benchtime=1x; pass -relaybin
// to measure another build (flags it does not know are then left out).
func BenchmarkSlowClients(b *testing.B) {
	bin := buildRelay(b)
	for _, bc := range []struct {
		name string
		env  map[string]string
	}{
		{"limits=default", map[string]string{}},
		{"limits=off", map[string]string{"ALERTBRIDGE_MAX_IN_FLIGHT": "0", "ALERTBRIDGE_MAX_IN_FLIGHT_BYTES": "0"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			il := ilerttest.NewServer(b)
			const clients = 1000
			maxBody := *slowBody
			if *relayBinary != "" {
				bc.env = map[string]string{} // an older build may not know the new variables
			}
			var peak, current int64
			var answers []slowClient
			for range b.N {
				b.StopTimer()
				env := map[string]string{"ALERTBRIDGE_ILERT_KEY": testILertKey, "ALERTBRIDGE_ILERT_URL": il.URL(),
					"ALERTBRIDGE_LEVEL_PATH": "off", "ALERTBRIDGE_HEALTHCHECKS_MAX_BODY": strconv.Itoa(maxBody),
					"ALERTBRIDGE_READ_TIMEOUT": "60s", "ALERTBRIDGE_WRITE_TIMEOUT": "90s", "ALERTBRIDGE_LOG_LEVEL": "info"}
				for k, v := range bc.env {
					env[k] = v
				}
				p := startRelay(b, bin, env)
				body := paddedHealthchecksBody(maxBody)
				var held sync.WaitGroup
				release := make(chan struct{})
				done := make(chan []slowClient, 1)
				b.StartTimer()
				go func() { done <- runSlowClients(p.addr, "/healthchecks", body, clients, &held, release) }()
				held.Wait()
				peak, current = p.settledMemory(b)
				close(release)
				answers = <-done
				b.StopTimer()
				if err := p.cmd.Process.Signal(os.Interrupt); err == nil {
					_ = p.cmd.Wait()
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
			b.ReportMetric(float64(current)/(1<<20), "held-RSS-MiB")
			codes := map[string]int{}
			for _, a := range answers {
				switch {
				case a.status == http.StatusServiceUnavailable && a.retryAfter != "":
					codes["503 Retry-After "+a.retryAfter]++
				case a.status != 0:
					codes[strconv.Itoa(a.status)]++
				default:
					codes["no answer ("+errorKind(a.err)+")"]++
				}
			}
			keys := make([]string, 0, len(codes))
			for k := range codes {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var summary []string
			for _, k := range keys {
				summary = append(summary, fmt.Sprintf("%s: %d", k, codes[k]))
			}
			b.Logf("%d clients, %d-byte bodies: peak RSS %.1f MiB, RSS while held %.1f MiB; answers: %s",
				clients, maxBody, float64(peak)/(1<<20), float64(current)/(1<<20), strings.Join(summary, ", "))
		})
	}
}

// errorKind shortens a connection error for the summary.
func errorKind(err error) string {
	switch {
	case err == nil:
		return "none"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "closed"
	case strings.Contains(err.Error(), "reset"):
		return "reset"
	}
	return err.Error()
}
