// daprd of the pinned dapr module; build with -tags stablecomponents (it includes state.sqlite).
package main

import "github.com/dapr/dapr/cmd/daprd/app"

func main() {
	// dapr's components package panics at start unless built with stablecomponents or allcomponents
	app.Run()
}
