import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import MizanTestSupport
import PostgresDriver
@testable import MizanWeb

extension ServerSecrets {
    static let forTests = try! ServerSecrets(masterKey: Array(repeating: 0xab, count: 32))
}

extension SiteBackend {
    /// The site on a real database, as `mizan serve` builds it.
    static func postgres(_ pool: ConnectionPool) -> SiteBackend {
        let committer = BallotCommitter(pool: pool)
        let storage = PostgresStorage(pool: pool)
        return SiteBackend(
            storage: storage, ballotBox: committer, services: [pool, committer],
            paperBoxes: PaperBallotBoxes(direct: storage.directBallotBox, rehearsal: storage.rehearsalBallotBox()))
    }
}

/// A live site on its own database, plus direct access to that database for setting up cycles.
struct Site {
    let configuration: PostgresConfiguration

    static func with(
        // Long timeouts: the test client connects before a test sets up its data, which on a
        // loaded machine can take longer than a real client ever waits.
        _ web: WebConfiguration = WebConfiguration(host: "127.0.0.1", port: 0, headerTimeoutSeconds: 600, idleTimeoutSeconds: 600),
        // `.router` for suites of hundreds of requests about what the pages say: in-process, with no
        // client timeout (the live test client gives up after 20 s, which the engine's heavy suites
        // in the same process can push a request past on two cores).
        testing: TestingSetup = .live,
        _ body: @Sendable (any TestClientProtocol, Site) async throws -> Void
    ) async throws {
        let configuration = try await TestPostgres.database()
        let pool = ConnectionPool(configuration: configuration, maximumConnections: 4)
        let app = try buildApplication(configuration: web, backend: .postgres(pool), secrets: .forTests)
        let site = Site(configuration: configuration)
        try await app.test(testing) { client in try await body(client, site) }
    }

    /// The storage the use cases run on, on the site's database with a pool of its own, closed
    /// afterwards.
    func withStorage<T>(_ body: (PostgresStorage) async throws -> T) async throws -> T {
        let pool = ConnectionPool(configuration: configuration, maximumConnections: 1)
        do {
            let value = try await body(PostgresStorage(pool: pool))
            await pool.shutdown()
            return value
        } catch {
            await pool.shutdown()
            throw error
        }
    }

    @discardableResult
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try PostgresConnection.connect(configuration)
        defer { connection.close() }
        return try connection.transaction(body)
    }

    /// A Berkane cycle in the proposals phase, with one district; returns its id.
    func cycleTakingProposals(ballot: BallotRules = .approval(minimum: 1, maximum: 2), title: String = "Budget participatif 2026") throws -> Int {
        try transaction { connection in
            let cycle = try CycleStore.create(
                NewCycle(
                    communeCode: GeoCode(parsing: "02.113.01.09"), year: 2026, title: title,
                    budget: .dirhams(1_000_000), ballot: ballot, rule: .mes, tieBreak: .lexicographic),
                actor: "test", on: connection)
            try connection.query("""
                INSERT INTO districts (commune_id, kind, name_fr, name_ar) VALUES (\(cycle.communeID), 'quarter', 'Hay Al Massira', 'حي المسيرة')
                ON CONFLICT DO NOTHING
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

extension Site {
    /// A cycle in voting with three accepted projects (200k, 300k, 600k MAD of a 1M budget), two
    /// registered voters and one printed code.
    /// The same with the three projects in the district Hay Al Massira, whose envelope is the
    /// whole budget (set as `mizan cycle envelope` sets it).
    func cycleInVotingWithEnvelope(ballot: BallotRules) async throws -> (cycle: Int, projects: [Int], code: VotingCode) {
        let id = try cycleTakingProposals(ballot: ballot)
        _ = try await withStorage {
            try await SetDistrictEnvelope(storage: $0).execute(
                .init(cycle: CycleID(id), district: "Hay Al Massira", budget: .dirhams(1_000_000), actor: "test"))
        }
        return try votingWithThreeProjects(id, district: "Hay Al Massira")
    }

    func cycleInVoting(ballot: BallotRules) throws -> (cycle: Int, projects: [Int], code: VotingCode) {
        try votingWithThreeProjects(try cycleTakingProposals(ballot: ballot), district: nil)
    }

    private func votingWithThreeProjects(_ id: Int, district: String?) throws -> (cycle: Int, projects: [Int], code: VotingCode) {
        let code = VotingCode.random()
        let projects = try transaction { connection -> [Int] in
            var projects: [Int] = []
            for (title, cost) in [("Éclairage de la rue 12", "200000"), ("Terrain de proximité", "300000"), ("Bibliothèque", "600000")] {
                projects.append(try ProposalStore.submit(
                    NewProposal(title: title, description: "", category: "other", district: district, location: nil, estimatedCost: cost, language: "fr"),
                    cycleID: id, trackingTokenHash: nil, actor: "test", on: connection).id)
            }
            _ = try CycleStore.advance(id, actor: "test", on: connection)
            for (project, cost) in zip(projects, [200_000, 300_000, 600_000]) {
                _ = try ProposalStore.review(project, .accept(cost: .dirhams(Int64(cost)), answer: nil), actor: "test", on: connection)
            }
            var reader = try RegistryFileReader(header: Array("national_id,birth_date".utf8), currentYear: 2026)
            _ = try RegistryStore.importRecords(
                cycleID: id, secrets: .forTests, skipInvalid: false, actor: "test", source: "test", on: connection
            ) { accept in
                for (line, text) in ["AB123456,1990-05-12", "CD234567,1985-07-12"].enumerated() {
                    if case .success(let record) = reader.read(Array(text.utf8)[...], line: line + 2) { try accept(record) }
                }
                return []
            }
            try RegistryStore.issueCodes([code], cycleID: id, secrets: .forTests, actor: "test", on: connection)
            _ = try CycleStore.advance(id, actor: "test", on: connection)
            return projects
        }
        return (id, projects, code)
    }
}

extension Browser {
    /// Passes the eligibility check with an ID number and birth date (or a code) and returns the
    /// ballot page.
    mutating func becomeVoter(
        _ client: any TestClientProtocol, cycle: Int, language: String = "fr", id: String = "AB123456", birthDate: String = "1990-05-12",
        code: String? = nil
    ) async throws -> TestResponse {
        let form = try await get(client, "/\(language)/cycles/\(cycle)/vote")
        let csrf = Browser.field("csrf", in: String(buffer: form.body)) ?? ""
        var fields = ["csrf": csrf, "national_id": id, "birth_date": birthDate]
        if let code { fields = ["csrf": csrf, "code": code] }
        let checked = try await post(client, "/\(language)/cycles/\(cycle)/vote", fields)
        guard checked.status == .seeOther, let location = checked.headers[.location] else { return checked }
        return try await get(client, location)
    }
}
