import Foundation
import Hummingbird
import MizanCore

/// The short, signed session a voter gets once eligibility is checked: which cycle, the voter key
/// (an HMAC, never the ID number) and an expiry. Signed with the server secret, so it cannot be
/// forged or moved to another cycle; nothing is kept on the server, so any web node accepts it.
struct VoterSession: Equatable {
    static let cookieName = "mz_voter"
    static let lifetime: TimeInterval = 20 * 60

    let cycleID: CycleID
    let voter: EligibleVoter
    let expires: Int

    init(cycleID: CycleID, voter: EligibleVoter, expires: Int) {
        self.cycleID = cycleID
        self.voter = voter
        self.expires = expires
    }

    /// A session for `voter` that ends `lifetime` from `now`.
    init(cycleID: CycleID, voter: EligibleVoter, now: Date = Date()) {
        self.init(cycleID: cycleID, voter: voter, expires: Int(now.timeIntervalSince1970 + Self.lifetime))
    }

    func cookie(_ secrets: ServerSecrets, secure: Bool) -> Cookie {
        let district = voter.district.map(\.description) ?? "-"
        let body = "v2.\(cycleID).\(Data(voter.key.bytes).base64URLEncoded).\(district).\(voter.holdsCode ? "code" : "registry").\(expires)"
        return Cookie(
            name: Self.cookieName, value: "\(body).\(secrets.sign(body))", maxAge: Int(Self.lifetime), path: "/",
            secure: secure, httpOnly: true, sameSite: .lax)
    }

    static func read(_ request: Request, cycleID: CycleID, secrets: ServerSecrets, now: Date = Date()) -> VoterSession? {
        guard let value = request.cookies[cookieName]?.value else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 7, parts[0] == "v2" else { return nil }
        let body = parts[0..<6].joined(separator: ".")
        guard secrets.isValidSignature(parts[6], for: body), CycleID(parts[1]) == cycleID,
            let key = Data(base64URLEncoded: parts[2]), key.count == 32, parts[4] == "code" || parts[4] == "registry",
            let expires = Int(parts[5]), expires > Int(now.timeIntervalSince1970)
        else { return nil }
        return VoterSession(
            cycleID: cycleID, voter: EligibleVoter(key: VoterKey([UInt8](key)), district: DistrictID(parts[3]), holdsCode: parts[4] == "code"),
            expires: expires)
    }

    static func ending() -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax)
    }
}
