//go:build tools

// Package tools names the command build-argo-rollouts.sh builds, so that `go mod tidy` pins its dependencies.
package tools

import _ "github.com/argoproj/argo-rollouts/cmd/rollouts-controller"
