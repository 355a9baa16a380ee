package layering

import "strings"

// Module is the import path of the module whose layering this package states.
const Module = "github.com/alertbridge/alertbridge"

// Floor is a storey of the module, lowest first.
type Floor int

// The floors, lowest first.
const (
	Internal Floor = iota // internal/: shared helpers, no sink or source
	Sink                  // ilert, alertops: depend on nothing but internal/
	Source                // checkmk, healthchecks, level: own the mappings to the sinks
	Program               // examples/...: the programs and what only they share
)

var floorNames = [...]string{"internal", "sink", "source", "program"}

// String returns the floor's name ("internal", "sink", "source", "program").
func (f Floor) String() string {
	if f.Valid() {
		return floorNames[f]
	}
	return "unknown"
}

// Valid reports whether f is one of the floors above.
func (f Floor) Valid() bool { return f >= Internal && f <= Program }

// roots maps each top-level tree of the module to its floor. A new top-level directory
// must be added here, which is the moment to decide where it stands.
var roots = map[string]Floor{
	"internal":     Internal,
	"ilert":        Sink,
	"alertops":     Sink,
	"checkmk":      Source,
	"healthchecks": Source,
	"level":        Source,
	"examples":     Program,
}

// FloorOf returns the top-level tree of a package of the module (its import path) and the
// tree's floor. inModule is false for a package outside the module; a tree of the module
// that no floor names yields a floor that is not Valid.
func FloorOf(importPath string) (root string, floor Floor, inModule bool) {
	rest, ok := strings.CutPrefix(importPath, Module+"/")
	if !ok {
		return "", 0, false
	}
	root, _, _ = strings.Cut(rest, "/")
	floor, known := roots[root]
	if !known {
		floor = -1
	}
	return root, floor, true
}

// Allowed reports whether the package pkg may import dep (both import paths): always
// within one top-level tree and outside the module; otherwise only a lower floor (so no
// source imports another), and a sink only internal/.
func Allowed(pkg, dep string) bool {
	root, floor, ok := FloorOf(pkg)
	depRoot, depFloor, depOK := FloorOf(dep)
	switch {
	case !ok || !depOK || depRoot == root:
		return true
	case !floor.Valid() || !depFloor.Valid():
		return false
	case floor == Sink:
		return depFloor == Internal
	}
	return depFloor < floor
}
