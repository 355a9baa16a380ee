// Package jsonx holds the small JSON helpers the SDK's hand-written encoders and decoders
// share.
//
// [AppendString] writes a string exactly as encoding/json does with HTML escaping turned
// off, without reflection and without allocating beyond the buffer it appends to
// (alertops.Alert's MarshalJSON, the Checkmk context in iLert's customDetails):
//
//	b = jsonx.AppendString(b, value)
//
// [Members] walks the members of a JSON object that json.Valid accepted, handing each raw
// key and value to a function, and [Unquote] reads a string literal; the Healthchecks and
// Level decoders use them to fill typed fields and keep unknown ones in one pass:
//
//	if !json.Valid(body) { ... }
//	jsonx.Members(body, func(key, value []byte) { ... })
//
// Both are fuzzed against encoding/json (FuzzMembers, FuzzUnquote, FuzzAppendString).
package jsonx
