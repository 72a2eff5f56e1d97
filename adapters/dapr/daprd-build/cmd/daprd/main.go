// daprd with only the components ordeal uses (SQLite state store), so the build stays small.
package main

import (
	"github.com/dapr/components-contrib/state/sqlite"
	"github.com/dapr/dapr/cmd/daprd/app"
	stateLoader "github.com/dapr/dapr/pkg/components/state"
)

func main() {
	// Registered here instead of through the stablecomponents build tag, which compiles every component.
	stateLoader.DefaultRegistry.RegisterComponent(sqlite.NewSQLiteStateStore, "sqlite", "sqlite3")
	app.Run()
}
