package checkmk

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/scrypt"
)

// StoreFormat names the format of a password store file.
type StoreFormat string

// The password store formats of Checkmk.
const (
	// StorePlain is the plain text format of Checkmk up to 2.0: lines "<id>:<password>".
	StorePlain StoreFormat = "plain text"
	// StoreObfuscated is Checkmk 2.1's obfuscated text: the header "00" followed by the
	// base64 text of the same salt‖nonce‖tag‖ciphertext layout as StoreEncrypted.
	StoreObfuscated StoreFormat = "2.1 obfuscated"
	// StoreEncrypted is the binary format of Checkmk 2.2 and later, version 0.
	StoreEncrypted StoreFormat = "2.2+ encrypted"
)

// Paths inside a site, relative to its root ($OMD_ROOT).
const (
	storeMergedPath = "var/check_mk/passwords_merged"
	storeUserPath   = "var/check_mk/stored_passwords"
	storeSecretPath = "etc/password_store.secret"
)

// Constants of the encrypted format; Checkmk keeps them in sync between its Python, C and
// Rust readers.
const (
	storeVersionLen = 2
	storeSaltLen    = 16
	storeNonceLen   = 16
	storeTagLen     = 16
	storeScryptN    = 1 << 14
	storeScryptR    = 8
	storeScryptP    = 1
	storeKeyLen     = 32
)

// PasswordStore reads passwords from the password store of a Checkmk site. It reads
// var/check_mk/passwords_merged (written by Checkmk 2.4) and then
// var/check_mk/stored_passwords below the site root, in any of the formats of Checkmk 2.0
// to 2.4 (StoreFormat), decrypting with etc/password_store.secret where needed.
//
// Each file is read and decrypted once, on the first Lookup that needs it, and kept in
// memory; deriving the key costs tens of milliseconds by design. A PasswordStore is safe
// for concurrent use. Reading it requires the permissions of the site user.
type PasswordStore struct {
	root string

	mu    sync.Mutex
	files map[string]map[string]Secret // path → id → password; nil map = file absent
}

// NewPasswordStore returns the password store of the site whose root directory
// ($OMD_ROOT, e.g. /omd/sites/prod) is siteRoot. It reads nothing yet; the package never
// reads OMD_ROOT from the environment, so pass it in (Notification.SiteRoot has it).
func NewPasswordStore(siteRoot string) *PasswordStore {
	return &PasswordStore{root: siteRoot, files: map[string]map[string]Secret{}}
}

// Lookup returns the password stored under id. It searches passwords_merged, then
// stored_passwords; a file that does not exist is skipped. The error is a
// *PasswordNotFoundError when no file has the id, and a *PasswordStoreError (wrapping
// ErrNoPasswordStore, ErrUnsupportedStoreFormat, ErrStoreDecrypt or an I/O error) when no
// file exists or a file cannot be read. ctx is checked before each file is read.
func (s *PasswordStore) Lookup(ctx context.Context, id string) (Secret, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var searched []string
	for _, rel := range []string{storeMergedPath, storeUserPath} {
		path := filepath.Join(s.root, rel)
		entries, err := s.load(ctx, path)
		if err != nil {
			return Secret{}, err
		}
		if entries == nil {
			continue
		}
		searched = append(searched, path)
		if pw, ok := entries[id]; ok {
			return pw, nil
		}
	}
	if searched == nil {
		return Secret{}, &PasswordStoreError{Path: filepath.Join(s.root, storeUserPath), Err: ErrNoPasswordStore}
	}
	return Secret{}, &PasswordNotFoundError{ID: id, Files: searched}
}

// load returns the entries of the file at path, nil if it does not exist. Successful
// results are cached.
func (s *PasswordStore) load(ctx context.Context, path string) (map[string]Secret, error) {
	if entries, ok := s.files[path]; ok {
		return entries, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		s.files[path] = nil
		return nil, nil
	}
	if err != nil {
		return nil, &PasswordStoreError{Path: path, Err: err}
	}
	format, err := detectStoreFormat(data)
	if err != nil {
		return nil, &PasswordStoreError{Path: path, Err: err}
	}
	var text []byte
	switch format {
	case StorePlain:
		text = data
	default:
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		secret, err := os.ReadFile(filepath.Join(s.root, storeSecretPath))
		if err != nil {
			return nil, &PasswordStoreError{Path: path, Format: format, Err: fmt.Errorf("reading the key: %w", err)}
		}
		text, err = decryptStore(data, secret)
		if err != nil {
			return nil, &PasswordStoreError{Path: path, Format: format, Err: err}
		}
	}
	entries := parseStoreText(text)
	s.files[path] = entries
	return entries, nil
}

// String returns "checkmk.PasswordStore(<site root>)", never a password.
func (s *PasswordStore) String() string { return "checkmk.PasswordStore(" + s.root + ")" }

// Format prints String for every verb.
func (s *PasswordStore) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// LogValue makes slog log String.
func (s *PasswordStore) LogValue() slog.Value { return slog.StringValue(s.String()) }

