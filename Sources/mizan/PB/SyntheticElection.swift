import Foundation
import PBEngine

/// A made-up approval election shaped like real ones, for benchmarks and tests: a few projects
/// draw most votes, most ballots are short, costs span 50,000 to 1,500,000 with cheap projects
/// more common, and the budget covers 15–25 % of what is asked for.
///
/// Everything comes from one seeded generator with its own integer-to-number conversions, so the
/// same seed gives the same file with any Swift version or platform.
struct SyntheticElection {
    let voters: Int
    let seed: UInt64
    let costs: [Int]
    let budget: Int
    /// Running totals of the projects' popularity weights, for drawing by popularity.
    private let cumulativeWeights: [Double]
    /// Projects from most to least popular, to fill a ballot when drawing keeps repeating.
    private let byPopularity: [Int]

    static let longestBallot = 10

    init(voters: Int, projects: Int, seed: UInt64) {
        self.voters = voters
        self.seed = seed
        var random = SplitMix64(seed: seed)
        // Cheap projects are more common: the exponent bends the spread toward 50,000.
        costs = (0..<projects).map { _ in
            let cost = 50_000 * pow(30, pow(random.unit(), 1.5))
            return min(1_500_000, max(50_000, Int((cost / 100).rounded()) * 100))
        }
        let total = costs.reduce(0, +)
        budget = max(Int((Double(total) * (0.15 + 0.10 * random.unit()) / 1_000).rounded()) * 1_000, 1_000)
        // Popularity falls off like a power law of a random rank, so it is not tied to the id.
        var ranks = Array(0..<projects)
        for index in stride(from: projects - 1, to: 0, by: -1) { ranks.swapAt(index, random.below(index + 1)) }
        var running = 0.0
        cumulativeWeights = ranks.map { rank in
            running += 1 / pow(Double(rank + 1), 0.9)
            return running
        }
        byPopularity = ranks.indices.sorted { ranks[$0] < ranks[$1] }
    }

    /// Writes the whole file through `sink`, one voter at a time, so memory does not grow with
    /// the number of voters. Ballots come from a generator seeded after the projects, so they are
    /// the same however the file is written.
    func write(to sink: inout BufferedFileSink) throws {
        let projects = costs.count
        try sink.write("""
            META
            key;value
            description;Synthetic approval election (mizan pb generate, seed \(seed))
            country;Morocco
            unit;Synthetic
            instance;\(seed)
            num_projects;\(projects)
            num_votes;\(voters)
            budget;\(budget)
            vote_type;approval
            rule;greedy
            min_length;1
            max_length;\(min(Self.longestBallot, projects))
            currency;MAD
            PROJECTS
            project_id;cost;name

            """)
        for (index, cost) in costs.enumerated() { try sink.write("\(index + 1);\(cost);Project \(index + 1)\n") }
        try sink.write("VOTES\n" + PabulibVote.header(points: false) + "\n")
        guard projects > 0 else { return }
        var random = SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        var chosen = Array(repeating: false, count: projects)
        var ballot: [Int] = []
        ballot.reserveCapacity(Self.longestBallot)
        // The ballot's project ids (1-based), as written.
        var numbers = ballot
        for voter in stride(from: 1, through: voters, by: 1) {
            let length = ballotLength(&random, limit: min(Self.longestBallot, projects))
            ballot.removeAll(keepingCapacity: true)
            var attempts = 0
            while ballot.count < length, attempts < 50 * length {
                let project = drawByPopularity(&random)
                if !chosen[project] {
                    chosen[project] = true
                    ballot.append(project)
                }
                attempts += 1
            }
            for project in byPopularity where ballot.count < length && !chosen[project] {
                chosen[project] = true
                ballot.append(project)
            }
            ballot.sort()
            numbers.removeAll(keepingCapacity: true)
            numbers.append(contentsOf: ballot.lazy.map { $0 + 1 })
            try sink.write { bytes in
                PabulibVote.append(voter: voter, projects: numbers, to: &bytes)
                bytes.append(UInt8(ascii: "\n"))
            }
            for project in ballot { chosen[project] = false }
        }
    }

    /// 1 to `limit` projects, each length 3/4 as likely as the one before (a geometric law cut at
    /// `limit`): most voters pick a few projects, some pick many.
    private func ballotLength(_ random: inout SplitMix64, limit: Int) -> Int {
        var weight = 1.0, total = 0.0
        for _ in 0..<limit {
            total += weight
            weight *= 0.75
        }
        var target = random.unit() * total
        weight = 1
        for length in 1..<limit {
            if target < weight { return length }
            target -= weight
            weight *= 0.75
        }
        return limit
    }

    private func drawByPopularity(_ random: inout SplitMix64) -> Int {
        let target = random.unit() * cumulativeWeights[cumulativeWeights.count - 1]
        var low = 0, high = cumulativeWeights.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulativeWeights[middle] <= target { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
