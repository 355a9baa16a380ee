package delivery

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/ilert"
)

// Wire is a request as its sink's client sends it: the body encoded once, with the method,
// path and headers that go with it ([ilert.Prepared], [alertops.Prepared]). A [Request]
// that carries one is sent as it is: a flush of it decodes no event and encodes no body.
// [Sender.Prepare] makes it; [Request.Encode] stores it as format version 3.
type Wire struct {
	// ILert is the call for the sinks ilert, ilert-checkmk and ilert-nagios.
	ILert *ilert.Prepared
	// AlertOps is the call for the sink alertops.
	AlertOps *alertops.Prepared
}

// validate reports whether w holds the call r's sink needs, and whether that call can be
// sent.
func (w *Wire) validate(sink Sink) error {
	switch sink {
	case SinkILert, SinkILertCheckmk, SinkILertNagios:
		if w.ILert == nil || w.AlertOps != nil {
			return fmt.Errorf("%w: %s: the prepared call is not an iLert call", ErrInvalidRequest, sink)
		}
		if err := w.ILert.Validate(); err != nil {
			return fmt.Errorf("%w: %s: %s", ErrInvalidRequest, sink, strings.TrimPrefix(err.Error(), "ilert: prepared call: "))
		}
	case SinkAlertOps:
		if w.AlertOps == nil || w.ILert != nil {
			return fmt.Errorf("%w: alertops: the prepared call is not an AlertOps call", ErrInvalidRequest)
		}
		if err := w.AlertOps.Validate(); err != nil {
			return fmt.Errorf("%w: alertops: %s", ErrInvalidRequest, strings.TrimPrefix(err.Error(), alertops.ErrInvalidWebhookURL.Error()+": "))
		}
	default:
		return fmt.Errorf("%w: %s requests have no prepared form", ErrInvalidRequest, truncate(string(sink)))
	}
	return nil
}

// Prepare returns r with its call prepared by the client of its sink ([Wire]): validated,
// scrubbed and encoded, as [Sender.Send] would send it. The returned request keeps r's
// sink, reference and transport and drops the event itself; its [Request.Encode] writes
// format version 3, which a later [Sender.Send] sends without encoding anything. A
// [Checkmk] request has no prepared form and is returned as it is. The error is the one
// Send would return for a request that cannot be sent (it wraps [ErrInvalidRequest] when r
// is incomplete, [ErrNoClient] when there is no client for the sink).
func (s *Sender) Prepare(r Request) (Request, error) {
	if r.Wire != nil || r.Sink == SinkCheckmk {
		return r, r.Validate()
	}
	if err := r.Validate(); err != nil {
		return r, err
	}
	out := Request{Sink: r.Sink, Ref: r.Ref, Transport: r.Transport}
	if r.Sink == SinkAlertOps {
		c, err := s.alertOpsClient(r)
		if err != nil {
			return r, err
		}
		p, err := c.PrepareAlert(r.AlertOpsURL, *r.AlertOps)
		if err != nil {
			return r, err
		}
		out.Wire = &Wire{AlertOps: &p}
		return out, nil
	}
	c, err := s.ilertClient(r)
	if err != nil {
		return r, err
	}
	var p ilert.Prepared
	switch r.Sink {
	case SinkILert:
		p, err = c.PrepareEvent(*r.ILert)
	case SinkILertCheckmk:
		p, err = c.PrepareCheckmk(r.Checkmk.IntegrationKey, r.Checkmk.Context)
	default:
		p, err = c.PrepareNagios(r.Nagios.IntegrationKey, r.Nagios.Variables)
	}
	if err != nil {
		return r, err
	}
	out.Wire = &Wire{ILert: &p}
	return out, nil
}

// Format version 3 is text, one field per line, then the body's bytes as they are sent:
//
//	alertbridge-request 3
//	sink ilert-checkmk
//	ref "PROBLEM web01/Filesystem /var"
//	ilert-url "https://api.ilert.com"
//	proxy "NO_PROXY"
//	ignore-ssl
//	op "send checkmk event"
//	method POST
//	path "/api/v1/events/checkmk-ext/<key>"
//	key "<key>"
//	header "Accept" "application/json"
//	none-open-benign
//	body 5123
//	<5123 bytes>
//
// An AlertOps request has url (the webhook URL) and timestamp (RFC 3339) in place of op,
// method, path, key, header and none-open-benign. Strings are quoted as Go quotes them;
// ref, ilert-url, proxy and ignore-ssl are there only when set. Reading it needs no JSON
// decoder and no copy of the body.
const wireMagic = "alertbridge-request 3\n"

// formatV3 is the version of the wire format.
const formatV3 = 3

