import MizanCore
import Testing

@Suite("Money")
struct MoneyTests {
    @Test(arguments: [
        ("1500000", Int64(150_000_000)), ("1 500 000", 150_000_000), ("1.500.000", 150_000_000), ("1.500.000,50", 150_000_050),
        ("1500000.5", 150_000_050), ("1,5", 150), ("120 000 MAD", 12_000_000), ("99 DH", 9_900), ("0,07", 7),
    ])
    func parsesWhatStaffType(_ text: String, _ centimes: Int64) throws {
        #expect(try Money(parsing: text).centimes == centimes)
    }

    @Test(arguments: ["", "abc", "-5", "1.2.3,4,5", "12e3", "MAD"])
    func refusesWhatIsNotAnAmount(_ text: String) {
        #expect(throws: MoneyError.self) { try Money(parsing: text) }
    }

    @Test func printsTheMoroccanWay() {
        #expect(Money(centimes: 123_456_789).description == "1.234.567,89 MAD")
        #expect(Money(centimes: 5).formatted(currency: "د.م.") == "0,05 د.م.")
        #expect(Money.dirhams(90_000).description == "90.000,00 MAD")
    }
}

@Suite("Geographic codes")
struct GeoCodeTests {
    @Test(arguments: ["01", "01.511", "01.511.01.0", "02.113.01.09", "06.141.01.70"])
    func acceptsHCPCodes(_ code: String) throws {
        #expect(try GeoCode(parsing: code).value == code)
    }

    @Test(arguments: ["1", "01.51", "01.511.1.0", "01.511.01.123", "ab", "01..511", "", "01.511.01.0'; --"])
    func refusesOthers(_ code: String) {
        #expect(throws: GeographyError.self) { try GeoCode(parsing: code) }
    }
}

@Suite("Cycles")
struct CycleRulesTests {
    let berkane = try! GeoCode(parsing: "02.113.01.09")

    @Test func phasesGoForwardOneStep() {
        #expect(Phase.draft.next == .proposals)
        #expect(Phase.voting.next == .tallied)
        #expect(Phase.implementation.next == nil)
        #expect(Phase.review < Phase.voting)
    }

    @Test func newCycleChecksItsRules() throws {
        #expect(throws: CycleError.self) {
            try NewCycle(communeCode: berkane, year: 2026, title: nil, budget: .dirhams(1), ballot: .approval(minimum: 3, maximum: 2), rule: .greedy, tieBreak: .lexicographic)
        }
        #expect(throws: CycleError.self) {
            try NewCycle(communeCode: berkane, year: 2026, title: nil, budget: .dirhams(1), ballot: .points(total: 10, cap: 11), rule: .greedy, tieBreak: .lexicographic)
        }
        #expect(throws: CycleError.self) {
            try NewCycle(communeCode: berkane, year: 2026, title: nil, budget: .dirhams(1), ballot: .points(total: 10, cap: nil), rule: .phragmen, tieBreak: .lexicographic)
        }
        #expect(throws: CycleError.self) {
            try NewCycle(communeCode: berkane, year: 1999, title: nil, budget: .dirhams(1), ballot: .knapsack, rule: .greedy, tieBreak: .lexicographic)
        }
        let cycle = try NewCycle(communeCode: berkane, year: 2026, title: "  ", budget: .dirhams(1), ballot: .knapsack, rule: .mes, tieBreak: .equalshares)
        #expect(cycle.title == "Budget participatif 2026")
    }
}
