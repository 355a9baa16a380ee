// Package fakeserver is the core the SDK's fake servers (ilerttest, alertopstest) share:
// a [Log] that records every request a fake receives, with the status it answered, and
// answers the requests a test scripted with FailNext (a status, a delay, a connection
// reset) before the fake's own handler sees them.
//
// Each fake keeps its exported Request and Failure types and converts to and from the
// ones here; only the vendor-specific body of a scripted answer stays with the fake:
//
//	var log fakeserver.Log
//	srv := httptest.NewServer(log.Handler(mux))
//	log.FailNext(2, fakeserver.Failure{Status: http.StatusServiceUnavailable})
package fakeserver
