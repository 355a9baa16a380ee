package checkmk

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/internal/testutil"
	"golang.org/x/crypto/scrypt"
)

// sealStore encrypts plain the way Checkmk 2.2+ does, without the version bytes:
// salt ‖ nonce ‖ tag ‖ ciphertext.
func sealStore(tb testing.TB, plain, secret []byte) []byte {
	tb.Helper()
	salt, nonce := make([]byte, 16), make([]byte, 16)
	_, _ = rand.Read(salt)
	_, _ = rand.Read(nonce)
	key, err := scrypt.Key(secret, salt, 1<<14, 8, 1, 32)
	if err != nil {
		tb.Fatal(err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		tb.Fatal(err)
	}
	gcm, err := cipher.NewGCMWithNonceSize(block, 16)
	if err != nil {
		tb.Fatal(err)
	}
	out := gcm.Seal(nil, nonce, plain, nil)
	ct, tag := out[:len(out)-16], out[len(out)-16:]
	sealed := append(append(append(salt, nonce...), tag...), ct...)
	return sealed
}

// storeFile renders store text in the given format.
func storeFile(tb testing.TB, format StoreFormat, text string, secret []byte) []byte {
	tb.Helper()
	switch format {
	case StorePlain:
		return []byte(text)
	case StoreObfuscated:
		return []byte("00" + base64.StdEncoding.EncodeToString(sealStore(tb, []byte(text), secret)))
	case StoreEncrypted:
		return append([]byte{0, 0}, sealStore(tb, []byte(text), secret)...)
	}
	tb.Fatalf("unknown format %q", format)
	return nil
}

// newSite creates a site root with the given store files (relative path → content) and
// secret file.
func newSite(tb testing.TB, secret []byte, files map[string][]byte) string {
	tb.Helper()
	root := tb.TempDir()
	if secret != nil {
		testutil.WriteFile(tb, filepath.Join(root, storeSecretPath), secret)
	}
	for rel, data := range files {
		testutil.WriteFile(tb, filepath.Join(root, rel), data)
	}
	return root
}

const storeText = "other:pw\nilert_prod:il1api0storedKEY\ncolon:a:b:c\n  spaced  :  x  \n"

func TestPasswordStoreFormats(t *testing.T) {
	t.Parallel()
	secretNew := make([]byte, 32) // 2.2+ sites: 32 random bytes
	_, _ = rand.Read(secretNew)
	secretOld := []byte(strings.Repeat("AB12", 64)) // older sites: 256 letters and digits
	tests := []struct {
		name   string
		format StoreFormat
		secret []byte
		file   string
	}{
		{"2.0 plain text", StorePlain, nil, storeUserPath},
		{"2.1 obfuscated", StoreObfuscated, secretOld, storeUserPath},
		{"2.2 encrypted, old secret", StoreEncrypted, secretOld, storeUserPath},
		{"2.3 encrypted, new secret", StoreEncrypted, secretNew, storeUserPath},
		{"2.4 merged file", StoreEncrypted, secretNew, storeMergedPath},
		{"secret file with a trailing newline", StoreEncrypted, append([]byte(nil), append(secretOld, '\n')...), storeUserPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sealWith := tt.secret
			if tt.name == "secret file with a trailing newline" {
				sealWith = secretOld // sealed with the stripped secret, as older Checkmk did
			}
			root := newSite(t, tt.secret, map[string][]byte{tt.file: storeFile(t, tt.format, storeText, sealWith)})
			data, _ := os.ReadFile(filepath.Join(root, tt.file))
			if got, err := detectStoreFormat(data); err != nil || got != tt.format {
				t.Errorf("detectStoreFormat = %q, %v; want %q", got, err, tt.format)
			}
			store := NewPasswordStore(root)
			ctx := context.Background()
			for id, want := range map[string]string{"ilert_prod": "il1api0storedKEY", "other": "pw", "colon": "a:b:c", "spaced  ": "  x"} {
				got, err := store.Lookup(ctx, id)
				if err != nil {
					t.Fatalf("Lookup(%q): %v", id, err)
				}
				if got.Reveal() != want {
					t.Errorf("Lookup(%q) wrong password (%d bytes, want %d)", id, len(got.Reveal()), len(want))
				}
			}
			_, err := store.Lookup(ctx, "nope")
			var nf *PasswordNotFoundError
			if !errors.As(err, &nf) || nf.ID != "nope" || !errors.Is(err, ErrPasswordNotFound) || !strings.Contains(err.Error(), `"nope"`) {
				t.Errorf("unknown id: %v, want PasswordNotFoundError naming it", err)
			}
			testutil.AssertNoSecret(t, "error", err.Error(), "il1api0storedKEY", "pw")
		})
	}
}

