import Foundation
import Hummingbird
import MizanCore

/// The mark a staff member puts on a browser the commune lends to citizens (a computer at the
/// town hall): a signed cookie naming a random kiosk id and an expiry. Identifications from that
/// browser are limited per kiosk instead of per network address, so a kiosk behind the commune's
/// one address does not lock out the office's other visitors, nor they the kiosk. A pass that is
/// forged, altered or expired is ignored (the address limit applies).
struct KioskPass: Equatable {
    static let cookieName = "mz_kiosk"

    /// What a new pass needs: the key that signs it, whether cookies are Secure, and how long a
    /// kiosk stays open — no longer than a staff session may last.
    struct Issuer: Sendable {
        let secrets: ServerSecrets
        let secure: Bool
        let lifetime: TimeInterval

        func openCookie(now: Date = Date()) -> Cookie {
            KioskPass.open(lifetime: lifetime, now: now).cookie(secrets, secure: secure, now: now)
        }
    }

    let id: String
    let expires: Int

    /// A new kiosk, open for `lifetime` seconds — at most as long as a staff session may last.
    static func open(lifetime: TimeInterval, now: Date = Date()) -> KioskPass {
        KioskPass(id: RandomToken.make(bytes: 12), expires: Int(now.timeIntervalSince1970 + lifetime))
    }

    func cookie(_ secrets: ServerSecrets, secure: Bool, now: Date = Date()) -> Cookie {
        let body = "v1.\(id).\(expires)"
        return Cookie(
            name: Self.cookieName, value: "\(body).\(secrets.sign("kiosk:\(body)"))", maxAge: max(0, expires - Int(now.timeIntervalSince1970)),
            path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    static func read(_ request: Request, secrets: ServerSecrets, now: Date = Date()) -> KioskPass? {
        guard let value = request.cookies[cookieName]?.value, value.count <= 300 else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "v1", !parts[1].isEmpty,
            secrets.isValidSignature(parts[3], for: "kiosk:\(parts[0..<3].joined(separator: "."))"),
            let expires = Int(parts[2]), expires > Int(now.timeIntervalSince1970)
        else { return nil }
        return KioskPass(id: parts[1], expires: expires)
    }

    static func ending(secure: Bool = false) -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
