// The scheduler service (workflow timers and reminders) of the pinned dapr module (1.18 line, for Dapr Agents).
package main

import "github.com/dapr/dapr/cmd/scheduler/app"

func main() {
	app.Run()
}