// encodeWire writes r (with its Wire set and valid) in format version 3.
func (r Request) encodeWire() []byte {
	var b bytes.Buffer
	body := 0
	if r.Wire.ILert != nil {
		body = len(r.Wire.ILert.Body)
	} else {
		body = len(r.Wire.AlertOps.Body)
	}
	b.Grow(512 + body)
	b.WriteString(wireMagic)
	field := func(name string, quoted ...string) {
		b.WriteString(name)
		for _, q := range quoted {
			b.WriteByte(' ')
			b.WriteString(strconv.Quote(q))
		}
		b.WriteByte('\n')
	}
	b.WriteString("sink " + string(r.Sink) + "\n")
	if r.Ref != "" {
		field("ref", r.Ref)
	}
	if t := r.Transport; t != nil {
		if t.ILertURL != "" {
			field("ilert-url", t.ILertURL)
		}
		if t.Proxy != "" {
			field("proxy", t.Proxy)
		}
		if t.IgnoreSSL {
			field("ignore-ssl")
		}
		if *t == (Transport{}) {
			field("transport") // a Transport that says "the defaults", kept as such
		}
	}
	var payload []byte
	if p := r.Wire.ILert; p != nil {
		field("op", p.Op)
		b.WriteString("method " + p.Method + "\n")
		field("path", p.Path)
		field("key", p.Key)
		for _, name := range slices.Sorted(mapKeys(p.Header)) {
			for _, v := range p.Header[name] {
				field("header", name, v)
			}
		}
		if p.NoneOpenIsBenign {
			field("none-open-benign")
		}
		payload = p.Body
	} else {
		p := r.Wire.AlertOps
		field("url", p.WebhookURL)
		if !p.Timestamp.IsZero() {
			b.WriteString("timestamp " + p.Timestamp.UTC().Format(time.RFC3339Nano) + "\n")
		}
		payload = p.Body
	}
	b.WriteString("body " + strconv.Itoa(len(payload)) + "\n")
	b.Write(payload)
	return b.Bytes()
}

func mapKeys(h http.Header) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range h {
			if !yield(k) {
				return
			}
		}
	}
}

// decodeWire reads format version 3 (payload starts with wireMagic). Every problem is an
// error wrapping ErrInvalidRequest whose text holds nothing of the payload but the sink's
// name and field names.
func decodeWire(payload []byte) (Request, error) {
	bad := func(format string, args ...any) (Request, error) {
		return Request{}, fmt.Errorf("%w: version 3: "+format, append([]any{ErrInvalidRequest}, args...)...)
	}
	rest := payload[len(wireMagic):]
	var (
		r         Request
		t         Transport
		transport bool
		ip        ilert.Prepared
		ap        alertops.Prepared
		seen      = map[string]bool{}
		isILert   bool
		isAO      bool
	)
	for line := 2; ; line++ {
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 {
			return bad("line %d: no body", line)
		}
		text := string(rest[:nl])
		rest = rest[nl+1:]
		name, value, _ := strings.Cut(text, " ")
		if name != "header" && seen[name] {
			return bad("line %d: %s given twice", line, safeName(name))
		}
		seen[name] = true
		str := func() (string, bool) {
			s, err := strconv.Unquote(value)
			return s, err == nil
		}
		var ok bool
		switch name {
		case "sink":
			r.Sink, ok = Sink(value), Sink(value).Valid()
		case "ref":
			r.Ref, ok = str()
		case "ilert-url":
			t.ILertURL, ok = str()
			transport = true
		case "proxy":
			t.Proxy, ok = str()
			transport = true
		case "ignore-ssl":
			t.IgnoreSSL, ok, transport = true, value == "", true
		case "transport":
			ok, transport = value == "", true
		case "op":
			ip.Op, ok = str()
			isILert = true
		case "method":
			ip.Method, ok = value, value != ""
			isILert = true
		case "path":
			ip.Path, ok = str()
			isILert = true
		case "key":
			ip.Key, ok = str()
			isILert = true
		case "header":
			var hname, hvalue string
			q, err := strconv.QuotedPrefix(value)
			if err == nil {
				hname, err = strconv.Unquote(q)
			}
			if err == nil {
				v, cut := strings.CutPrefix(value[len(q):], " ")
				hvalue, err = strconv.Unquote(v)
				if !cut {
					err = strconv.ErrSyntax
				}
			}
			if ok = err == nil && hname != ""; ok {
				if ip.Header == nil {
					ip.Header = http.Header{}
				}
				ip.Header[http.CanonicalHeaderKey(hname)] = append(ip.Header[http.CanonicalHeaderKey(hname)], hvalue)
			}
			isILert = true
		case "none-open-benign":
			ip.NoneOpenIsBenign, ok = true, value == ""
			isILert = true
		case "url":
			ap.WebhookURL, ok = str()
			isAO = true
		case "timestamp":
			var err error
			ap.Timestamp, err = time.Parse(time.RFC3339Nano, value)
			ok = err == nil
			isAO = true
		case "body":
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 || strconv.Itoa(n) != value {
				return bad("line %d: the body's length is not a number", line)
			}
			if n != len(rest) {
				return bad("the body is %d bytes, its line says %d", len(rest), n)
			}
			body := rest
			if transport {
				r.Transport = &t
			}
			switch {
			case isILert && isAO:
				return bad("fields of both iLert and AlertOps calls")
			case isAO:
				ap.Body = body
				r.Wire = &Wire{AlertOps: &ap}
			default:
				ip.Body = body
				r.Wire = &Wire{ILert: &ip}
			}
			if !seen["sink"] {
				return bad("no sink")
			}
			if err := r.Validate(); err != nil {
				return Request{}, err
			}
			return r, nil
		default:
			return bad("line %d: unknown field %s", line, safeName(name))
		}
		if !ok {
			return bad("line %d: %s does not parse", line, safeName(name))
		}
	}
}

// safeName quotes a field name of a payload for an error, if it looks like one.
func safeName(name string) string {
	if len(name) > 24 {
		return "(a long name)"
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c == '-') {
			return "(a name that is none)"
		}
	}
	return strconv.Quote(name)
}
