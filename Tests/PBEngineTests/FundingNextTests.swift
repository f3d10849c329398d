import PBEngine
import Testing

/// "The next project is funded when 80 % of its cost is left", as several cities count, and the
/// share notation exports use.
@Suite("Funding the next project at a share of its cost")
struct FundingNextTests {
    /// a (60, 10 votes), b (50, 8 votes), c (30, 5 votes); budget 100. Plain greedy funds a, passes
    /// over b (40 left), then funds c.
    static let instance = Instance(
        projects: [Project(id: "a", cost: 60), Project(id: "b", cost: 50), Project(id: "c", cost: 30)], budget: 100)
    static let profile: Profile = {
        var ballots = Array(repeating: Ballot(entries: [.init(project: 0, value: 1)]), count: 2)
        ballots += Array(repeating: Ballot(entries: [.init(project: 0, value: 1), .init(project: 1, value: 1)]), count: 3)
        ballots += Array(repeating: Ballot(entries: [.init(project: 0, value: 1), .init(project: 1, value: 1), .init(project: 2, value: 1)]), count: 5)
        return Profile(voteType: .approval, ballots: ballots)
    }()

    func run(_ key: String, _ share: Rational?, minimumScore: Int? = nil) -> Outcome {
        Rule(key: key)!.apply(
            to: Self.instance, profile: Self.profile, eligibility: Eligibility(minimumScore: minimumScore, fundNextAtShare: share))
    }

    @Test("greedy funds the project it passed over when the money left covers the share, and nothing after it")
    func greedy() {
        #expect(run("greedy_cost", nil).selected == [0, 2])
        let stretched = run("greedy_cost", Rational(4, 5))
        #expect(stretched.selected == [0, 1])
        #expect(stretched.cost == 110)
        #expect(stretched.trace.last?.kind == .fundedAtShare)
        #expect(stretched.trace.last?.project == 1)
        #expect(stretched.trace.last?.remaining == 40)
        // 40 is less than 81 % of 50: the plain outcome stands.
        #expect(run("greedy_cost", Rational(81, 100)).selected == [0, 2])
        // Without skipping the rule stopped at b: it is funded there too.
        #expect(run("greedy_noskip", nil).selected == [0])
        #expect(run("greedy_noskip", Rational(4, 5)).selected == [0, 1])
    }

    @Test("other rules fund the unfunded project with the most votes, if the money left covers its share")
    func otherRules() {
        // Equal shares leaves b out, the project with the most votes it did not fund; b is funded
        // once the share asked is at most what is left ÷ its cost.
        let plain = run("mes_cost", nil)
        #expect(!plain.selected.contains(1))
        let left = 100 - plain.cost
        let needed = Rational(left, 50)
        let share = Rational(shareText: needed.shareText)!
        #expect(run("mes_cost", share).selected == plain.selected + [1])
        #expect(run("mes_cost", share).trace.last?.kind == .fundedAtShare)
        // A share above what is left: unchanged.
        #expect(run("mes_cost", needed + Rational(1, 100)).selected == plain.selected)
    }

    @Test("a project left out by a threshold is never the next one")
    func thresholdFirst() {
        // At least 9 votes: b (8) and c (5) are out; a is funded, and nothing is next.
        let outcome = run("greedy_cost", Rational(1, 100), minimumScore: 9)
        #expect(outcome.selected == [0])
        #expect(!outcome.trace.contains { $0.kind == .fundedAtShare })
    }

    @Test("shares read and write as 80%, 12.5%, 0.8 or 4/5, and nothing else")
    func shareText() {
        #expect(Rational(shareText: "80%") == Rational(4, 5))
        #expect(Rational(shareText: "0.8") == Rational(4, 5))
        #expect(Rational(shareText: "4/5") == Rational(4, 5))
        #expect(Rational(shareText: "12.5%") == Rational(1, 8))
        #expect(Rational(shareText: "100%") == Rational(1))
        #expect(Rational(4, 5).shareText == "80%")
        #expect(Rational(1, 8).shareText == "12.5%")
        #expect(Rational(1, 3).shareText == "1/3")
        for share in [Rational(1, 3), Rational(4, 5), Rational(1, 8), Rational(7, 10_000), Rational(1)] {
            #expect(Rational(shareText: share.shareText) == share)
        }
        for bad in ["", "%", "120%", "1.5", "-1", "abc", "1/0", "4/3", "80 %", "1e2", "0.1234567890123", "٨٠%"] {
            #expect(Rational(shareText: bad) == nil, "\(bad)")
        }
    }

    @Test("the thresholds an export writes read back the same from its META")
    func metaRoundTrip() throws {
        let eligibility = Eligibility(
            minimumScore: 50, minimumVoterShare: Rational(1, 10), shareOfDistrict: true, costProportionalDivisor: 3,
            fundNextAtShare: Rational(4, 5))
        let meta = MetaRule.metaLines(eligibility).map { "\($0.0);\($0.1)\n" }.joined()
        let text = "META\nkey;value\nbudget;100\nvote_type;approval\nrule;mes\n" + meta
            + "PROJECTS\nproject_id;cost\na;60\nVOTES\nvoter_id;vote\n1;a\n"
        let read = try MetaRule(PabulibReader.read(Array(text.utf8)))
        #expect(read.eligibility == eligibility)
        #expect(read.rule == Rule(key: "mes"))
        #expect(throws: MetaRuleError.badShare("fund_next_at_share", "180%")) {
            try MetaRule(PabulibReader.read(Array(text.replacingOccurrences(of: "fund_next_at_share;80%", with: "fund_next_at_share;180%").utf8)))
        }
    }
}
