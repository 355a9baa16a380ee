// Package testutil holds helpers shared by the tests of every alertbridge package: golden
// files with an -update flag, JSON comparison with go-cmp, and a check that no secret leaks
// into a string.
//
// It is imported only from _test.go files.
package testutil
