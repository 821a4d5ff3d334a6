//go:build tools

// Package tools names the command build-helm.sh builds, so that `go mod tidy` pins its dependencies.
package tools

import _ "helm.sh/helm/v4/cmd/helm"
