package mkp

import (
	"testing"

	"github.com/alertbridge/alertbridge/internal/testutil"
)

func TestListingGolden(t *testing.T) {
	p := alertbridgePackage(t)
	testutil.GoldenText(t, "testdata/listing.golden.txt", []byte(p.Listing()))
}
