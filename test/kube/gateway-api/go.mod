// Pins the Gateway API release whose standard-channel CRDs (config/crd/standard) the test cluster installs.
// Nothing is built from it: test/kube/gateway-api.mjs reads the CRDs from the module cache, verified by go.sum.
module hotfix-deployer.test/gateway-api

go 1.26.0

require sigs.k8s.io/gateway-api v1.6.3
