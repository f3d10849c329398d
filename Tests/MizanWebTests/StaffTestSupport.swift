import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import PostgresDriver
@testable import MizanWeb

extension ScryptParameters {
    /// A cheap cost so tests can create many accounts; production always hashes with `.standard`.
    static let forTests = try! ScryptParameters(logN: 10, blockSize: 8, parallelism: 1)
}

extension Site {
    /// Creates a staff account in the site's database as `mizan staff add` does, with a cheap hash,
    /// and returns it.
    @discardableResult
    func staffAccount(
        _ username: String = "amina", role: StaffRole = .admin, password: String = "correct horse battery",
        name: String = "Amina El Idrissi"
    ) async throws -> StaffAccount {
        let request = AddStaffAccount.Request(
            username: try StaffUsername(parsing: username), displayName: name, role: role,
            password: try StaffPassword(validating: password), actor: "test")
        return try await withStorage { try await AddStaffAccount(storage: $0, parameters: .forTests).execute(request) }
    }
}



extension Browser {
    /// Fills in and sends the staff login form like a browser: loads it (for the CSRF cookie and
    /// field), posts it, and keeps the session cookie. Returns the answer to the POST: 303 on
    /// success, the form again with a message otherwise.
    @discardableResult
    mutating func signIn(
        _ client: any TestClientProtocol, username: String, password: String, language: String = "fr", next: String? = nil
    ) async throws -> TestResponse {
        let form = try await get(client, "/\(language)/staff/login")
        var fields = ["csrf": Browser.field("csrf", in: String(buffer: form.body)) ?? "", "username": username, "password": password]
        if let next { fields["next"] = next }
        return try await post(client, "/\(language)/staff/login", fields)
    }

    /// The CSRF field of a staff page, for posting a form from it.
    mutating func csrfField(_ client: any TestClientProtocol, from uri: String) async throws -> String {
        Browser.field("csrf", in: String(buffer: try await get(client, uri).body)) ?? ""
    }
}
