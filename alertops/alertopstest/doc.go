// Package alertopstest is a fake AlertOps for tests: an httptest server that accepts
// alerts on the inbound-integration endpoint POST /POSTAlert/{key}/{integration},
// records what it receives, decoded into [alertops.Alert] and raw, and can be told to
// fail.
//
//	srv := alertopstest.NewServer(t)
//	client, _ := alertops.NewClient()
//	srv.FailNext(1, alertopstest.Failure{Status: 503})
//	_, err := client.Send(ctx, srv.URL("k3y", "CheckMK"), alert)
//	got := srv.Alerts()
//
// AlertOps documents no answers. The fake answers an alert it can decode with 200 and an
// empty body, a body that is not a JSON object (or has a fixed field of the wrong type)
// with 400, and, with [AcceptKeys], an unknown key with 401, as AlertOps does for an
// invalid URL or a disabled integration. Any other path is answered 404, any other method
// 405.
//
// Every method is safe for concurrent use. The server starts no goroutines beyond those of
// httptest and is closed by Close or, with NewServer, when the test ends.
package alertopstest
