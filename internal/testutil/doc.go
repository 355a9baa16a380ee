// Package testutil holds helpers shared by the tests of every alertbridge package: golden
// files with an -update flag, JSON comparison with go-cmp, a check that no secret leaks
// into a string, a TLS server whose certificate has expired, and errors that classify themselves by their methods as a sink's do
// (Rejection, Temporary), for code that asks errors what happened.
//
// It is imported only from _test.go files.
package testutil
