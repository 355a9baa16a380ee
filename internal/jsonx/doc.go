// Package jsonx holds the small JSON encoding helpers the hand-written encoders of the
// SDK share (alertops.Alert's MarshalJSON, the Checkmk context in iLert's customDetails).
//
// [AppendString] writes a string exactly as encoding/json does with HTML escaping turned
// off, without reflection and without allocating beyond the buffer it appends to:
//
//	b = jsonx.AppendString(b, value)
package jsonx
