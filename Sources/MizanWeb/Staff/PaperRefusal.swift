import MizanCore

/// Why a count sheet's line was refused, in the reader's language: the same words the ballot page
/// gives a citizen for the same ballot error, and the parser's problems by kind. A problem with no
/// kind (none today) keeps the use case's English rather than showing nothing.
enum PaperRefusal {
    static func reason(_ problem: LineProblem, _ catalogs: Catalogs, _ language: Language) -> String {
        if let vote = problem.vote {
            switch vote {
            case .invalid(let error): return VoteController.message(for: error, catalogs, language)
            case .alreadyVoted: return catalogs.text("paper_reason_already_voted", language)
            case .notEligible: return catalogs.text("paper_reason_not_eligible", language)
            case .notInVoting: return catalogs.text("voting_closed", language)
            case .needsReceipt, .staleForm: return catalogs.text("paper_reason_already_voted", language)
            }
        }
        if let kind = problem.kind {
            return catalogs.text("paper_reason_\(kind.replacingOccurrences(of: "-", with: "_"))", language, ["value": problem.value ?? ""])
        }
        return problem.reason
    }
}
