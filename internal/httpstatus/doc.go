// Package httpstatus holds a small http.ResponseWriter wrapper that remembers the status a
// handler answered, shared by the fake servers (ilerttest, alertopstest) and the webhook
// relay's request log.
package httpstatus
