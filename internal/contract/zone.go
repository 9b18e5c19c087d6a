package contract

import (
	"fmt"
	"time"
	_ "time/tzdata" // the zone below, on machines without a zone database
)

// Paris is the zone Dossier counts days in: legal deadlines, due dates,
// "today" for the validation of dates and the dates printed on letters.
// It is loaded once, when the package is initialised, never by workflow
// code; time/tzdata embeds the zone database as a fallback, so every
// worker computes the same instants.
var Paris = mustLoadLocation("Europe/Paris")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("contract: load %s: %v", name, err))
	}
	return loc
}
