import MizanCore
import Testing

/// The values the cycle, district, proposal and implementation use cases check before storing anything.
@Suite("Proposal and district values")
struct ProposalDomainTests {
    static let berkane = try! GeoCode(parsing: "02.113.01.09")

    @Test func aDistrictNeedsBothNamesAndNoNegativePopulation() throws {
        let district = try NewDistrict(communeCode: Self.berkane, french: "  Hay Al Massira\t", arabic: " حي المسيرة ", population: nil)
        #expect(district.name == BilingualName(french: "Hay Al Massira", arabic: "حي المسيرة"))
        #expect(throws: DistrictError.invalid("--name-fr and --name-ar must not be empty")) {
            _ = try NewDistrict(communeCode: Self.berkane, french: " ", arabic: "حي", population: nil)
        }
        #expect(throws: DistrictError.invalid("--population cannot be negative")) {
            _ = try NewDistrict(communeCode: Self.berkane, french: "A", arabic: "ب", population: -3)
        }
    }

    @Test func anImplementationUpdateIsCheckedFieldByField() throws {
        let update = try ImplementationUpdate(parsingStatus: "in_progress", progress: 40, spent: "50.000,50", note: "Travaux lancés")
        #expect(update.status == .inProgress && update.progress == 40 && update.spent == Money(centimes: 5_000_050))
        #expect(throws: ImplementationError.invalid("--status must be one of planned, tendering, in_progress, completed, stalled, cancelled")) {
            _ = try ImplementationUpdate(parsingStatus: "finished", progress: 100, spent: "0", note: nil)
        }
        #expect(throws: ImplementationError.invalid("--progress must be between 0 and 100")) {
            _ = try ImplementationUpdate(parsingStatus: "planned", progress: -1, spent: "0", note: nil)
        }
        #expect(throws: (any Error).self) { _ = try ImplementationUpdate(parsingStatus: "planned", progress: 0, spent: "abc", note: nil) }
        #expect(ImplementationError.notFunded(ProposalID(7)).description == "project 7 is not funded in a published outcome")
        // A milestone's photo or document: an https address a page can link to, nothing else.
        let linked = try ImplementationUpdate(parsingStatus: "completed", progress: 100, spent: "1000", note: "Réception", link: " https://berkane.ma/photos/parc.jpg ")
        #expect(linked.link == "https://berkane.ma/photos/parc.jpg")
        #expect(try ImplementationUpdate(parsingStatus: "planned", progress: 0, spent: "0", note: nil, link: "").link == nil)
        for bad in ["http://berkane.ma/a.pdf", "javascript:alert(1)", "https://", "https://evil.example/\"onmouseover=x", "https://a b.ma/",
                    "https://berkane.ma/<script>", "ftp://berkane.ma/a", "//berkane.ma/a", "https://" + String(repeating: "a", count: 500) + ".ma"] {
            #expect(throws: ImplementationError.self, "\(bad)") {
                _ = try ImplementationUpdate(parsingStatus: "planned", progress: 0, spent: "0", note: nil, link: bad)
            }
        }
    }

    @Test func reviewDecisionsAreAuditedUnderTheirOwnNames() {
        let decisions: [ProposalDecision] = [
            .accept(cost: .dirhams(1), answer: nil), .reject(reason: "r"), .merge(into: ProposalID(2)), .hide(reason: "h"), .unhide,
        ]
        #expect(decisions.map(\.action) == ["proposal.accept", "proposal.reject", "proposal.merge", "proposal.hide", "proposal.unhide"])
    }

    @Test func aProposalSearchIgnoresSurroundingBlanks() {
        let search = ProposalSearch(cycle: CycleID(3), category: nil, status: .accepted, text: "  éclairage \n")
        #expect(search.text == "éclairage" && search.limit == 500)
    }
}
