import Foundation
import PBEngine

/// `OutcomeAccount` as stored with a tally and shown on the results page: money in centimes,
/// projects by number. Equal shares' figures are absent for the other rules.
public struct TallyAccount: Sendable, Equatable, Codable {
    public struct Transfer: Sendable, Equatable, Codable {
        public let project: String
        public let centimes: Int64
    }

    public struct ProjectAccount: Sendable, Equatable, Codable {
        /// What its supporters' shares could put towards it, as a fraction of its cost (1 = 100 %).
        public let effectiveSupport: Double?
        /// Not funded by equal shares: the funded projects its supporters paid for, largest first.
        public let wentTo: [Transfer]

        enum CodingKeys: String, CodingKey {
            case effectiveSupport = "effective_support"
            case wentTo = "went_to"
        }
    }

    public let shareBeforeCentimes: Double?
    public let shareAfterCentimes: Double?
    public let projects: [String: ProjectAccount]
    public let voters: Int
    /// Voters with at least one funded project they chose, under this outcome and under greedy.
    public let withFunded: Int
    public let greedyWithFunded: Int
    /// Funded projects voters chose, summed over voters, under this outcome and under greedy.
    public let chosenFunded: Int
    public let greedyChosenFunded: Int
    public let greedyFunded: [String]

    enum CodingKeys: String, CodingKey {
        case shareBeforeCentimes = "share_before_centimes"
        case shareAfterCentimes = "share_after_centimes"
        case projects, voters
        case withFunded = "with_funded"
        case greedyWithFunded = "greedy_with_funded"
        case chosenFunded = "chosen_funded"
        case greedyChosenFunded = "greedy_chosen_funded"
        case greedyFunded = "greedy_funded"
    }

    public init(_ account: OutcomeAccount, instance: Instance) {
        let factor = pow(10, Double(2 - instance.scale))
        func centimes(_ amount: Double) -> Double { (amount * factor * 100).rounded() / 100 }
        shareBeforeCentimes = account.shareBefore.map(centimes)
        shareAfterCentimes = account.shareAfter.map(centimes)
        var projects: [String: ProjectAccount] = [:]
        for (index, project) in instance.projects.enumerated() where account.effectiveSupport[index] != nil || !account.moneyWentTo[index].isEmpty {
            projects[project.id] = ProjectAccount(
                effectiveSupport: account.effectiveSupport[index],
                wentTo: account.moneyWentTo[index].map {
                    Transfer(project: instance.projects[$0.project].id, centimes: Int64(clamping: $0.amount * factor))
                })
        }
        self.projects = projects
        voters = account.satisfaction.voters
        withFunded = account.satisfaction.withFunded
        greedyWithFunded = account.greedySatisfaction.withFunded
        chosenFunded = account.satisfaction.chosenFunded
        greedyChosenFunded = account.greedySatisfaction.chosenFunded
        greedyFunded = account.greedySelection.map { instance.projects[$0].id }
    }

    /// Compact JSON with sorted keys, for storage and export.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// A stored account; nil for an outcome stored before accounts were kept, or unreadable.
    public init?(json: String) {
        guard let value = try? JSONDecoder().decode(TallyAccount.self, from: Data(json.utf8)) else { return nil }
        self = value
    }
}

extension Int64 {
    /// The nearest whole amount, held at the ends of the range (an account figure in floating
    /// point never stops a tally).
    init(clamping value: Double) {
        let rounded = value.rounded()
        if rounded.isNaN { self = 0 } else if rounded >= 9.2e18 { self = .max } else if rounded <= -9.2e18 { self = .min } else { self = Int64(rounded) }
    }
}
