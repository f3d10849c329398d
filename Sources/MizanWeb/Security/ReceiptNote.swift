import Foundation
import Hummingbird
import MizanCore

/// The receipt a voter has just been given, carried from the ballot POST to the page that shows it
/// in a short-lived signed cookie: the answer to the POST is a redirect to the receipt page's fixed
/// address (so reloading it does not send the ballot again), and the code never appears in an
/// address, where access logs and a shared browser's history would keep it. The page shows it once
/// and clears the cookie.
struct ReceiptNote: Equatable {
    static let cookieName = "mz_receipt"
    static let lifetime = 10 * 60

    let cycleID: CycleID
    let code: ReceiptCode
    let replaced: Bool

    func cookie(_ secrets: ServerSecrets, secure: Bool) -> Cookie {
        let body = "v1.\(cycleID).\(code.value).\(replaced ? "r" : "n")"
        return Cookie(
            name: Self.cookieName, value: "\(body).\(secrets.sign(body))", maxAge: Self.lifetime, path: "/", secure: secure, httpOnly: true,
            sameSite: .lax)
    }

    static func read(_ request: Request, secrets: ServerSecrets) -> ReceiptNote? {
        guard let value = request.cookies[cookieName]?.value else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[0] == "v1", secrets.isValidSignature(parts[4], for: parts[0..<4].joined(separator: ".")),
            let cycle = CycleID(parts[1]), let code = try? ReceiptCode(parsing: parts[2]), parts[3] == "r" || parts[3] == "n"
        else { return nil }
        return ReceiptNote(cycleID: cycle, code: code, replaced: parts[3] == "r")
    }

    static func ending() -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax)
    }
}
