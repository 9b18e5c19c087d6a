package contract

import "go.temporal.io/sdk/temporal"

// The custom search attributes Dossier keeps on every case, so that inboxes
// and lists are visibility queries.
var (
	SearchStage     = temporal.NewSearchAttributeKeyKeyword("CaseStage")
	SearchTemplate  = temporal.NewSearchAttributeKeyKeyword("CaseTemplate")
	SearchSubmitter = temporal.NewSearchAttributeKeyKeyword("CaseSubmitter")
	// SearchDrafter and SearchKeptRatio are set at approval: who drafted
	// the approved text, and how much of it the caseworker kept.
	SearchDrafter   = temporal.NewSearchAttributeKeyKeyword("CaseDrafter")
	SearchKeptRatio = temporal.NewSearchAttributeKeyFloat64("CaseKeptRatio")
	// SearchService is the team a case belongs to, SearchAssignee who
	// holds it, SearchDeadline its legal deadline, SearchApplicant the
	// words of the applicant's name (lower case, no accents) for search.
	SearchService   = temporal.NewSearchAttributeKeyKeyword("CaseService")
	SearchAssignee  = temporal.NewSearchAttributeKeyKeyword("CaseAssignee")
	SearchDeadline  = temporal.NewSearchAttributeKeyTime("CaseDeadline")
	SearchApplicant = temporal.NewSearchAttributeKeyKeywordList("CaseApplicant")
	SearchEscalated = temporal.NewSearchAttributeKeyBool("CaseEscalated")
)

// KeywordSearchAttributes and DoubleSearchAttributes list the custom search
// attributes by type, for registration on the namespace.
var (
	KeywordSearchAttributes = []string{
		SearchStage.GetName(), SearchTemplate.GetName(), SearchSubmitter.GetName(), SearchDrafter.GetName(),
		SearchService.GetName(), SearchAssignee.GetName(),
	}
	DoubleSearchAttributes = []string{SearchKeptRatio.GetName()}
	// Typed further: CaseDeadline (Datetime), CaseApplicant (KeywordList),
	// CaseEscalated (Bool).
	DatetimeSearchAttributes    = []string{SearchDeadline.GetName()}
	KeywordListSearchAttributes = []string{SearchApplicant.GetName()}
	BoolSearchAttributes        = []string{SearchEscalated.GetName()}
)
