// Package httpx is the HTTP core shared by the alertbridge sinks (ilert, alertops): the
// [Doer] seam, a safe default client, error classification as values and a bounded,
// context-aware retry loop.
//
// # Default client
//
// [NewClient] builds an *http.Client on go-cleanhttp's pooled transport with a timeout set
// and redirects not followed (a POST must not silently turn into a GET). The proxy is
// whatever the caller passes in; the environment is never read. To honour HTTP_PROXY and
// friends, pass [net/http.ProxyFromEnvironment] explicitly.
//
// # Settings
//
// [Settings] hold what a sink client's options set (a caller's Doer, or the proxy and TLS
// configuration of the default client; User-Agent, per-attempt timeout, retry policy).
// Each sink's exported WithX options are one-line calls of its setters, so both sinks
// validate alike; [ApplyOptions] runs them, [Settings.Check] rejects contradictions and
// [Settings.Caller] builds the Caller.
//
// # Classification
//
// Every outcome has a [Class]: success, benign (a "nothing to do" answer the sink
// declares), retryable or permanent. [ClassifyStatus] and [ClassifyError] hold the shared
// rules; a sink passes a [ClassifyFunc] to add its benign answers.
//
// # Retries
//
// [Caller.Do] re-creates the request for every attempt (so the full body is sent each
// time), waits with jittered exponential backoff, honours Retry-After in both forms but caps
// it, waits at least [Policy.RateLimitDelay] after a 429, gives up early when the next wait
// would outlast the context, and reads every body through an [io.LimitReader] before
// draining and closing it. It starts no goroutine and never logs.
package httpx
