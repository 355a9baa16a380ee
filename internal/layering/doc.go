// Package layering states the rule that keeps the module's imports running one way:
// programs (examples/...) → sources (checkmk, healthchecks, level) → sinks (ilert,
// alertops) → internal/. A package may import packages of its own top-level tree and of
// lower floors only; a sink imports nothing of the module but internal/ (not the other
// sink). [Allowed] decides one import; the package's test runs go list over the module
// and fails for every import that breaks the rule, and for a top-level directory that
// [FloorOf] does not know.
package layering
