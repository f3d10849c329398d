import Foundation
import MizanCore
import Testing

/// The petition's values that need no database: the legal table at its boundaries, the
/// three-month clock, a paper sheet's errors, a draft's errors.
@Suite("Petition domain")
struct PetitionDomainTests {
    @Test func theTableAtItsBoundaries() {
        #expect(PetitionThreshold.legalMinimum(kind: .citizens, population: 0, hasArrondissements: false) == 100)
        #expect(PetitionThreshold.legalMinimum(kind: .citizens, population: 34_999, hasArrondissements: false) == 100)
        #expect(PetitionThreshold.legalMinimum(kind: .citizens, population: 35_000, hasArrondissements: false) == 200)
        #expect(PetitionThreshold.legalMinimum(kind: .citizens, population: 3_000_000, hasArrondissements: false) == 200)
        #expect(PetitionThreshold.legalMinimum(kind: .citizens, population: 30_000, hasArrondissements: true) == 400)
        #expect(PetitionThreshold.legalMinimum(kind: .association, population: 99_000, hasArrondissements: false) == 0)
        let commune = PetitionCommune(
            id: 1, code: "02.113.01.09", name: BilingualName(french: "Berkane", arabic: "بركان"), population: 99_069,
            hasArrondissements: false, overrideMinimum: 150)
        #expect(PetitionThreshold.minimum(kind: .citizens, commune: commune) == 150)
        #expect(PetitionThreshold.minimum(kind: .association, commune: commune) == 0)
    }

    func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func theClockRunsThreeCalendarMonths() {
        let clock = PetitionClock(filedAt: date("2026-08-31T10:00:00Z"), answeredAt: nil)
        #expect(PetitionRecord.timestamp(clock.deadline) == "2026-11-30T10:00:00Z")
        #expect(clock.status(at: date("2026-09-01T10:00:00Z")) == .running(daysLeft: 90))
        #expect(clock.status(at: date("2026-11-30T09:59:59Z")) == .running(daysLeft: 0))
        #expect(clock.status(at: date("2026-11-30T10:00:01Z")) == .overdue)
        #expect(clock.isLate(at: date("2026-12-01T00:00:00Z")))
        let inTime = PetitionClock(filedAt: date("2026-08-31T10:00:00Z"), answeredAt: date("2026-11-30T10:00:00Z"))
        #expect(inTime.status(at: date("2030-01-01T00:00:00Z")) == .answeredInTime)
        let late = PetitionClock(filedAt: date("2026-08-31T10:00:00Z"), answeredAt: date("2026-11-30T10:00:01Z"))
        #expect(late.status(at: date("2026-12-01T00:00:00Z")) == .answeredLate && late.isLate(at: Date()))
    }

    @Test func aSheetNamesTheLineAndFieldOfEachProblem() throws {
        let sheet = try PetitionSignatureSheet(parsing: "CIN;date_naissance\nab 123456;12/05/1990\n\nCD234567;\n")
        #expect(sheet.lines.map(\.number) == [2, 4])
        #expect(sheet.lines[0].nationalID.value == "AB123456" && sheet.lines[0].birthDate == "1990-05-12")
        #expect(sheet.lines[1].birthDate == nil)
        #expect(throws: LineProblems.self) { try PetitionSignatureSheet(parsing: "nom,adresse\nA,B") }
        let problems = #expect(throws: LineProblems.self) {
            try PetitionSignatureSheet(parsing: "national_id,birth_date\nAB123456,1990-01-01\n12345,1990-01-01\nCD1,31/02/1990\nEF1\n")
        }?.problems ?? []
        #expect(problems.map(\.line) == [3, 4, 5])
        #expect(problems.map(\.field) == ["national_id", "birth_date", "line"])
    }

    @Test func aDraftSaysWhichFieldsAreWrong() {
        #expect(throws: PetitionError.invalid([
            "kind": "must be citizens or association", "title": "must be between 5 and 200 characters",
            "demands": "must be between 10 and 5000 characters", "language": "must be one of ar, fr, en, zgh",
        ])) {
            try NewPetition(
                kind: "party", agentName: "Ali Ben", associationName: nil, associationRegistration: nil, associationSeat: nil,
                title: "Eau", demands: "court", reasons: "Des raisons suffisantes.", language: "es")
        }
        #expect(throws: PetitionError.invalid([
            "association_name": "must be between 2 and 200 characters", "association_registration": "must be between 1 and 100 characters",
            "association_seat": "must be between 2 and 300 characters",
        ])) {
            try NewPetition(
                kind: "association", agentName: "Ali Ben", associationName: " ", associationRegistration: nil, associationSeat: "",
                title: "Eau potable au douar", demands: "Raccorder le douar au réseau.", reasons: "Des raisons suffisantes.", language: "ar")
        }
    }
}
