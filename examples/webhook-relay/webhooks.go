package main

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/alertbridge/alertbridge/level"
)

// samples holds copies of the shared fixtures: Healthchecks.io $JSON bodies (and two
// whole requests as iLert's guide configures them) and Level.io webhook bodies.
//
//go:embed testdata/healthchecks/*.json testdata/level/*.json
var samples embed.FS

// sample is one webhook as a sender would post it.
type sample struct {
	name   string // the fixture's file name
	source string // "healthchecks" or "level"
	header http.Header
	body   []byte
}

// loadSamples returns every embedded webhook, Healthchecks first, each in file name
// order. Healthchecks bodies get the Check-Status their file name says ("…-down.json");
// Level bodies are signed with levelSecret unless it is empty.
func loadSamples(levelSecret level.Secret) ([]sample, error) {
	var out []sample
	hc, err := fs.Glob(samples, "testdata/healthchecks/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range hc {
		b, err := samples.ReadFile(name)
		if err != nil {
			return nil, err
		}
		s := sample{name: path.Base(name), source: "healthchecks", header: http.Header{}}
		if strings.HasPrefix(s.name, "http-request-") {
			if err := s.fromRecordedRequest(b); err != nil {
				return nil, fmt.Errorf("%s: %w", s.name, err)
			}
		} else {
			s.body = b
			s.header.Set("Content-Type", "application/json")
			if strings.HasSuffix(s.name, "-up.json") {
				s.header.Set("Check-Status", "up")
			} else {
				s.header.Set("Check-Status", "down")
			}
		}
		out = append(out, s)
	}
	lv, err := fs.Glob(samples, "testdata/level/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range lv {
		b, err := samples.ReadFile(name)
		if err != nil {
			return nil, err
		}
		s := sample{name: path.Base(name), source: "level", header: http.Header{"Content-Type": {"application/json"}}, body: b}
		if len(levelSecret) > 0 {
			s.header.Set(level.SignatureHeader, level.Sign(b, levelSecret))
		}
		out = append(out, s)
	}
	return out, nil
}

// fromRecordedRequest reads a fixture holding a whole request {method, url, headers, body}.
func (s *sample) fromRecordedRequest(b []byte) error {
	var rec struct {
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&rec); err != nil {
		return err
	}
	for k, v := range rec.Headers {
		if !strings.EqualFold(k, "Content-Length") {
			s.header.Set(k, v)
		}
	}
	s.body = []byte(rec.Body)
	return nil
}

// post sends the sample to the relay at base (the relay's URL without path) under the
// relay's path for its source, and returns the status and the answer's first line.
func (s sample) post(client *http.Client, base string, cfg config) (int, string, error) {
	p := cfg.HealthchecksPath
	if s.source == "level" {
		p = cfg.LevelPath
	}
	req, err := http.NewRequest(http.MethodPost, base+p, bytes.NewReader(s.body))
	if err != nil {
		return 0, "", err
	}
	req.Header = s.header.Clone()
	res, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	var buf [256]byte
	n, _ := res.Body.Read(buf[:])
	line, _, _ := strings.Cut(string(buf[:n]), "\n")
	return res.StatusCode, line, nil
}
