// daprd of the pinned dapr module; harness/engines/daprd.ts builds it with components.go.in as its component list.
package main

import "github.com/dapr/dapr/cmd/daprd/app"

func main() {
	app.Run()
}
