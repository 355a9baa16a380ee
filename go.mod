module github.com/alertbridge/alertbridge

go 1.26.0

require github.com/google/go-cmp v0.7.0

require golang.org/x/crypto v0.58.0
