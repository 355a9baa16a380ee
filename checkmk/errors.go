package checkmk

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrInvalidContext is matched (errors.Is) by every error that says a notification
// context or a parameter cannot be used: *MissingVariableError and *InvalidVariableError.
var ErrInvalidContext = errors.New("checkmk: invalid notification context")

// MissingVariableError reports a variable that is required but absent or empty. Name is
// the variable without the NOTIFY_ prefix, e.g. "HOSTNAME" or "PARAMETER_ILERT_API_KEY".
type MissingVariableError struct {
	Name string
}

// Error names the missing variable.
func (e *MissingVariableError) Error() string {
	return "checkmk: required variable " + e.Name + " is missing or empty"
}

// Is makes errors.Is(err, ErrInvalidContext) true.
func (e *MissingVariableError) Is(target error) bool { return target == ErrInvalidContext }

// InvalidVariableError reports a variable whose value cannot be used. Reason says why; it
// quotes the value only where the value cannot be a secret (such as WHAT).
type InvalidVariableError struct {
	Name   string
	Reason string
}

// Error names the variable and the reason.
func (e *InvalidVariableError) Error() string {
	return "checkmk: variable " + e.Name + ": " + e.Reason
}

// Is makes errors.Is(err, ErrInvalidContext) true.
func (e *InvalidVariableError) Is(target error) bool { return target == ErrInvalidContext }

// ErrPasswordNotFound is matched (errors.Is) by *PasswordNotFoundError.
var ErrPasswordNotFound = errors.New("checkmk: password not found in the password store")

// PasswordNotFoundError reports a password store id that none of the site's store files
// holds. The id is not secret; the password would be.
type PasswordNotFoundError struct {
	ID string
	// Files are the store files that were searched.
	Files []string
}

// Error names the id.
func (e *PasswordNotFoundError) Error() string {
	return fmt.Sprintf("checkmk: password store id %q not found (searched %d file(s))", e.ID, len(e.Files))
}

// Is makes errors.Is(err, ErrPasswordNotFound) true.
func (e *PasswordNotFoundError) Is(target error) bool { return target == ErrPasswordNotFound }

// ErrNoPasswordStore is wrapped when a site has none of the password store files.
var ErrNoPasswordStore = errors.New("no password store file")

// ErrUnsupportedStoreFormat is wrapped when a password store file is in a format this
// package does not read (for example a future encrypted version).
var ErrUnsupportedStoreFormat = errors.New("unsupported password store format")

// ErrStoreDecrypt is wrapped when an encrypted or obfuscated password store file does not
// decrypt with the site's etc/password_store.secret: a wrong secret, a damaged file, or (for
// Checkmk 2.1's obfuscated format) an encoding this package does not know.
var ErrStoreDecrypt = errors.New("password store does not decrypt with etc/password_store.secret")

// PasswordStoreError reports a password store file that could not be read or decoded. It
// names the file and the format it was taken for, never a password.
type PasswordStoreError struct {
	Path   string
	Format StoreFormat
	Err    error
}

// Error names the file, the format and the cause.
func (e *PasswordStoreError) Error() string {
	if e.Format != "" {
		return "checkmk: password store " + e.Path + " (" + string(e.Format) + "): " + e.Err.Error()
	}
	return "checkmk: password store " + e.Path + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *PasswordStoreError) Unwrap() error { return e.Err }

// BulkContextError reports a context of a bulk notification that does not make a
// Notification (for example one without HOSTNAME). Reading the bulk can go on after it.
type BulkContextError struct {
	// Index is the position of the context in the bulk, counting from 1.
	Index int
	// Line is the line number where the context starts (its first variable).
	Line int
	Err  error
}

// Error names the context's position and the cause.
func (e *BulkContextError) Error() string {
	return "checkmk: bulk context " + strconv.Itoa(e.Index) + " (line " + strconv.Itoa(e.Line) + "): " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *BulkContextError) Unwrap() error { return e.Err }
