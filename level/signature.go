package level

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
)

// SignatureHeader is the request header that carries Level's signature of the body.
const SignatureHeader = "X-Level-Signature"

// signaturePrefix starts every signature; the hex digest follows it.
const signaturePrefix = "sha256="

// redacted is what a Secret prints instead of its value.
const redacted = "[redacted]"

// Secret is the shared secret entered when creating the webhook in Level. It never prints:
// fmt (every verb), slog and encoding/json show "[redacted]".
type Secret []byte

// String returns "[redacted]".
func (Secret) String() string { return redacted }

// GoString returns "[redacted]".
func (Secret) GoString() string { return redacted }

// Format writes "[redacted]" whatever the verb.
func (Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue returns "[redacted]" for log/slog.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText returns "[redacted]", so a configuration struct holding a Secret can be
// marshalled (for example to show it) without revealing it.
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// UnmarshalText sets the secret to a copy of text, so a Secret can be read from a JSON
// or text configuration as a plain string.
func (s *Secret) UnmarshalText(text []byte) error {
	*s = append(Secret(nil), text...)
	return nil
}

// Sign returns the X-Level-Signature value Level sends for body: "sha256=" and the
// lowercase hex HMAC-SHA256 of the body keyed with secret. It is meant for tests of
// receivers.
func Sign(body []byte, secret Secret) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	var sum [sha256.Size]byte
	dst := make([]byte, len(signaturePrefix)+hex.EncodedLen(sha256.Size))
	copy(dst, signaturePrefix)
	hex.Encode(dst[len(signaturePrefix):], mac.Sum(sum[:0]))
	return string(dst)
}

// Verify checks signature, the X-Level-Signature header value, against body: the exact
// bytes read from the request, before any parsing. It returns nil if the signature is the
// HMAC-SHA256 of body under any of the secrets, so that during a rotation both the new
// and the previous secret are accepted: pass the current one first.
//
// Empty secrets are skipped (an unset "previous secret" must not make an unsigned or
// empty-keyed signature acceptable); with no non-empty secret Verify returns
// [ErrNoSecret]. Otherwise the error is [ErrMissingSignature], one wrapping
// [ErrMalformedSignature] or [ErrSignatureMismatch]; none contains the secret or a digest.
// The comparison takes constant time.
func Verify(body []byte, signature string, secrets ...Secret) error {
	if !hasSecret(secrets) {
		return ErrNoSecret
	}
	want, err := parseSignature(signature)
	if err != nil {
		return err
	}
	var sum [sha256.Size]byte
	for _, secret := range secrets {
		if len(secret) == 0 {
			continue
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write(body)
		if hmac.Equal(mac.Sum(sum[:0]), want[:]) {
			return nil
		}
	}
	return ErrSignatureMismatch
}

// hasSecret reports whether secrets holds a non-empty secret.
func hasSecret(secrets []Secret) bool {
	for _, s := range secrets {
		if len(s) > 0 {
			return true
		}
	}
	return false
}

// parseSignature decodes "sha256=<64 hex digits>". The prefix is matched without regard to
// case and hex digits may be upper or lower case.
func parseSignature(signature string) (digest [sha256.Size]byte, err error) {
	if signature == "" {
		return digest, ErrMissingSignature
	}
	if len(signature) < len(signaturePrefix) || !strings.EqualFold(signature[:len(signaturePrefix)], signaturePrefix) {
		return digest, fmt.Errorf("%w: it does not start with %q", ErrMalformedSignature, signaturePrefix)
	}
	hexDigest := signature[len(signaturePrefix):]
	if len(hexDigest) != hex.EncodedLen(sha256.Size) {
		return digest, fmt.Errorf("%w: the digest has %d characters, want %d", ErrMalformedSignature, len(hexDigest), hex.EncodedLen(sha256.Size))
	}
	for i := range digest {
		hi, okHi := fromHex(hexDigest[2*i])
		lo, okLo := fromHex(hexDigest[2*i+1])
		if !okHi || !okLo {
			return digest, fmt.Errorf("%w: the digest is not hexadecimal", ErrMalformedSignature)
		}
		digest[i] = hi<<4 | lo
	}
	return digest, nil
}

// fromHex returns the value of the hex digit c, in either case.
func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
