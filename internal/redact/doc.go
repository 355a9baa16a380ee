// Package redact removes secrets (integration keys, API tokens, webhook URLs that embed a
// key, proxy credentials) from strings, URLs and errors before they leave the SDK.
//
// A [Redactor] is built once from the secrets a call knows about and applied to every error
// the call returns:
//
//	r := redact.New(integrationKey, apiToken)
//	return r.Error(err) // Error() no longer contains either secret
//
// Redaction is by string replacement, so it also covers secrets echoed back in a vendor's
// error body. The URL-escaped and JSON-escaped forms of each secret are replaced too.
package redact