// detectStoreFormat tells the format of a password store file's content:
//
//   - binary data (a NUL byte or invalid UTF-8 in the first bytes) is the encrypted format;
//     its first two bytes are a big-endian version, and a version other than 0 gives an
//     error wrapping ErrUnsupportedStoreFormat;
//   - text that starts with "00" and continues with base64 characters only is 2.1's
//     obfuscated format;
//   - any other text, including an empty file, is plain text.
func detectStoreFormat(data []byte) (StoreFormat, error) {
	head := data[:min(len(data), 64)]
	if bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(trimIncompleteRune(head)) {
		if len(data) < storeVersionLen {
			return "", fmt.Errorf("%w: %d bytes of binary data", ErrUnsupportedStoreFormat, len(data))
		}
		if v := binary.BigEndian.Uint16(data); v != 0 {
			return "", fmt.Errorf("%w: encrypted store version %d (this package reads version 0)", ErrUnsupportedStoreFormat, v)
		}
		return StoreEncrypted, nil
	}
	if rest, ok := bytes.CutPrefix(data, []byte("00")); ok && isBase64Text(rest) {
		return StoreObfuscated, nil
	}
	return StorePlain, nil
}

// trimIncompleteRune drops a UTF-8 sequence cut by taking a prefix of the data.
func trimIncompleteRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && i < len(b); i++ {
		if utf8.RuneStart(b[len(b)-1-i]) {
			if !utf8.FullRune(b[len(b)-1-i:]) {
				return b[:len(b)-1-i]
			}
			break
		}
	}
	return b
}

func isBase64Text(b []byte) bool {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9',
			c == '+', c == '/', c == '=', c == '-', c == '_', c == '\n', c == '\r':
		default:
			return false
		}
	}
	return true
}

// decryptStore decrypts a password store file in the encrypted (2.2+) or obfuscated (2.1)
// format with the content of the site's etc/password_store.secret and returns its plain
// text ("<id>:<password>" lines). Plain text input is returned unchanged.
//
// The encrypted layout is: version (2 bytes, big-endian, 0) ‖ salt (16) ‖ nonce (16) ‖
// GCM tag (16) ‖ ciphertext; the key is scrypt(secret, salt, N=2^14, r=8, p=1, 32 bytes)
// and the cipher AES-256-GCM with a 16-byte nonce and no additional data. The secret file
// is used byte for byte; if that does not authenticate, it is tried once more without
// surrounding whitespace, as older Checkmk versions stripped it.
//
// Checkmk 2.1's obfuscated format is the text header "00" followed by the same salt‖nonce‖
// tag‖ciphertext layout (without the version bytes) as base64 text (see docs/research.md
// for what of this is confirmed). If the content after "00" is not base64, or does not
// authenticate, decryptStore returns an error wrapping ErrStoreDecrypt that says so — it
// never returns unauthenticated data.
func decryptStore(data, secret []byte) ([]byte, error) {
	format, err := detectStoreFormat(data)
	if err != nil {
		return nil, err
	}
	var sealed []byte
	switch format {
	case StorePlain:
		return data, nil
	case StoreEncrypted:
		sealed = data[storeVersionLen:]
	case StoreObfuscated:
		sealed, err = decodeBase64(bytes.TrimSpace(data[2:]))
		if err != nil {
			return nil, fmt.Errorf("%w: the 2.1 obfuscated content after the \"00\" header is not base64 text (the exact 2.1 encoding is inferred; please report a sample format)", ErrStoreDecrypt)
		}
	}
	if len(sealed) < storeSaltLen+storeNonceLen+storeTagLen {
		return nil, fmt.Errorf("%w: file too short (%d bytes after the header)", ErrStoreDecrypt, len(sealed))
	}
	plain, err := openSealed(sealed, secret)
	if err != nil {
		if trimmed := bytes.TrimSpace(secret); len(trimmed) != len(secret) {
			plain, err = openSealed(sealed, trimmed)
		}
	}
	if err != nil {
		if format == StoreObfuscated {
			return nil, fmt.Errorf("%w: the 2.1 obfuscated content does not authenticate (wrong secret, or a 2.1 encoding this package does not know)", ErrStoreDecrypt)
		}
		return nil, fmt.Errorf("%w: %v", ErrStoreDecrypt, err)
	}
	return plain, nil
}

func decodeBase64(b []byte) ([]byte, error) {
	s := strings.NewReplacer("\n", "", "\r", "").Replace(string(b))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if out, err := enc.DecodeString(s); err == nil {
			return out, nil
		}
	}
	return nil, errors.New("not base64")
}

// openSealed decrypts salt‖nonce‖tag‖ciphertext.
func openSealed(sealed, secret []byte) ([]byte, error) {
	salt := sealed[:storeSaltLen]
	nonce := sealed[storeSaltLen : storeSaltLen+storeNonceLen]
	tag := sealed[storeSaltLen+storeNonceLen : storeSaltLen+storeNonceLen+storeTagLen]
	ciphertext := sealed[storeSaltLen+storeNonceLen+storeTagLen:]
	key, err := scrypt.Key(secret, salt, storeScryptN, storeScryptR, storeScryptP, storeKeyLen)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCMWithNonceSize(block, storeNonceLen)
	if err != nil {
		return nil, err
	}
	// Go's GCM expects ciphertext‖tag; the file stores the tag first.
	in := make([]byte, 0, len(ciphertext)+len(tag))
	in = append(append(in, ciphertext...), tag...)
	return gcm.Open(nil, nonce, in, nil)
}

// parseStoreText reads "<id>:<password>" lines: each line is stripped of surrounding
// whitespace and split at the first ":"; lines without ":" are skipped. As in Checkmk, the last
// occurrence of an id wins.
func parseStoreText(text []byte) map[string]Secret {
	entries := make(map[string]Secret)
	for line := range strings.Lines(string(text)) {
		line = strings.TrimSpace(line)
		id, pw, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		entries[id] = NewSecret(pw)
	}
	return entries
}
