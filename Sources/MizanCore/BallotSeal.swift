import Crypto
import Foundation

/// The one-time token a ballot form carries (and each line of a paper-ballot file derives), so the
/// same submission sent twice — a double click, a retry after a timeout — is recognised: it gets
/// the receipt it got the first time and never counts as a replacement. The receipt code itself is
/// derived from it (`ServerSecrets.receipt(for:in:)`), which is how a retry gets the same one.
public struct SubmissionToken: Hashable, Sendable {
    /// 16 bytes, base64url without padding (22 characters).
    public let value: String

    /// Throws `VoteError.staleForm` for anything that is not a token this server could have made.
    public init(parsing text: String) throws(VoteError) {
        guard text.utf8.count == 22, let bytes = Data(base64URLEncoded: text), bytes.count == 16 else { throw .staleForm }
        value = text
    }

    private init(bytes: some Sequence<UInt8>) {
        value = Data(bytes).base64URLEncoded
    }

    /// A fresh token for a form about to be shown.
    public static func random() -> SubmissionToken {
        var generator = SystemRandomNumberGenerator()
        return SubmissionToken(bytes: (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The token of a submission that has a name of its own, such as one line of one paper-ballot
    /// file: entering the same file again finds the same tokens, so the same receipts.
    public static func derived(from name: String) -> SubmissionToken {
        SubmissionToken(bytes: SHA256.hash(data: Data("mizan submission:\(name)".utf8)).prefix(16))
    }
}

/// A ballot as it is written into the ballots table when voting closes, once opened: what it says,
/// and nothing about who cast it.
public struct OpenedBallot: Sendable, Equatable {
    public let receipt: ReceiptCode
    public let channel: VoteChannel
    public let district: DistrictID?
    public let choices: [BallotChoice]

    public init(receipt: ReceiptCode, channel: VoteChannel, district: DistrictID?, choices: [BallotChoice]) {
        self.receipt = receipt
        self.channel = channel
        self.district = district
        self.choices = choices
    }
}

/// Why a sealed ballot could not be opened: the server secret is not the one it was sealed with,
/// or the row was altered.
public struct SealBroken: Error, CustomStringConvertible {
    public let cycle: CycleID
    public var description: String {
        "a sealed ballot of cycle \(cycle) cannot be opened: the server secret is not the one it was sealed with, or the ballot was altered"
    }
}

/// Sealing ballots until voting closes. While voting is open, what a voter chose is stored only
/// encrypted beside their participation row (ChaCha20-Poly1305 under a key derived from the
/// server secret, bound to the cycle), padded to one length for the whole cycle so the length
/// says nothing of the choices. When voting closes the service opens them all and writes them into
/// the ballots table in a shuffled order (`MixBallots`). SECURITY.md gives the reasoning.
extension ServerSecrets {
    /// The receipt code of a submission: derived from its token, so a retried submission gets the
    /// same code, and unpredictable without the secret.
    public func receipt(for submission: SubmissionToken, in cycle: CycleID) -> ReceiptCode {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("receipt:\(cycle.rawValue):\(submission.value)".utf8), using: ballotTagKey)
        let alphabet = VotingCode.alphabet
        // 32 letters: each byte modulo 32 is uniform.
        let text = String(Array(mac).prefix(16).map { alphabet[Int($0) % alphabet.count] })
        return try! ReceiptCode(parsing: text)
    }

    /// What the database keeps to find a sealed ballot by its receipt code.
    public func tag(of receipt: ReceiptCode) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data("receipt-tag:\(receipt.value)".utf8), using: ballotTagKey))
    }

    /// What the database keeps to recognise a submission sent again.
    public func tag(of submission: SubmissionToken, in cycle: CycleID) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data("submission:\(cycle.rawValue):\(submission.value)".utf8), using: ballotTagKey))
    }

    /// The ballot encrypted for storage until voting closes, `paddedTo` bytes of plaintext.
    func seal(_ ballot: OpenedBallot, cycle: CycleID, paddedTo length: Int) -> [UInt8] {
        var text = "v1\n\(ballot.receipt.value)\n\(ballot.channel.rawValue)\n\(ballot.district.map(\.description) ?? "-")\n"
        text += ballot.choices.map { "\($0.proposalID):\($0.weight)" }.joined(separator: ",") + "\n"
        var plain = Array(text.utf8)
        // Ballots longer than the cycle's usual length (project numbers of many digits) round up.
        let target = max(length, (plain.count + 255) / 256 * 256)
        plain += Array(repeating: UInt8(ascii: " "), count: target - plain.count)
        let box = try! ChaChaPoly.seal(plain, using: sealingKey, authenticating: Self.sealContext(cycle))
        return Array(box.combined)
    }

    /// Opens a ballot sealed by `seal`. Throws `SealBroken` when it was not sealed with this secret
    /// for this cycle, or was altered.
    public func open(_ sealed: [UInt8], cycle: CycleID) throws(SealBroken) -> OpenedBallot {
        guard let box = try? ChaChaPoly.SealedBox(combined: sealed),
            let plain = try? ChaChaPoly.open(box, using: sealingKey, authenticating: Self.sealContext(cycle)),
            let text = String(bytes: plain, encoding: .utf8)
        else { throw SealBroken(cycle: cycle) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 5, lines[0] == "v1", let receipt = try? ReceiptCode(parsing: String(lines[1])),
            let channel = VoteChannel(rawValue: String(lines[2]))
        else { throw SealBroken(cycle: cycle) }
        let district = lines[3] == "-" ? nil : DistrictID(String(lines[3]))
        var choices: [BallotChoice] = []
        for mark in lines[4].split(separator: ",") {
            let parts = mark.split(separator: ":")
            guard parts.count == 2, let project = Int(parts[0]), let weight = Int(parts[1]) else { throw SealBroken(cycle: cycle) }
            choices.append(BallotChoice(proposalID: project, weight: weight))
        }
        return OpenedBallot(receipt: receipt, channel: channel, district: district, choices: choices)
    }

    private static func sealContext(_ cycle: CycleID) -> Data {
        Data("mizan sealed ballot, cycle \(cycle.rawValue)".utf8)
    }
}
