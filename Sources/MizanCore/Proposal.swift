/// Where a proposal stands after review.
public enum ProposalStatus: String, CaseIterable, Sendable {
    case submitted, accepted, rejected, merged, hidden
}

public struct Proposal: Hashable, Sendable, Identifiable {
    public let id: Int
    public let cycleID: Int
    public let title: String
    public let description: String
    public let category: String
    public let districtName: String?
    public let location: String?
    public let estimatedCost: Money
    public let language: String
    public let status: ProposalStatus
    public let officialCost: Money?
    public let officialAnswer: String?
    public let mergedInto: Int?
    public let hiddenReason: String?

    public init(
        id: Int, cycleID: Int, title: String, description: String, category: String, districtName: String?,
        location: String?, estimatedCost: Money, language: String, status: ProposalStatus, officialCost: Money?,
        officialAnswer: String?, mergedInto: Int?, hiddenReason: String?
    ) {
        self.id = id
        self.cycleID = cycleID
        self.title = title
        self.description = description
        self.category = category
        self.districtName = districtName
        self.location = location
        self.estimatedCost = estimatedCost
        self.language = language
        self.status = status
        self.officialCost = officialCost
        self.officialAnswer = officialAnswer
        self.mergedInto = mergedInto
        self.hiddenReason = hiddenReason
    }
}

/// A proposal as submitted, checked field by field so a form or a command can say which field is
/// wrong.
public struct NewProposal: Sendable {
    public let title: String
    public let description: String
    public let category: String
    public let district: String?
    public let location: String?
    public let estimatedCost: Money
    public let language: String

    public static let languages = ["ar", "fr", "en", "zgh"]

    public init(
        title: String, description: String, category: String, district: String?, location: String?,
        estimatedCost: String, language: String
    ) throws(ProposalError) {
        var problems: [String: String] = [:]
        let title = title.trimmingCharacters(in: " \t\n\r")
        if title.count < 3 || title.count > 200 { problems["title"] = "must be between 3 and 200 characters" }
        if description.count > 10_000 { problems["description"] = "must be at most 10,000 characters" }
        let category = category.trimmingCharacters(in: " \t\n\r")
        if category.isEmpty || category.count > 80 { problems["category"] = "is required (at most 80 characters)" }
        if let location, location.count > 300 { problems["location"] = "must be at most 300 characters" }
        if !Self.languages.contains(language) { problems["language"] = "must be one of ar, fr, en, zgh" }
        var cost = Money.zero
        do {
            cost = try Money(parsing: estimatedCost)
            if cost.centimes <= 0 { problems["estimated_cost"] = "must be more than zero" }
        } catch {
            problems["estimated_cost"] = "\(error)"
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        self.title = title
        self.description = description
        self.category = category
        let district = district?.trimmingCharacters(in: " \t")
        self.district = district?.isEmpty == false ? district : nil
        let location = location?.trimmingCharacters(in: " \t")
        self.location = location?.isEmpty == false ? location : nil
        self.estimatedCost = cost
        self.language = language
    }
}

public enum ProposalError: Error, Equatable, CustomStringConvertible {
    /// Field name → what is wrong with it.
    case invalid([String: String])
    case notFound(Int)
    case unknownDistrict(String)
    case notAllowed(String)

    public var description: String {
        switch self {
        case .invalid(let problems):
            return problems.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; ")
        case .notFound(let id): return "there is no proposal \(id)"
        case .unknownDistrict(let name): return "the commune has no district named \(name)"
        case .notAllowed(let reason): return reason
        }
    }
}

/// The decisions staff take in review.
public enum ProposalDecision: Sendable, Equatable {
    case accept(cost: Money, answer: String?)
    case reject(reason: String)
    case merge(into: ProposalID)
    case hide(reason: String)
    /// Puts a hidden proposal back in the queue (submitted), e.g. after a mistaken hiding; the
    /// hiding and its reason stay in the audit log.
    case unhide

    /// The audit log's name for the decision.
    public var action: String {
        switch self {
        case .accept: "proposal.accept"
        case .reject: "proposal.reject"
        case .merge: "proposal.merge"
        case .hide: "proposal.hide"
        case .unhide: "proposal.unhide"
        }
    }
}

/// What a visitor filters a cycle's public proposal list by.
public struct ProposalSearch: Sendable {
    public let cycle: CycleID
    public let category: String?
    public let status: ProposalStatus?
    /// Words to find in titles and descriptions, in Arabic, French or English; empty for all.
    public let text: String
    public let limit: Int

    public init(cycle: CycleID, category: String?, status: ProposalStatus?, text: String, limit: Int = 500) {
        self.cycle = cycle
        self.category = category
        self.status = status
        self.text = text.trimmingCharacters(in: " \t\n\r")
        self.limit = limit
    }
}
