package healthchecks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	body := readFixture(b, "tags-desc-down.json")
	header := statusHeader("down")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(header, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAndMap is the work per webhook: decode, then map to both sinks.
func BenchmarkParseAndMap(b *testing.B) {
	body := readFixture(b, "tags-desc-down.json")
	header := statusHeader("down")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		n, err := Parse(header, body)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = ToILert(n)
		_, _ = ToAlertOps(n)
	}
}

func BenchmarkToILert(b *testing.B) {
	n, err := Parse(statusHeader("down"), readFixture(b, "tags-desc-down.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = ToILert(n)
	}
}

func BenchmarkHandler(b *testing.B) {
	body := string(readFixture(b, "tags-desc-down.json"))
	h, err := NewHandler(func(_ context.Context, n *Notification) error {
		_, err := ToILert(n)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set(StatusHeader, "down")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
