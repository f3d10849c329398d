import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import MizanTestSupport
@testable import MizanWeb

extension ServerSecrets {
    static let forTests = try! ServerSecrets(masterKey: Array(repeating: 0xab, count: 32))
}

/// A live site on its own database, plus direct access to that database for setting up cycles.
struct Site {
    let configuration: PostgresConfiguration

    static func with(_ body: @Sendable (any TestClientProtocol, Site) async throws -> Void) async throws {
        let configuration = try await TestPostgres.database()
        let pool = ConnectionPool(configuration: configuration, maximumConnections: 4)
        let app = try buildApplication(configuration: WebConfiguration(host: "127.0.0.1", port: 0), pool: pool, secrets: .forTests)
        let site = Site(configuration: configuration)
        try await app.test(.live) { client in try await body(client, site) }
    }

    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try PostgresConnection.connect(configuration)
        defer { connection.close() }
        return try connection.transaction(body)
    }

    /// A Berkane cycle in the proposals phase, with one district; returns its id.
    func cycleTakingProposals(ballot: BallotRules = .approval(minimum: 1, maximum: 2)) throws -> Int {
        try transaction { connection in
            let cycle = try CycleStore.create(
                NewCycle(
                    communeCode: GeoCode(parsing: "02.113.01.09"), year: 2026, title: "Budget participatif 2026",
                    budget: .dirhams(1_000_000), ballot: ballot, rule: .mes, tieBreak: .lexicographic),
                actor: "test", on: connection)
            try connection.query("""
                INSERT INTO districts (commune_id, kind, name_fr, name_ar) VALUES (\(cycle.communeID), 'quarter', 'Hay Al Massira', 'حي المسيرة')
                """)
            _ = try CycleStore.advance(cycle.id, actor: "test", on: connection)
            return cycle.id
        }
    }
}

/// Cookies a browser would keep, and the CSRF field of the last form.
struct Browser {
    var cookies: [String: String] = [:]

    mutating func remember(_ response: TestResponse) {
        for field in response.headers[values: .setCookie] {
            guard let pair = field.split(separator: ";").first, let equals = pair.firstIndex(of: "=") else { continue }
            cookies[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
    }

    var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    static func field(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(string: fields.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&"))
    }

    mutating func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
        let response = try await client.execute(uri: uri, method: .get, headers: [.cookie: cookieHeader])
        remember(response)
        return response
    }

    mutating func post(_ client: any TestClientProtocol, _ uri: String, _ fields: [String: String]) async throws -> TestResponse {
        let response = try await client.execute(
            uri: uri, method: .post,
            headers: [.cookie: cookieHeader, .contentType: "application/x-www-form-urlencoded"], body: Self.form(fields))
        remember(response)
        return response
    }
}
