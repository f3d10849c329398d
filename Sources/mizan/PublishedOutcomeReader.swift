import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reads what a Mizan site published for a cycle (`GET BASE_URL/api/v1/cycles/ID/outcome`): the
/// SHA-256 of each scope's ballots file and the site's audit public key, for `mizan verify --against`.
enum PublishedOutcomeReader {
    static func read(base: String, cycle: Int) async throws -> VerifyCommand.Publication {
        var trimmed = base.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: "\(trimmed)/api/v1/cycles/\(cycle)/outcome"), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
        else {
            throw CommandFailure.user("--against must be the address of a Mizan site, like https://mizan.example.ma, not \(base)")
        }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CommandFailure.system("cannot read \(url.absoluteString): \(error.localizedDescription)")
        }
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            let message = (object?["error"] as? [String: Any])?["message"] as? String ?? "HTTP \(status)"
            throw CommandFailure.user("\(url.absoluteString) gives no published outcome: \(message)")
        }
        guard let object, let scopes = object["scopes"] as? [[String: Any]] else {
            throw CommandFailure.user("\(url.absoluteString) is not a Mizan outcome (no \"scopes\")")
        }
        var byDistrict: [Int?: String] = [:]
        for scope in scopes {
            guard let hash = scope["pb_sha256"] as? String else {
                throw CommandFailure.user("\(url.absoluteString) has a scope without pb_sha256")
            }
            byDistrict[scope["district_id"] as? Int] = hash.lowercased()
        }
        let key = ((object["audit_head"] as? [String: Any])?["public_key"] as? String)?.lowercased()
        return VerifyCommand.Publication(source: url.absoluteString, byDistrict: byDistrict, anyOf: [], auditPublicKey: key)
    }
}
