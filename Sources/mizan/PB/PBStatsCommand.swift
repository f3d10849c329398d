import ArgumentParser
import Foundation
import MizanCore
import PBEngine

/// `mizan pb stats FILE`: what a file holds before any rule is run, to judge whether a rule's
/// result is plausible (how long ballots are, how oversubscribed the budget is).
struct PBStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Describe a .pb file: voters, projects, budget, ballot lengths.",
        discussion: """
            Prints the number of voters (and empty ballots), of projects, the budget, the vote \
            type, how many projects ballots name (as a small histogram) and the total cost of all \
            projects against the budget.

            Examples:
              mizan pb stats Poland_Wroclaw_2018.pb
              mizan pb stats Poland_Wroclaw_2018.pb --json
            """)

    @Argument(help: ArgumentHelp("The Pabulib file.", valueName: "file.pb")) var file: String
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @OptionGroup var timing: TimingOptions

    func run() async throws {
        try await reportingFailures {
            let election = try timing.measure("read") { try PabulibFile.load(file) }
            let stats = FileStatistics(election)
            if json {
                Terminal.line(stats.json.text)
            } else {
                for line in stats.lines { Terminal.line(line) }
            }
        }
    }
}

/// The figures `pb stats` prints.
struct FileStatistics {
    let election: PabulibFile
    /// Voters by the number of projects on their ballot.
    let lengths: [Int: Int]
    let totalCost: Int

    init(_ election: PabulibFile) {
        self.election = election
        var lengths: [Int: Int] = [:]
        for group in election.profile.groups { lengths[group.ballot.entries.count, default: 0] += group.count }
        self.lengths = lengths
        totalCost = election.instance.projects.reduce(0) { $0 + $1.cost }
    }

    var voters: Int { election.profile.voterCount }
    var averageLength: Double {
        voters == 0 ? 0 : Double(lengths.reduce(0) { $0 + $1.key * $1.value }) / Double(voters)
    }
    /// Total cost of all projects ÷ budget: how many times over the budget is asked for.
    var oversubscription: Double {
        election.instance.budget == 0 ? 0 : Double(totalCost) / Double(election.instance.budget)
    }

    var lines: [String] {
        let instance = election.instance
        let currency = instance.currencySuffix
        var lines = [
            "file        \(election.path)",
            "vote type   \(election.voteTypeWord)",
            "voters      \(voters) (\(lengths[0] ?? 0) empty ballot(s))",
            "projects    \(instance.projects.count)",
            "budget      \(instance.format(instance.budget))\(currency)",
            "all costs   \(instance.format(totalCost))\(currency) (\(String(format: "%.2f", oversubscription)) × the budget)",
            "",
            "projects per ballot (average \(String(format: "%.2f", averageLength))):",
        ]
        lines += histogram
        return lines
    }

    /// One bar per ballot length from the shortest ballot on, the longest bar 40 characters; lengths past 20 share a bar, as
    /// ranked or cumulative ballots can name every project.
    var histogram: [String] {
        let cap = 20
        var buckets: [(label: String, count: Int)] = []
        let longest = lengths.keys.max() ?? 0
        let shortest = min(lengths.keys.min() ?? 0, cap)
        for length in shortest...min(longest, cap) { buckets.append((String(length), lengths[length] ?? 0)) }
        if longest > cap {
            buckets.append((">\(cap)", lengths.filter { $0.key > cap }.reduce(0) { $0 + $1.value }))
        }
        let most = max(buckets.map(\.count).max() ?? 0, 1)
        let labelWidth = buckets.map(\.label.count).max() ?? 1
        let countWidth = buckets.map { String($0.count).count }.max() ?? 1
        return buckets.map { bucket in
            let label = String(repeating: " ", count: labelWidth - bucket.label.count) + bucket.label
            let count = String(bucket.count)
            let bar = String(repeating: "#", count: (bucket.count * 40 + most - 1) / most)
            let line = "  \(label) | \(String(repeating: " ", count: countWidth - count.count))\(count) \(bar)"
            return bar.isEmpty ? String(line.dropLast()) : line
        }
    }

    var json: JSON {
        let instance = election.instance
        return .object([
            ("file", .string(election.path)),
            ("vote_type", .string(election.voteTypeWord)),
            ("voters", .int(voters)),
            ("empty_ballots", .int(lengths[0] ?? 0)),
            ("projects", .int(instance.projects.count)),
            ("budget", .number(literal: instance.format(instance.budget))),
            ("total_cost", .number(literal: instance.format(totalCost))),
            ("cost_to_budget", .number(literal: String(format: "%.4f", oversubscription))),
            ("average_ballot_length", .number(literal: String(format: "%.4f", averageLength))),
            ("ballot_lengths", .array(lengths.keys.sorted().map { .object([("length", .int($0)), ("voters", .int(lengths[$0]!))]) })),
        ])
    }
}
