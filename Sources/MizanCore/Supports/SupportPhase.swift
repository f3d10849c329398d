/// The supports phase a cycle may choose (CONSUL's supports, Decidim's endorsements): while it
/// takes proposals, residents of the commune support those submitted so far, at most `perPerson`
/// of them each, so that review sees what residents want. Staff see the counts during review
/// (`mizan support counts`); the public once the phase is over.
public struct SupportPhase: Sendable, Equatable {
    public let cycleID: Int
    public let perPerson: Int

    public init(cycleID: Int, perPerson: Int) {
        self.cycleID = cycleID
        self.perPerson = perPerson
    }
}

/// How many residents support one proposal.
public struct SupportCount: Sendable, Equatable {
    public let proposalID: Int
    public let title: String
    public let supporters: Int

    public init(proposalID: Int, title: String, supporters: Int) {
        self.proposalID = proposalID
        self.title = title
        self.supporters = supporters
    }

    /// As the public sees it: the supporters of one proposal are a group smaller than all who
    /// took part, so fewer than 10 is never shown (`ProtectedCount`).
    public var published: ProtectedCount { ProtectedCount(alone: supporters) }
}

public enum SupportError: Error, Equatable, CustomStringConvertible {
    case noSupportsPhase(cycle: Int)
    /// Supports are given while the cycle takes proposals (and chosen before review).
    case closed(cycle: Int, phase: Phase)
    case invalidLimit
    /// Only submitted proposals of the cycle can be supported.
    case notSupportable(proposal: Int)

    public var description: String {
        switch self {
        case .noSupportsPhase(let cycle): "cycle \(cycle) has no supports phase"
        case .closed(let cycle, let phase): "cycle \(cycle) is in \(phase.rawValue): supports are given in the proposals phase only"
        case .invalidLimit: "the number of proposals a person may support must be from 1 to 1000"
        case .notSupportable(let proposal): "proposal \(proposal) is not a submitted proposal of this cycle"
        }
    }
}
