import MizanCore

/// Why a line of an uploaded or pasted file (a count sheet, a registry) was refused, in the
/// reader's language: a ballot's refusal in the words the ballot page gives a citizen, the readers'
/// problems by kind (`line_reason_<kind>`, with what was read as `{value}`). A problem with no kind
/// keeps the use case's English rather than showing nothing.
enum LineProblemText {
    static func reason(_ problem: LineProblem, _ catalogs: Catalogs, _ language: Language) -> String {
        if let vote = problem.vote {
            switch vote {
            case .invalid(let error): return VoteController.message(for: error, catalogs, language)
            case .alreadyVoted: return catalogs.text("line_reason_already_voted", language)
            case .notEligible: return catalogs.text("line_reason_not_eligible", language)
            case .notInVoting: return catalogs.text("voting_closed", language)
            case .needsReceipt, .staleForm: return catalogs.text("line_reason_already_voted", language)
            }
        }
        if let kind = problem.kind {
            return catalogs.text("line_reason_\(kind.replacingOccurrences(of: "-", with: "_"))", language, ["value": problem.value ?? ""])
        }
        return problem.reason
    }
}
