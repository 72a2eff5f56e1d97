// The scheduler service (workflow timers and reminders) of the pinned dapr module.
package main

import "github.com/dapr/dapr/cmd/scheduler/app"

func main() {
	app.Run()
}
