package main

// auditCmd gathers the auditors' commands: what happened to a case, read
// from its Temporal history.
type auditCmd struct {
	Timeline auditTimelineCmd `cmd:"" help:"Print a case's timeline: stages, data and sources, drafts, decisions, refused attempts, edits, letter, notifications."`
}
