// The actor placement service of the pinned dapr module.
package main

import "github.com/dapr/dapr/cmd/placement/app"

func main() {
	app.Run()
}
