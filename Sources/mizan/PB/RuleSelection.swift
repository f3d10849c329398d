import ArgumentParser
import PBEngine

/// `--completion` for equal shares: what happens to the budget the method leaves unspent.
enum CompletionChoice: String, CaseIterable, ExpressibleByArgument {
    /// Stop where the method stops.
    case none
    /// Raise every voter's share one currency unit at a time while the outcome does not overspend.
    case add1
    /// The same, then fund what still fits by number of supporters.
    case add1Greedy = "add1-greedy"
}

/// `--tie`: which of several equally good projects wins.
enum TieChoice: String, CaseIterable, ExpressibleByArgument {
    case lexicographic
    case equalshares

    /// equalshares.net's rule needs an order of last resort; the file's project order is the one
    /// the organisers published.
    func tieBreaking(for instance: Instance) -> TieBreaking {
        switch self {
        case .lexicographic: .lexicographic
        case .equalshares: .equalShares(order: instance.projects.map(\.id))
        }
    }
}

/// A rule named on the command line, checked against the ballots it is asked to rank.
enum RuleSelection {
    /// Every key accepted, for messages and help: the short names, then the pabutools keys.
    static var acceptedKeys: String { (["greedy", "mes", "phragmen", "optimal"] + Rule.keys.filter { $0 != "phragmen" }).joined(separator: ", ") }

    /// The rule for `key`, with `completion` applied when given; a user error when the key is
    /// unknown or the completion makes no sense for the rule.
    static func rule(key: String, completion: CompletionChoice?) throws -> Rule {
        guard let rule = Rule(key: key) else {
            throw CommandFailure.user("unknown rule \(key); use one of \(acceptedKeys)")
        }
        guard let completion else { return rule }
        guard case .equalShares(let utility, _, _) = rule else {
            throw CommandFailure.user("--completion applies to equal-shares rules (mes, mes_*), not to \(key)")
        }
        switch completion {
        case .none: return .equalShares(utility, completion: false, greedyCompletion: false)
        case .add1: return .equalShares(utility, completion: true, greedyCompletion: false)
        case .add1Greedy: return .equalShares(utility, completion: true, greedyCompletion: true)
        }
    }

    /// Why `rule` cannot rank these ballots, or nil when it can. The engine runs any rule on any
    /// profile, but Phragmén's loads only mean something for approval ballots (as in pabutools).
    static func refusal(of rule: Rule, for file: PabulibFile) -> String? {
        if rule == .phragmen, file.voteType != .approval {
            return "\(file.path): phragmen needs approval or choose-1 ballots, and this file's are \(file.voteTypeWord)"
        }
        return nil
    }
}
