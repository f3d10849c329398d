import Foundation

/// What a staff member may do. Auditors read; reviewers and admins also change things.
public enum StaffRole: String, Sendable, CaseIterable, Codable {
    case admin, reviewer, auditor
    /// Paper ballots only: enters count sheets and records spoiled and blank ballots.
    case countOfficer = "count-officer"

    /// Whether the role may send anything other than a read (logging out aside).
    public var canWrite: Bool { self != .auditor }
}

/// The signed-in staff member a request acts for.
public struct StaffMember: Sendable, Hashable {
    public let accountID: Int
    public let username: String
    public let displayName: String
    public let role: StaffRole

    public init(accountID: Int, username: String, displayName: String, role: StaffRole) {
        self.accountID = accountID
        self.username = username
        self.displayName = displayName
        self.role = role
    }
}

/// A staff account as listed by `mizan staff list`.
public struct StaffAccount: Sendable, Hashable {
    public let member: StaffMember
    public let createdAt: Date
    public let disabledAt: Date?

    public init(member: StaffMember, createdAt: Date, disabledAt: Date?) {
        self.member = member
        self.createdAt = createdAt
        self.disabledAt = disabledAt
    }
}

/// A login name: 2 to 64 letters, digits, `.`, `_`, `-` or `@`, starting with a letter or digit.
/// Unique without regard to case (`Amina` and `amina` are one account); shown as first typed.
public struct StaffUsername: Sendable, Hashable {
    public let value: String

    public init(parsing text: String) throws(StaffError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let allowed = trimmed.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-@".unicodeScalars.contains($0))
        }
        guard (2...64).contains(trimmed.count), allowed, let first = trimmed.unicodeScalars.first,
            CharacterSet.alphanumerics.contains(first)
        else { throw .invalidUsername(text) }
        value = trimmed
    }

    /// The case-insensitive form accounts are looked up and rate-limited by.
    public var key: String { value.lowercased() }
}

/// A new password, checked against the policy: at least 12 characters (a passphrase of a few words
/// is fine), at most 1,024 bytes.
public struct StaffPassword: Sendable {
    public let value: String
    public static let minimumLength = 12

    public init(validating text: String) throws(StaffError) {
        guard text.count >= Self.minimumLength else { throw .passwordTooShort(Self.minimumLength) }
        guard text.utf8.count <= 1024 else { throw .passwordTooLong }
        value = text
    }
}

/// A display name: 1 to 200 characters, no line breaks.
public func validatedDisplayName(_ text: String) throws(StaffError) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard (1...200).contains(trimmed.count), !trimmed.contains(where: \.isNewline) else { throw .invalidDisplayName }
    return trimmed
}

public enum StaffError: Error, Equatable, CustomStringConvertible {
    case invalidUsername(String)
    case invalidDisplayName
    case passwordTooShort(Int)
    case passwordTooLong
    case passwordsDiffer
    case duplicate(String)
    case notFound(String)
    case alreadyDisabled(String)

    public var description: String {
        switch self {
        case .invalidUsername(let text):
            return "\"\(text)\" is not a valid username: use 2 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit"
        case .invalidDisplayName: return "the name must be 1 to 200 characters on one line"
        case .passwordTooShort(let minimum): return "the password must be at least \(minimum) characters long (a few words make a good one)"
        case .passwordTooLong: return "the password must be at most 1024 bytes"
        case .passwordsDiffer: return "the two passwords typed differ"
        case .duplicate(let name): return "a staff account named \(name) already exists (usernames ignore case)"
        case .notFound(let name): return "no staff account named \(name)"
        case .alreadyDisabled(let name): return "the staff account \(name) is already disabled"
        }
    }
}
