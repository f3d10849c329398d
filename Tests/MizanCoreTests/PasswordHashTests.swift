import Foundation
import MizanCore
import Testing

@Suite("Staff password hashing")
struct PasswordHashTests {
    /// Cheap enough for many derivations in a test; production always uses `.standard`.
    static let cheap = try! ScryptParameters(logN: 10, blockSize: 8, parallelism: 1)

    @Test func verifiesTheRightPasswordOnlyAndRoundTripsItsText() throws {
        let hash = try PasswordHash.make(StaffPassword(validating: "correct horse battery"), parameters: Self.cheap)
        #expect(hash.verify("correct horse battery"))
        #expect(!hash.verify("correct horse batterY"))
        #expect(!hash.verify(""))
        let text = hash.encoded
        #expect(text.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(!text.contains("correct"))
        let parsed = try PasswordHash(parsing: text)
        #expect(parsed == hash)
        #expect(parsed.verify("correct horse battery"))
    }

    @Test func saltsDifferSoEqualPasswordsHashDifferently() throws {
        let password = try StaffPassword(validating: "correct horse battery")
        let first = try PasswordHash.make(password, parameters: Self.cheap)
        let second = try PasswordHash.make(password, parameters: Self.cheap)
        #expect(first.salt != second.salt)
        #expect(first.hash != second.hash)
    }

    /// RFC 7914, section 12, third vector (N = 16384, r = 8, p = 1): our 32-byte output is the first
    /// half of its 64 bytes, so this pins the derivation to standard scrypt.
    @Test func matchesTheScryptReferenceVector() throws {
        let expected = "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
        let bytes = stride(from: 0, to: expected.count, by: 2).map {
            UInt8(expected[expected.index(expected.startIndex, offsetBy: $0)...].prefix(2), radix: 16)!
        }
        let salt = Data("SodiumChloride".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let hash = Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let stored = try PasswordHash(parsing: "$scrypt$ln=14,r=8,p=1$\(salt)$\(hash)")
        #expect(stored.verify("pleaseletmein"))
        #expect(!stored.verify("pleaseletmeim"))
        #expect(stored.needsRehash)
    }

    @Test func comparesPasswordsInNormalFormC() throws {
        let composed = "mot de passe d\u{E9}j\u{E0} vu"
        let decomposed = "mot de passe de\u{301}ja\u{300} vu"
        #expect(composed.utf8.count != decomposed.utf8.count)
        let hash = try PasswordHash.make(StaffPassword(validating: composed), parameters: Self.cheap)
        #expect(hash.verify(decomposed))
    }

    @Test func enforcesTheLengthPolicy() {
        #expect(throws: StaffError.passwordTooShort(12)) { try StaffPassword(validating: "elevenchars") }
        #expect(throws: StaffError.passwordTooShort(12)) { try StaffPassword(validating: "") }
        #expect(throws: Never.self) { try StaffPassword(validating: "twelve chars") }
        #expect(throws: StaffError.passwordTooLong) { try StaffPassword(validating: String(repeating: "x", count: 1025)) }
    }

    @Test func refusesMalformedOrOutOfRangeStoredHashes() {
        let salt = "c2FsdHNhbHRzYWx0", hash = String(repeating: "A", count: 43)
        let cases = [
            "", "scrypt", "$scrypt$ln=15,r=8,p=1$\(salt)", "$bcrypt$ln=15,r=8,p=1$\(salt)$\(hash)",
            "$scrypt$ln=15,r=8$\(salt)$\(hash)", "$scrypt$ln=99,r=8,p=1$\(salt)$\(hash)", "$scrypt$ln=15,r=8,p=1$\(salt)$AAAA",
            "$scrypt$ln=15,r=8,p=1$!!$\(hash)",
        ]
        for text in cases {
            #expect(throws: PasswordHashError.self, "\(text)") { try PasswordHash(parsing: text) }
        }
        #expect(throws: Never.self) { try PasswordHash(parsing: "$scrypt$ln=15,r=8,p=1$\(salt)$\(hash)") }
    }

    @Test func standardCostIsScryptTwoToTheFifteenAndCheaperHashesAskForARehash() throws {
        #expect(ScryptParameters.standard.description == "ln=15,r=8,p=1")
        let password = try StaffPassword(validating: "correct horse battery")
        let started = ContinuousClock.now
        let standard = try PasswordHash.make(password)
        let elapsed = ContinuousClock.now - started
        print("one scrypt hash at \(ScryptParameters.standard): \(elapsed)")
        #expect(!standard.needsRehash)
        #expect(try PasswordHash.make(password, parameters: Self.cheap).needsRehash)
        #expect(standard.verify("correct horse battery"))
    }

    @Test func usernamesAreCheckedAndCompareWithoutCase() throws {
        #expect(try StaffUsername(parsing: " Amina.E ").value == "Amina.E")
        #expect(try StaffUsername(parsing: "Amina.E").key == "amina.e")
        for bad in ["a", "-amina", "amina idrissi", "amïna", String(repeating: "a", count: 65), "amina\n"] {
            #expect(throws: StaffError.self, "\(bad)") { try StaffUsername(parsing: bad) }
        }
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2]))
    }
}
