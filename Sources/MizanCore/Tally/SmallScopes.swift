/// One scope of the outcome about to be published (the whole commune or a district envelope), as
/// far as its counts could show how someone voted.
public struct ScopeSize: Sendable, Equatable {
    public let district: Int?
    public let districtName: String?
    public let ballots: Int
    /// Every project was chosen by all of the scope's voters or by none: its published counts then
    /// give every voter's choice of projects.
    public let everyBallotAlike: Bool

    public init(district: Int?, districtName: String?, ballots: Int, everyBallotAlike: Bool) {
        self.district = district
        self.districtName = districtName
        self.ballots = ballots
        self.everyBallotAlike = everyBallotAlike
    }

    /// "the whole commune" or "district Nord (#3)".
    public var name: String {
        guard let district else { return "the whole commune" }
        return "district \(districtName ?? "") (#\(district))"
    }
}

/// The rule that keeps a published outcome from exposing voters, as the README states it.
///
/// A scope exposes its voters when it has 1 to 9 ballots (with so few, each project's count,
/// read with what neighbours know, tells how a given person voted; a single ballot shows it
/// outright), or when all its ballots chose the same projects (then the counts are every voter's
/// ballot, however many there are). A scope without ballots exposes nobody. Publishing such an
/// outcome needs an explicit confirmation from staff, recorded in the audit log.
public enum SmallScopeRule {
    /// The same threshold as every other published count.
    public static let minimumBallots = ProtectedCount.threshold

    /// Why publishing `scope` would expose its voters, or nil when it would not.
    public static func exposure(of scope: ScopeSize) -> String? {
        guard scope.ballots > 0 else { return nil }
        if scope.ballots < minimumBallots {
            return "\(scope.name) has \(scope.ballots) ballot\(scope.ballots == 1 ? "" : "s") (fewer than \(minimumBallots))"
        }
        if scope.everyBallotAlike {
            return "all \(scope.ballots) ballots of \(scope.name) chose the same projects"
        }
        return nil
    }

    /// The exposed scopes, each with its reason.
    public static func exposures(_ scopes: [ScopeSize]) -> [(scope: ScopeSize, reason: String)] {
        scopes.compactMap { scope in exposure(of: scope).map { (scope, $0) } }
    }
}
