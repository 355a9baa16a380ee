module github.com/alertbridge/alertbridge

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/google/go-querystring v1.2.0
	github.com/hashicorp/go-cleanhttp v0.5.2
	golang.org/x/crypto v0.58.0
)