// The fixtures' store references resolve against a store of each format.
func TestFixtureStoredPasswordResolves(t *testing.T) {
	t.Parallel()
	secret := []byte(strings.Repeat("Z9", 128))
	for _, format := range []StoreFormat{StorePlain, StoreObfuscated, StoreEncrypted} {
		for _, params := range []string{"params-ilert-2.2-2.3", "params-ilert-2.4-stored"} {
			t.Run(string(format)+"/"+params, func(t *testing.T) {
				t.Parallel()
				root := newSite(t, secret, map[string][]byte{storeUserPath: storeFile(t, format, storeText, secret)})
				n := fixtureNotification(t, "host-down-problem", params)
				pw, err := n.Parameters().Password("ILERT_API_KEY")
				if err != nil {
					t.Fatal(err)
				}
				key, err := pw.Resolve(context.Background(), NewPasswordStore(root))
				if err != nil {
					t.Fatal(err)
				}
				if key.Reveal() != "il1api0storedKEY" {
					t.Error("resolved the wrong password")
				}
			})
		}
	}
}

func TestPasswordStoreMergedFirst(t *testing.T) {
	t.Parallel()
	secret := []byte("s3cret-file")
	root := newSite(t, secret, map[string][]byte{
		storeMergedPath: storeFile(t, StoreEncrypted, "a:merged\n", secret),
		storeUserPath:   storeFile(t, StoreEncrypted, "a:user\nb:only-user\n", secret),
	})
	store := NewPasswordStore(root)
	for id, want := range map[string]string{"a": "merged", "b": "only-user"} {
		got, err := store.Lookup(context.Background(), id)
		if err != nil || got.Reveal() != want {
			t.Errorf("Lookup(%q) = (%v), %v; want %q", id, got.Reveal() == want, err, want)
		}
	}
	// Entries are cached: the files are read and decrypted once.
	if err := os.RemoveAll(filepath.Join(root, "var")); err != nil {
		t.Fatal(err)
	}
	if got, err := store.Lookup(context.Background(), "b"); err != nil || got.Reveal() != "only-user" {
		t.Errorf("cached Lookup = %v", err)
	}
	nf := new(PasswordNotFoundError)
	if _, err := store.Lookup(context.Background(), "c"); !errors.As(err, &nf) || len(nf.Files) != 2 {
		t.Errorf("Lookup(c) = %v, want not found in 2 files", err)
	}
}

