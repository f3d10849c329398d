import PBEngine

/// The project's one seeded generator, so every generated election can be reproduced from its seed.
typealias SeededGenerator = SplitMix64

/// A random small election: few projects with costs of similar size (so ties and exhausted
/// wallets are frequent), few voters, ballots of the given kind.
struct GeneratedElection {
    let instance: Instance
    let ballots: [Ballot]
    let voteType: VoteType
    var profile: Profile { Profile(voteType: voteType, ballots: ballots) }

    init(seed: UInt64, voteType: VoteType = .approval, projects: ClosedRange<Int> = 2...7, voters: ClosedRange<Int> = 1...12) {
        var random = SeededGenerator(seed: seed)
        let projectCount = Int.random(in: projects, using: &random)
        let list = (0..<projectCount).map { index in
            // Ids that sort differently as strings and as numbers ("10" < "9").
            Project(id: String(index * 7 % 11 + (index > 5 ? 10 : 0)), cost: [0, 5, 10, 10, 20, 30, 35, 60].randomElement(using: &random)!)
        }
        let budget = Int.random(in: 10...120, using: &random)
        var ballots: [Ballot] = []
        for _ in 0..<Int.random(in: voters, using: &random) {
            let chosen = Array(0..<projectCount).shuffled(using: &random).prefix(Int.random(in: 0...projectCount, using: &random))
            let entries = chosen.enumerated().map { position, project in
                switch voteType {
                case .approval: Ballot.Entry(project: project, value: 1)
                case .cumulative, .scoring: Ballot.Entry(project: project, value: Int.random(in: 1...4, using: &random))
                case .ordinal: Ballot.Entry(project: project, value: position)
                }
            }
            ballots.append(Ballot(entries: entries))
        }
        self.instance = Instance(projects: list, budget: budget)
        self.ballots = ballots
        self.voteType = voteType
    }

    init(instance: Instance, ballots: [Ballot], voteType: VoteType) {
        self.instance = instance
        self.ballots = ballots
        self.voteType = voteType
    }
}
