package level

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

const benchSecret = "whsec_test_2f6b1e0c9d8a7b6c5d4e3f2a1b0c9d8e"

// BenchmarkWebhook is the receiving path for one alert: verify the signature, decode,
// map to iLert.
func BenchmarkWebhook(b *testing.B) {
	body := fixture(b, "alert_active.inferred.json")
	signature := Sign(body, Secret(benchSecret))
	secrets := []Secret{Secret(benchSecret)}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(body, signature, secrets...); err != nil {
			b.Fatal(err)
		}
		e, err := Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ToILert(e); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	body := fixture(b, "alert_active.inferred.json")
	signature := Sign(body, Secret(benchSecret))
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(body, signature, Secret(benchSecret)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	body := fixture(b, "alert_active.inferred.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToILert(b *testing.B) {
	e, err := Decode(fixture(b, "alert_active.inferred.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ToILert(e); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToAlertOps(b *testing.B) {
	e, err := Decode(fixture(b, "alert_active.inferred.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ToAlertOps(e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandler is the whole HTTP handler, with an httptest recorder.
func BenchmarkHandler(b *testing.B) {
	body := fixture(b, "alert_active.inferred.json")
	signature := Sign(body, Secret(benchSecret))
	h, err := NewHandler(func(_ context.Context, e *Event) error {
		_, err := ToILert(e)
		return err
	}, WithSecrets(Secret(benchSecret)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set(SignatureHeader, signature)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