func TestPasswordStoreErrors(t *testing.T) {
	t.Parallel()
	secret := []byte("right")
	tests := []struct {
		name    string
		secret  []byte
		files   map[string][]byte
		want    error
		wantFmt StoreFormat
	}{
		{name: "no store file", secret: secret, files: nil, want: ErrNoPasswordStore},
		{name: "wrong secret", secret: []byte("wrong"), files: map[string][]byte{storeUserPath: storeFile(t, StoreEncrypted, storeText, secret)}, want: ErrStoreDecrypt, wantFmt: StoreEncrypted},
		{name: "wrong secret, 2.1", secret: []byte("wrong"), files: map[string][]byte{storeUserPath: storeFile(t, StoreObfuscated, storeText, secret)}, want: ErrStoreDecrypt, wantFmt: StoreObfuscated},
		{name: "no secret file", secret: nil, files: map[string][]byte{storeUserPath: storeFile(t, StoreEncrypted, storeText, secret)}, want: os.ErrNotExist, wantFmt: StoreEncrypted},
		{name: "future version", secret: secret, files: map[string][]byte{storeUserPath: append([]byte{0, 1}, make([]byte, 60)...)}, want: ErrUnsupportedStoreFormat},
		{name: "truncated", secret: secret, files: map[string][]byte{storeUserPath: {0, 0, 1, 2, 3}}, want: ErrStoreDecrypt, wantFmt: StoreEncrypted},
		{name: "tampered", secret: secret, files: map[string][]byte{storeUserPath: tamper(storeFile(t, StoreEncrypted, storeText, secret))}, want: ErrStoreDecrypt, wantFmt: StoreEncrypted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := newSite(t, tt.secret, tt.files)
			_, err := NewPasswordStore(root).Lookup(context.Background(), "ilert_prod")
			if !errors.Is(err, tt.want) {
				t.Fatalf("Lookup error %v, want %v", err, tt.want)
			}
			var se *PasswordStoreError
			if !errors.As(err, &se) || se.Format != tt.wantFmt || !strings.HasPrefix(se.Path, root) {
				t.Errorf("error %v: want a PasswordStoreError for a file under the site, format %q", err, tt.wantFmt)
			}
			testutil.AssertNoSecret(t, "error", err.Error(), "il1api0storedKEY", "right")
		})
	}
}

func tamper(b []byte) []byte {
	b[len(b)-1] ^= 0xff
	return b
}

func TestPasswordStoreContext(t *testing.T) {
	t.Parallel()
	root := newSite(t, nil, map[string][]byte{storeUserPath: []byte(storeText)})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewPasswordStore(root).Lookup(ctx, "other"); !errors.Is(err, context.Canceled) {
		t.Errorf("Lookup with a canceled context = %v", err)
	}
}

func TestDetectStoreFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		data    string
		want    StoreFormat
		wantErr bool
	}{
		{"", StorePlain, false},
		{"id:pw\n", StorePlain, false},
		{"00id:pw\n", StorePlain, false},
		{"00QUJD", StoreObfuscated, false},
		{"00QUJD\n", StoreObfuscated, false},
		{"00", StorePlain, false},
		{"\x00\x00" + strings.Repeat("\xff", 60), StoreEncrypted, false},
		{"\x00\x02" + strings.Repeat("\xff", 60), "", true},
		{"\xff", "", true},
		{"ä:ö", StorePlain, false},
	}
	for _, tt := range tests {
		got, err := detectStoreFormat([]byte(tt.data))
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("detectStoreFormat(%q) = %q, %v; want %q, error %v", tt.data, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestPasswordStorePrints(t *testing.T) {
	t.Parallel()
	root := newSite(t, nil, map[string][]byte{storeUserPath: []byte("k:topsecretvalue\n")})
	store := NewPasswordStore(root)
	if _, err := store.Lookup(context.Background(), "k"); err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		testutil.AssertNoSecret(t, verb, fmt.Sprintf(verb, store), "topsecretvalue")
		testutil.AssertNoSecret(t, verb+" nested", fmt.Sprintf(verb, struct{ s *PasswordStore }{store}), "topsecretvalue")
	}
}

func TestPasswordStoreConcurrentLookups(t *testing.T) {
	t.Parallel()
	root := newSite(t, nil, map[string][]byte{storeUserPath: []byte(storeText)})
	store := NewPasswordStore(root)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			pw, err := store.Lookup(context.Background(), "other")
			if err == nil && pw.Reveal() != "pw" {
				err = errors.New("wrong password")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
