// Package httpstatus holds a small http.ResponseWriter wrapper that remembers the status a
// handler answered, shared by the fake servers' request log (internal/fakeserver, under
// ilerttest and alertopstest) and the webhook relay's request log.
package httpstatus
