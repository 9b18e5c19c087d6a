package main

// benchCmd measures Dossier on this machine against same-run baselines.
type benchCmd struct {
	Cases    benchCasesCmd    `cmd:"" help:"Run N cases through the embedded stack, approving each at once, against a bare workflow of the same shape."`
	Backlog  benchBacklogCmd  `cmd:"" help:"Leave N cases waiting for approval: start rate, inbox latency, memory and disk per case."`
	Overhead benchOverheadCmd `cmd:"" help:"With a stub model of fixed latency, the share of a case's time that is Dossier's."`
}
