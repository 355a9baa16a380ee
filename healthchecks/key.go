package healthchecks

import (
	"crypto/sha256"
	"encoding/hex"
)

// KeyPrefix starts every alert key this package produces, so that keys of Healthchecks
// checks cannot collide with keys of other sources on the same iLert alert source.
const KeyPrefix = "healthchecks/"

// MaxKeyBytes is the longest key Key returns. iLert documents no limit for alertKey (it
// trims silently); 255 bytes is PagerDuty's published dedup_key limit, adopted so that
// keys are never cut by a platform.
const MaxKeyBytes = 255

// Key returns the check's identity as an alert key: KeyPrefix followed by ID(), or by the
// name when the check carries no id (then renaming the check changes the key). A key
// longer than MaxKeyBytes is replaced by KeyPrefix + "sha256:" + the hex SHA-256 of the
// identity, which keeps it stable and unique. ToILert uses it as the alertKey and
// ToAlertOps as the EventKey, so the down and up notifications of a check meet.
func (c *Check) Key() string {
	id := c.ID()
	if id == "" {
		id = c.Name
	}
	if len(KeyPrefix)+len(id) <= MaxKeyBytes {
		return KeyPrefix + id
	}
	sum := sha256.Sum256([]byte(id))
	return KeyPrefix + "sha256:" + hex.EncodeToString(sum[:])
}
