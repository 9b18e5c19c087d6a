package main

// benchCmd measures Dossier on this machine against same-run baselines.
type benchCmd struct {
	Cases benchCasesCmd `cmd:"" help:"Run N cases through the embedded stack, approving each at once, against a bare workflow of the same shape."`
}
