// The actor placement service of the pinned dapr module (1.18 line, for Dapr Agents).
package main

import "github.com/dapr/dapr/cmd/placement/app"

func main() {
	app.Run()
}
