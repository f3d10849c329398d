import Foundation
import Testing

@testable import MizanCore

@Suite("JSON writer and outcome explanations")
struct FormatTests {
    @Test func jsonKeepsOrderAndExactNumbers() {
        let value: JSON = .object([
            ("b", .number(Int64(3))), ("a", .number(literal: "1404775.68")), ("text", .string("a \"q\"\n\u{1}")), ("none", .null),
            ("list", .array([.bool(true), .int(-2)])),
        ])
        #expect(value.text == #"{"b":3,"a":1404775.68,"text":"a \"q\"\n\u0001","none":null,"list":[true,-2]}"#)
    }

    @Test func jsonFromDictionariesIsSorted() {
        let value: JSON = ["voters": .int(12), "cycle_id": 3, "turnout": .number(0.5), "whole": .number(2.0)]
        #expect(value.text == #"{"cycle_id":3,"turnout":0.5,"voters":12,"whole":2}"#)
    }

    @Test func theEnglishExplanationsAreTheStoredOnes() {
        let funded = OutcomeExplanation(
            decision: .funded, round: 2, supporters: 40, cost: Money(centimes: 100_000), remaining: Money(centimes: 500_000),
            share: .payment("≈ 25,00 MAD"))
        #expect(funded.sentence(.english) == "funded in round 2: 40 supporter(s), \(Money(centimes: 500_000)) left before it; each paying supporter gave ≈ 25,00 MAD")
        let none = OutcomeExplanation(decision: .unsupported, round: nil, supporters: 0, cost: Money(centimes: 100))
        #expect(none.sentence(.english) == "not funded: no ballot chose it")
    }

    @Test func storedDecisionsAreReadBackConsistently() {
        #expect(OutcomeDecision(stored: "funded", funded: true, round: nil) == .fundedSet)
        #expect(OutcomeDecision(stored: "tooExpensive", funded: true, round: 3) == .funded)
        #expect(OutcomeDecision(stored: "nonsense", funded: false, round: nil) == .notReached)
        #expect(OutcomeDecision(stored: "completed", funded: true, round: 4) == .completed)
        #expect(OutcomeDecision.fundedSet.stored == "funded")
    }

    @Test func fillingIsOnePass() {
        #expect(OutcomePhrases.fill("{title} costs {cost}", ["title": "Park {cost}", "cost": "5"]) == "Park {cost} costs 5")
        #expect(OutcomePhrases.fill("{unknown} and {", [:]) == "{unknown} and {")
    }

    @Test func theStoredTraceReadsBackAsWritten() throws {
        let trace = [
            TallyTraceRecord(round: 1, project: "7", kind: "funded", supporters: 12, remainingCentimes: 150_000, share: "25/2", shareCentimes: 1250.5),
            TallyTraceRecord(round: 2, project: nil, kind: "budgetRaised", supporters: 0, remainingCentimes: 0, share: nil, shareCentimes: nil),
        ]
        let result = TallyResult(
            ruleKey: "mes", tieBreak: "lexicographic", thresholds: "", budgetCentimes: 0, spentCentimes: 0, voters: 0, projects: [], funded: [], trace: trace)
        #expect(try JSONDecoder().decode([TallyTraceRecord].self, from: Data(result.traceJSON.utf8)) == trace)
        #expect(result.traceJSON.hasPrefix(#"[{"kind":"funded","project":"7","remaining_centimes":150000,"round":1,"share":"25/2","#))
    }
}
