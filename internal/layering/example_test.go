package layering_test

import (
	"fmt"

	"github.com/alertbridge/alertbridge/internal/layering"
)

func ExampleAllowed() {
	const m = layering.Module + "/"
	fmt.Println(layering.Allowed(m+"checkmk", m+"ilert"))                             // a source maps to a sink
	fmt.Println(layering.Allowed(m+"ilert", m+"checkmk"))                             // a sink never imports a source
	fmt.Println(layering.Allowed(m+"ilert", m+"alertops"))                            // nor the other sink
	fmt.Println(layering.Allowed(m+"internal/spool", m+"examples/internal/delivery")) // internal/ is the ground floor
	fmt.Println(layering.Allowed(m+"ilert/ilerttest", m+"ilert"))                     // within one tree
	// Output:
	// true
	// false
	// false
	// false
	// true
}

func ExampleFloorOf() {
	for _, pkg := range []string{"internal/httpx", "alertops", "level", "examples/webhook-relay"} {
		root, floor, _ := layering.FloorOf(layering.Module + "/" + pkg)
		fmt.Println(root, floor)
	}
	// Output:
	// internal internal
	// alertops sink
	// level source
	// examples program
}
