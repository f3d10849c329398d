import ArgumentParser
import MizanCore

/// The dates a commune announces, shared by `cycle create` and `cycle settings`.
struct CycleDateOptions: ParsableArguments {
    @Option(name: .customLong("proposals-open"), help: "Day proposals open, YYYY-MM-DD.") var proposalsOpen: String?
    @Option(name: .customLong("proposals-close"), help: "Last day for proposals, YYYY-MM-DD.") var proposalsClose: String?
    @Option(name: .customLong("voting-open"), help: "Day voting opens, YYYY-MM-DD.") var votingOpen: String?
    @Option(name: .customLong("voting-close"), help: "Last day of voting, YYYY-MM-DD.") var votingClose: String?
}

extension CycleCommand {
    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "settings",
            abstract: "Correct a cycle's settings before voting opens.",
            discussion: """
                Options not given keep their value; an empty value (--max "") clears an optional \
                one. The options are those of `mizan cycle create`, read the same way. Refused \
                once voting has opened: from then on the settings are what voters were shown, and \
                the database keeps them. The audit log records what changed.

                Examples:
                  mizan cycle settings 3 --budget 1800000 --voting-close 2027-05-31
                  mizan cycle settings 3 --ballot approval --min 1 --max 4 --rule equalshares --completion add1u
                  mizan cycle settings 3 --min-votes ""
                """)

        @Argument(help: "Cycle number.") var id: Int
        @Option(help: "Edition year.") var year: Int?
        @Option(help: "Title.") var title: String?
        @Option(help: "Budget in dirhams.") var budget: String?
        @Option(help: "Ballot kind: approval, knapsack, points or ranked.") var ballot: String?
        @Option(help: "approval: fewest projects a ballot must approve.") var min: String?
        @Option(help: "approval: most projects a ballot may approve.") var max: String?
        @Option(help: "points: points each voter spreads.") var points: String?
        @Option(name: .customLong("points-cap"), help: "points: most points on one project.") var pointsCap: String?
        @Option(name: .customLong("rank-depth"), help: "ranked: how many projects a voter ranks.") var rankDepth: String?
        @Option(help: "Winner rule: greedy, mes, phragmen or equalshares.") var rule: String?
        @Option(help: "Tie-break: lexicographic or equalshares.") var tie: String?
        @Option(help: "equalshares: completion none, utilitarian, add1, add1e, add1u or add1eu.") var completion: String?
        @Option(help: "equalshares: start from a whole number of dirhams per voter (yes or no).") var integral: String?
        @Option(help: "equalshares: whole dirhams added per voter at each step.") var increment: String?
        @Option(help: "equalshares: compare with greedy by satisfaction or exclusionRatio.") var comparison: String?
        @Option(name: .customLong("tie-criteria"), help: "equalshares: tie criteria in order, e.g. minCost,maxVotes.") var tieCriteria: String?
        @Option(name: .customLong("min-votes"), help: "Projects need at least this many votes.") var minVotes: String?
        @Option(name: .customLong("min-share"), help: "Projects need at least this share of voters, e.g. 10%.") var minShare: String?
        @Option(name: .customLong("share-of"), help: "With --min-share: district or all.") var shareOf: String?
        @Option(name: .customLong("cost-divisor"), help: "Świecie's rule: cost ÷ (divisor × budget).") var costDivisor: String?
        @Option(name: .customLong("fund-next-at"), help: "Fund the next project when this share of its cost is left.") var fundNextAt: String?
        @OptionGroup var dates: CycleDateOptions
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let result = try await options.withStorage { storage in
                    let cycle = try await storage.transaction { try $0.cycles.require(CycleID(id)) }
                    return try await UpdateCycleSettings(storage: storage).execute(
                        CycleID(id), fields: try fields(from: CycleSettingsFields(cycle)), actor: options.actorName)
                }
                if options.json {
                    Terminal.line(CycleCommand.json(result.cycle).text)
                } else {
                    Terminal.line((result.changed.isEmpty ? "nothing changed" : "changed: " + result.changed.joined(separator: ", "))
                        + "\n" + CycleCommand.describe(result.cycle))
                }
            }
        }

        /// The stored fields with those given on the command line in their place.
        func fields(from stored: CycleSettingsFields) throws(CommandFailure) -> CycleSettingsFields {
            var fields = stored
            if let year { fields.year = String(year) }
            if let title { fields.title = title }
            if let budget { fields.budget = budget }
            if let ballot {
                fields.ballot = ballot
                // A new kind starts from its own limits, not the old kind's.
                if ballot != stored.ballot { (fields.minimum, fields.maximum, fields.points, fields.pointsCap, fields.rankDepth) = (nil, nil, nil, nil, nil) }
            }
            if let min { fields.minimum = min }
            if let max { fields.maximum = max }
            if let points { fields.points = points }
            if let pointsCap { fields.pointsCap = pointsCap }
            if let rankDepth { fields.rankDepth = rankDepth }
            if let rule { fields.rule = rule }
            if let tie { fields.tieBreak = tie }
            if let completion { fields.equalShares.completion = completion }
            if let integral {
                guard integral == "yes" || integral == "no" else { throw CommandFailure.user("--integral: say yes or no, not \(integral)") }
                fields.equalShares.integral = integral == "yes"
            }
            if let increment { fields.equalShares.increment = increment }
            if let comparison { fields.equalShares.comparison = comparison }
            if let tieCriteria { fields.equalShares.ties = tieCriteria }
            if let minVotes { fields.thresholds.minimumVotes = minVotes }
            if let minShare { fields.thresholds.minimumShare = minShare }
            if let shareOf { fields.thresholds.shareOf = shareOf }
            if let costDivisor { fields.thresholds.costDivisor = costDivisor }
            if let fundNextAt { fields.thresholds.fundNextAt = fundNextAt }
            if let value = dates.proposalsOpen { fields.proposalsOpen = value }
            if let value = dates.proposalsClose { fields.proposalsClose = value }
            if let value = dates.votingOpen { fields.votingOpen = value }
            if let value = dates.votingClose { fields.votingClose = value }
            return fields
        }
    }
}
