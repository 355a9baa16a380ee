// Package ilerttest is a fake iLert for tests: an httptest server that speaks the Events
// API (POST /api/events and the legacy /api/v1/events), the Checkmk endpoint
// (POST /api/v1/events/checkmk-ext/{key}), the 1.x Nagios endpoint
// (POST /api/v1/events/nagios, XML; answered 200, recorded as [NagiosEvent]), heartbeats
// (legacy GET /api/heartbeats/{key} and heartbeat monitors' GET /api/pings/{key}, both
// answered 202 and recorded as [HeartbeatPing]) and the REST reads of the ilert package
// (alerts and alert sources). It records what it receives, decoded into the ilert
// package's types and raw, and can be told to fail.
//
//	srv := ilerttest.NewServer(t)
//	client, _ := ilert.NewClient(ilert.WithBaseURL(srv.URL()))
//	srv.FailNext(1, ilerttest.Failure{Status: 503})
//	// ... send ...
//	events := srv.Events()
//
// Like iLert, it answers a valid event with 202 and a JSON body {"alertKey", "alertUrl"}
// (or an empty body with [EmptyBodies]) and an invalid one with 400 and iLert's error body
// {"status", "message", "code"}. With [TrackOpenAlerts] it also remembers which alert keys
// are open and answers ACCEPT and RESOLVE for a key without an open alert with 400
// NO_OPEN_ALERT_WITH_KEY (Checkmk: NONE_OPEN_FOR_KEY), as iLert does; without it every
// valid event is accepted.
//
// Every method is safe for concurrent use. The server starts no goroutines beyond those of
// httptest and is closed by Close or, with NewServer, when the test ends.
package ilerttest
