package audit

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	historypb "go.temporal.io/api/history/v1"
)

// Divergence is the first event of a history that the current workflow
// code does not reproduce.
type Divergence struct {
	EventID   int64  // 0 when the replayer's message does not tell
	EventType string // as Temporal names it: ActivityTaskScheduled
}

// String reads "at event 42 (ActivityTaskScheduled)".
func (d Divergence) String() string {
	switch {
	case d.EventID > 0 && d.EventType != "":
		return fmt.Sprintf("at event %d (%s)", d.EventID, d.EventType)
	case d.EventID > 0:
		return fmt.Sprintf("at event %d", d.EventID)
	case d.EventType != "":
		return fmt.Sprintf("at an event %s", d.EventType)
	}
	return "(event not named by the replayer)"
}

// The replayer's nondeterminism messages (TMPRL1100) print the history
// event or the command they stop at, without the event's id. Activities
// and timers carry their id, which the SDK takes from the event id their
// command is expected at; children carry their workflow id.
var (
	historyEvent     = regexp.MustCompile(`(?:history event is|missing replay command for) (\w+): (.*)`)
	extraCommand     = regexp.MustCompile(`extra replay command for \w+: (.*)`)
	expectedPosition = regexp.MustCompile(`a matching \w+ command was expected in history event position ([^.\s]+)`)
	scheduledEvent   = regexp.MustCompile(`scheduled?EventID: (\d+)`)
	commandID        = regexp.MustCompile(`\((?:ActivityId|TimerId):(\d+)[,)]`)
)

// locate finds in hist the event the replayer's message msg stops at.
func locate(hist *historypb.History, msg string) Divergence {
	eventPart, commandPart, _ := strings.Cut(msg, ", replay command is ")
	if m := historyEvent.FindStringSubmatch(eventPart); m != nil {
		if e := findEvent(hist, m[1], m[2]); e != nil {
			return Divergence{EventID: e.GetEventId(), EventType: m[1]}
		}
		// The replayed command names the position it expected.
		if e := eventAt(hist, commandPart); typeOf(e) == m[1] {
			return Divergence{EventID: e.GetEventId(), EventType: m[1]}
		}
		return Divergence{EventType: m[1]}
	}
	// The code makes a command past the history's last one: the position
	// it expected, which the history may not reach.
	if m := extraCommand.FindStringSubmatch(msg); m != nil {
		if id := commandID.FindStringSubmatch(m[1]); id != nil {
			n, _ := strconv.ParseInt(id[1], 10, 64)
			return Divergence{EventID: n, EventType: typeOf(eventByID(hist, id[1]))}
		}
	}
	if m := scheduledEvent.FindStringSubmatch(msg); m != nil {
		if e := eventByID(hist, m[1]); e != nil {
			return Divergence{EventID: e.GetEventId(), EventType: typeOf(e)}
		}
	}
	if m := expectedPosition.FindStringSubmatch(msg); m != nil {
		for _, e := range hist.GetEvents() {
			if _, id := key(e); id == m[1] {
				return Divergence{EventID: e.GetEventId(), EventType: typeOf(e)}
			}
		}
	}
	return Divergence{}
}

// findEvent returns the event of type typ printed as attrs: the one whose
// id attrs shows, or the only event of that type.
func findEvent(hist *historypb.History, typ, attrs string) *historypb.HistoryEvent {
	var only *historypb.HistoryEvent
	n := 0
	for _, e := range hist.GetEvents() {
		if typeOf(e) != typ {
			continue
		}
		if name, id := key(e); name != "" && (strings.Contains(attrs, name+":"+id+",") || strings.Contains(attrs, name+":"+id+")")) {
			return e
		}
		only, n = e, n+1
	}
	if n == 1 {
		return only
	}
	return nil
}

// eventAt returns the event at the position a printed command's activity
// or timer id names.
func eventAt(hist *historypb.History, command string) *historypb.HistoryEvent {
	m := commandID.FindStringSubmatch(command)
	if m == nil {
		return nil
	}
	return eventByID(hist, m[1])
}

// eventByID returns the event whose id is written id, or nil.
func eventByID(hist *historypb.History, id string) *historypb.HistoryEvent {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil
	}
	for _, e := range hist.GetEvents() {
		if e.GetEventId() == n {
			return e
		}
	}
	return nil
}

// key is the attribute that identifies an event among those of its type,
// as the replayer prints it.
func key(e *historypb.HistoryEvent) (name, value string) {
	if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
		return "ActivityId", a.GetActivityId()
	}
	if a := e.GetTimerStartedEventAttributes(); a != nil {
		return "TimerId", a.GetTimerId()
	}
	if a := e.GetStartChildWorkflowExecutionInitiatedEventAttributes(); a != nil {
		return "WorkflowId", a.GetWorkflowId()
	}
	return "", ""
}

// firstLine is the replayer's message without the stack trace some carry.
func firstLine(msg string) string {
	line, _, _ := strings.Cut(msg, "\n")
	return line
}

// typeOf is the event's type as Temporal names it, "" for no event.
func typeOf(e *historypb.HistoryEvent) string {
	if e == nil {
		return ""
	}
	return e.GetEventType().String()
}
