package checkmk

import (
	"encoding/json"
	"testing"
	"time"
)

// BenchmarkToILert maps one service notification (the fixture's full context, about 100
// variables) to an iLert event and encodes it, as the notifier does per event.
func BenchmarkToILert(b *testing.B) {
	n, err := FromEnviron(readEnv(b, "service-crit-problem"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ev, err := ToILert(n, ILertOptions{IntegrationKey: dummyIntegrationKey})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToILertOmitContext is BenchmarkToILert without the context in customDetails.
func BenchmarkToILertOmitContext(b *testing.B) {
	n, err := FromEnviron(readEnv(b, "service-crit-problem"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ev, err := ToILert(n, ILertOptions{IntegrationKey: dummyIntegrationKey, OmitContext: true})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToAlertOps maps the same notification to an AlertOps alert and encodes it.
func BenchmarkToAlertOps(b *testing.B) {
	n, err := FromEnviron(readEnv(b, "service-crit-problem"))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		a, err := ToAlertOps(n, AlertOpsOptions{Now: now})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContextWithoutSecrets scrubs the context of a built-in iLert rule (2.4 form)
// and encodes it, the checkmk-ext body.
func BenchmarkContextWithoutSecrets(b *testing.B) {
	var c mappingCase
	for _, mc := range mappingCases(b) {
		if mc.name == "params-ilert-2.4+service-crit-problem" {
			c = mc
		}
	}
	n := c.notification(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(n.ContextWithoutSecrets()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToILertMapOnly is BenchmarkToILert without the JSON encoding.
func BenchmarkToILertMapOnly(b *testing.B) {
	n, err := FromEnviron(readEnv(b, "service-crit-problem"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ToILert(n, ILertOptions{IntegrationKey: dummyIntegrationKey}); err != nil {
			b.Fatal(err)
		}
	}
}
