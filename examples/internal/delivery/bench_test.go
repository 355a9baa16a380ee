package delivery_test

import (
	"testing"

	"github.com/alertbridge/alertbridge/examples/internal/delivery"
)

// BenchmarkEncode measures encoding a typical iLert request for the queue.
func BenchmarkEncode(b *testing.B) {
	r := sampleRequests()["ilert"]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode measures decoding it again before delivery.
func BenchmarkDecode(b *testing.B) {
	payload, err := sampleRequests()["ilert"].Encode()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := delivery.Decode(payload); err != nil {
			b.Fatal(err)
		}
	}
}
