import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import Testing
import PostgresDriver

/// Fetches API answers and checks each one against the OpenAPI document the site serves.
struct APIChecker {
    let client: any TestClientProtocol
    let validator: OpenAPIValidator

    static func make(_ client: any TestClientProtocol) async throws -> APIChecker {
        let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        return APIChecker(client: client, validator: OpenAPIValidator(document: try JSON.parse(String(buffer: response.body))))
    }

    /// GETs `uri`, expects `status`, the JSON content type and CORS header, and validates the body
    /// against the schema the document gives for `path` and that status.
    @discardableResult
    func get(_ uri: String, path: String, status: Int = 200, sourceLocation: SourceLocation = #_sourceLocation) async throws -> APIAnswer {
        let response = try await client.execute(uri: uri, method: .get)
        let body = String(buffer: response.body)
        #expect(Int(response.status.code) == status, "\(uri): \(body)", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8", "\(uri)", sourceLocation: sourceLocation)
        #expect(response.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == "*", "\(uri)", sourceLocation: sourceLocation)
        let json = try JSON.parse(body)
        let schema = try validator.responseSchema(path: path, status: status)
        let problems = validator.errors(json, against: schema)
        #expect(problems.isEmpty, "\(uri): \(problems.joined(separator: "; "))", sourceLocation: sourceLocation)
        return APIAnswer(
            status: Int(response.status.code), contentType: response.headers[.contentType],
            allowOrigin: response.headers[HTTPField.Name("Access-Control-Allow-Origin")!], body: body, json: json)
    }

    /// Every page of a list, following `next_cursor`.
    func all(_ uri: String, path: String) async throws -> [JSON] {
        var items: [JSON] = []
        var next: String? = nil
        repeat {
            let separator = uri.contains("?") ? "&" : "?"
            let answer = try await get(next.map { "\(uri)\(separator)cursor=\($0)" } ?? uri, path: path)
            items += answer.json["data"]?.array ?? []
            next = answer.json["next_cursor"]?.string
        } while next != nil
        return items
    }
}

@Suite("The open-data API")
struct OpenDataAPITests {
    @Test func theDocumentDescribesEveryPathAndTheValidatorRejectsWrongDocuments() async throws {
        try await Site.with { client, _ in
            let api = try await APIChecker.make(client)
            let document = api.validator.document
            #expect(document["openapi"] == .string("3.1.0"))
            let paths = try #require(document["paths"].flatMap { if case .object(let members) = $0 { members } else { nil } })
            #expect(Set(paths.keys) == [
                "/api/v1/openapi.json", "/api/v1/communes", "/api/v1/communes/{code}", "/api/v1/cycles", "/api/v1/cycles/{id}",
                "/api/v1/cycles/{id}/projects", "/api/v1/cycles/{id}/outcome", "/api/v1/cycles/{id}/implementation-updates",
                "/api/v1/cycles/{id}/statistics", "/api/v1/petitions", "/api/v1/petitions/{id}",
            ])
            // Every object schema closes itself, so an undocumented field fails validation.
            func objects(_ value: JSON, _ location: String) -> [String] {
                switch value {
                case .object(let members):
                    var open: [String] = []
                    let types = members["type"]?.array?.compactMap(\.string) ?? members["type"]?.string.map { [$0] } ?? []
                    if types.contains("object"), members["properties"] != nil, members["additionalProperties"] != .bool(false) {
                        open.append(location)
                    }
                    for (key, member) in members { open += objects(member, "\(location)/\(key)") }
                    return open
                case .array(let elements): return elements.enumerated().flatMap { objects($1, "\(location)/\($0)") }
                default: return []
                }
            }
            #expect(objects(document["components"] ?? .null, "#/components").isEmpty)

            let commune = try api.validator.component("Commune")
            let good = try JSON.parse("""
                {"code": "02.113.01.09", "kind": "urban", "name_fr": "Berkane", "name_ar": "بركان", "population": 120000,
                 "households": null, "province": {"code": "02.113", "name_fr": "Berkane", "name_ar": "بركان"},
                 "region": {"code": "02", "name_fr": "Oriental", "name_ar": "الشرق"}}
                """)
            #expect(api.validator.errors(good, against: commune).isEmpty)
            func broken(_ change: (inout [String: JSON]) -> Void) -> JSON {
                guard case .object(var members) = good else { return good }
                change(&members)
                return .object(members)
            }
            let wrong: [(String, JSON)] = [
                ("undocumented field", broken { $0["ballots"] = .integer(12) }),
                ("missing field", broken { $0["population"] = nil }),
                ("string for integer", broken { $0["population"] = .string("120000") }),
                ("fraction for integer", broken { $0["population"] = .number(1.5) }),
                ("value outside enum", broken { $0["kind"] = .string("suburban") }),
                ("null where not nullable", broken { $0["name_fr"] = .null }),
                ("nested undocumented field", broken { $0["province"] = try! JSON.parse(#"{"code": "02.113", "name_fr": "B", "name_ar": "ب", "x": 1}"#) }),
                ("not an object", .array([good])),
            ]
            for (reason, document) in wrong {
                #expect(!api.validator.errors(document, against: commune).isEmpty, "the validator accepts a commune with: \(reason)")
            }
            // Patterns are checked, not just read.
            let hash = try JSON.parse(#"{"type": "string", "pattern": "^[0-9a-f]{64}$"}"#)
            #expect(api.validator.errors(.string(String(repeating: "0a", count: 32)), against: hash).isEmpty)
            #expect(!api.validator.errors(.string(String(repeating: "0A", count: 32)), against: hash).isEmpty)
            #expect(!api.validator.errors(.string("0a"), against: hash).isEmpty)
            // A keyword it does not implement is an error, never a silent pass.
            #expect(!api.validator.errors(.integer(1), against: try JSON.parse(#"{"oneOf": [{"type": "string"}]}"#)).isEmpty)
            #expect(!api.validator.errors(.integer(1), against: try JSON.parse(##"{"$ref": "#/components/schemas/Nothing"}"##)).isEmpty)
        }
    }

    @Test func communesArePagedInAStableOrderAndErrorsAreJSON() async throws {
        try await Site.with { client, site in
            let api = try await APIChecker.make(client)
            let expected = try site.transaction { connection in
                try connection.query("""
                    SELECT c.code FROM communes c JOIN provinces p ON p.id = c.province_id
                    WHERE p.code = '02.113' ORDER BY c.code COLLATE "C"
                    """).map { try $0.decode(String.self, 0) }
            }
            #expect(expected.count > 5)
            let first = try await api.get("/api/v1/communes?province=02.113&limit=5", path: "/api/v1/communes")
            #expect(first.json["data"]?.array?.count == 5)
            #expect(first.json["next_cursor"]?.string == expected[4])
            let all = try await api.all("/api/v1/communes?province=02.113&limit=5", path: "/api/v1/communes")
            #expect(all.compactMap { $0["code"]?.string } == expected)
            #expect(all.allSatisfy { $0["province"]?["code"] == .string("02.113") && $0["region"]?["code"] == .string("02") })

            let region = try await api.all("/api/v1/communes?region=12&limit=200", path: "/api/v1/communes")
            let regionCount = try site.transaction { connection in
                try connection.query("""
                    SELECT count(*) FROM communes c JOIN provinces p ON p.id = c.province_id JOIN regions r ON r.id = p.region_id WHERE r.code = '12'
                    """).single().decode(Int.self, 0)
            }
            #expect(region.count == regionCount)

            let berkane = try await api.get("/api/v1/communes/02.113.01.09", path: "/api/v1/communes/{code}")
            let population = try site.transaction {
                try $0.query("SELECT population FROM communes WHERE code = '02.113.01.09'").single().decode(Int.self, 0)
            }
            #expect(berkane.json["population"]?.int == population)
            #expect(berkane.json["name_fr"] == .string("Berkane"))

            for (uri, path, status, code) in [
                ("/api/v1/communes?limit=0", "/api/v1/communes", 400, "invalid_limit"),
                ("/api/v1/communes?limit=201", "/api/v1/communes", 400, "invalid_limit"),
                ("/api/v1/communes?limit=ten", "/api/v1/communes", 400, "invalid_limit"),
                ("/api/v1/communes?region=Oriental", "/api/v1/communes", 400, "invalid_region"),
                ("/api/v1/communes?cursor=%27%3B%20DROP", "/api/v1/communes", 400, "invalid_cursor"),
                ("/api/v1/communes/99.999.99.9", "/api/v1/communes/{code}", 404, "not_found"),
                ("/api/v1/communes/berkane", "/api/v1/communes/{code}", 400, "invalid_code"),
                ("/api/v1/cycles?cursor=abc", "/api/v1/cycles", 400, "invalid_cursor"),
                ("/api/v1/cycles/abc", "/api/v1/cycles/{id}", 400, "invalid_id"),
                ("/api/v1/cycles/424242", "/api/v1/cycles/{id}", 404, "not_found"),
                ("/api/v1/cycles/424242/projects", "/api/v1/cycles/{id}/projects", 404, "not_found"),
                ("/api/v1/cycles/424242/outcome", "/api/v1/cycles/{id}/outcome", 404, "not_found"),
                ("/api/v1/cycles/424242/statistics", "/api/v1/cycles/{id}/statistics", 404, "not_found"),
                ("/api/v1/cycles/424242/implementation-updates", "/api/v1/cycles/{id}/implementation-updates", 404, "not_found"),
            ] {
                let answer = try await api.get(uri, path: path, status: status)
                #expect(answer.json["error"]?["code"] == .string(code), "\(uri)")
                #expect(!answer.body.contains("SQL") && !answer.body.contains("postgres"), "\(uri)")
            }
            // An address the API does not have answers in JSON, not with the site's HTML page.
            for uri in ["/api/v1/ballots", "/api/v1/cycles/1/ballots", "/api/v1/communes/02.113.01.09/voters"] {
                let unknown = try await client.execute(uri: uri, method: .get)
                #expect(unknown.status == .notFound, "\(uri)")
                #expect(unknown.headers[.contentType] == "application/json; charset=utf-8", "\(uri)")
                let error = try JSON.parse(String(buffer: unknown.body))
                #expect(api.validator.errors(error, against: try api.validator.component("Error")).isEmpty, "\(uri)")
            }
        }
    }

    @Test func nothingUnpublishedLeaksAndThePublishedOutcomeAppears() async throws {
        try await Site.with { client, site in
            let api = try await APIChecker.make(client)
            // A cycle whose review is over, with an accepted, a rejected and a hidden proposal, and
            // one nobody reviewed (the command refuses to open voting then; the database allows it,
            // so the API must not rely on it).
            let cycle = try site.cycle(commune: "02.113.01.09", title: "Budget participatif ouvert 2026")
            let lighting = try site.submit("Éclairage public Hay Salam", cycle: cycle, category: "lighting", cost: "200000")
            let cycling = try site.submit("Piste cyclable de la Corniche", cycle: cycle, category: "mobility", cost: "300000")
            let rejected = try site.submit("Jardin suspendu refusé", cycle: cycle, category: "green", cost: "900000")
            let hidden = try site.submit("Texte injurieux masqué", cycle: cycle)
            let pending = try site.submit("Proposition jamais étudiée zeta", cycle: cycle)
            try site.advance(cycle)
            try site.review(lighting, .accept(cost: .dirhams(200_000), answer: "Faisable cette année"))
            try site.review(cycling, .accept(cost: .dirhams(300_000), answer: nil))
            try site.review(rejected, .reject(reason: "Hors des compétences de la commune"))
            try site.review(hidden, .hide(reason: "Propos injurieux envers un élu"))
            try site.register(40, cycle: cycle, seed: "leak")
            try site.transaction { connection in
                try connection.query("UPDATE cycles SET phase = 'voting' WHERE id = \(cycle)")
                try connection.query("""
                    INSERT INTO cycle_phases (cycle_id, commune_id, phase, actor) SELECT id, commune_id, 'voting', 'test' FROM cycles WHERE id = \(cycle)
                    """)
            }
            // A second cycle still in review: its decisions can change, so none is listed.
            let inReview = try site.cycle(commune: "02.113.01.09", title: "Budget participatif en étude 2026")
            let early = try site.submit("Fontaine du souk en étude", cycle: inReview)
            try site.advance(inReview)
            try site.review(early, .accept(cost: .dirhams(50_000), answer: nil))

            // 17 ballots: 11 for both accepted projects, 6 for the cycling track alone.
            try site.cast(11, for: [lighting, cycling], cycle: cycle, first: 1)
            try site.cast(6, for: [cycling], cycle: cycle, first: 500)
            try site.tally(cycle)
            try site.recordUpdates([(lighting, "tendering", 5, 1_000_000, 3)])
            let pbSHA = try site.transaction {
                try $0.query("SELECT pb_sha256 FROM tallies WHERE cycle_id = \(cycle)").single().decode(String.self, 0)
            }

            func everything() async throws -> [APIAnswer] {
                var answers: [APIAnswer] = []
                answers.append(try await api.get("/api/v1/cycles", path: "/api/v1/cycles"))
                answers.append(try await api.get("/api/v1/cycles?commune=02.113.01.09&limit=1", path: "/api/v1/cycles"))
                for id in [cycle, inReview] {
                    answers.append(try await api.get("/api/v1/cycles/\(id)", path: "/api/v1/cycles/{id}"))
                    answers.append(try await api.get("/api/v1/cycles/\(id)/projects", path: "/api/v1/cycles/{id}/projects"))
                    answers.append(try await api.get("/api/v1/cycles/\(id)/projects?limit=1", path: "/api/v1/cycles/{id}/projects"))
                    answers.append(try await api.get(
                        "/api/v1/cycles/\(id)/implementation-updates", path: "/api/v1/cycles/{id}/implementation-updates"))
                }
                answers.append(try await api.get("/api/v1/communes/02.113.01.09", path: "/api/v1/communes/{code}"))
                return answers
            }
            let secrets = [
                "\"id\":\(hidden),", "\"id\":\(pending),", "\"id\":\(early),", "\"project_id\":\(hidden),",
                "Texte injurieux masqué", "Propos injurieux", "Proposition jamais étudiée", "Fontaine du souk",
                TokenHash.hex("Éclairage public Hay Salam"), TokenHash.hex("Proposition jamais étudiée zeta"),
            ]

            // Tallied, not published.
            var answers = try await everything()
            for id in [cycle, inReview] {
                let outcome = try await api.get("/api/v1/cycles/\(id)/outcome", path: "/api/v1/cycles/{id}/outcome", status: 404)
                #expect(outcome.json["error"]?["code"] == .string("not_published"))
                let statistics = try await api.get("/api/v1/cycles/\(id)/statistics", path: "/api/v1/cycles/{id}/statistics", status: 404)
                #expect(statistics.json["error"]?["code"] == .string("not_published"))
                answers += [outcome, statistics]
            }
            for answer in answers {
                let counts = ["\"voters\"", "\"supporters\"", "\"ballots\"", "\"registry_size\"", "\"turnout\"", "\"score\""]
                for secret in secrets + counts + [pbSHA] {
                    #expect(!answer.body.contains(secret), "unpublished \(secret) in \(answer.body.prefix(300))")
                }
            }
            let projects = try await api.all("/api/v1/cycles/\(cycle)/projects?limit=1", path: "/api/v1/cycles/{id}/projects")
            #expect(projects.compactMap { $0["id"]?.int } == [lighting, cycling, rejected])
            #expect(projects.allSatisfy { $0["funded"] == .null })
            let refusal = try #require(projects.last)
            #expect(refusal["status"] == .string("rejected"))
            #expect(refusal["official_answer"] == .string("Hors des compétences de la commune"))
            #expect(refusal["official_cost"] == .null)
            #expect(projects.first?["official_cost"] == .object(["centimes": .integer(20_000_000), "mad": .string("200000.00")]))
            #expect(projects.first?["category"] == .string("lighting"))
            let reviewing = try await api.get("/api/v1/cycles/\(inReview)/projects", path: "/api/v1/cycles/{id}/projects")
            #expect(reviewing.json["data"] == .array([]))
            let updates = try await api.get("/api/v1/cycles/\(cycle)/implementation-updates", path: "/api/v1/cycles/{id}/implementation-updates")
            #expect(updates.json["data"] == .array([]))
            let facts = try await api.get("/api/v1/cycles/\(cycle)", path: "/api/v1/cycles/{id}")
            #expect(facts.json["phase"] == .string("tallied"))
            #expect(facts.json["budget"] == .object(["centimes": .integer(100_000_000), "mad": .string("1000000.00")]))
            #expect(facts.json["phases"]?.array?.compactMap { $0["phase"]?.string } == ["draft", "proposals", "review", "voting", "tallied"])

            // Published: the outcome and its figures appear, the unpublished proposals still do not.
            try site.publish(cycle)
            answers = try await everything()
            let outcome = try await api.get("/api/v1/cycles/\(cycle)/outcome", path: "/api/v1/cycles/{id}/outcome")
            let statistics = try await api.get("/api/v1/cycles/\(cycle)/statistics", path: "/api/v1/cycles/{id}/statistics")
            for answer in answers + [outcome, statistics] {
                for secret in secrets { #expect(!answer.body.contains(secret), "\(secret) in \(answer.body.prefix(300))") }
            }
            // The signed audit-log head, as of this answer, checkable with the published key alone.
            let head = try SignedAuditHead(json: Data(outcome.body.utf8))
            #expect(head.hasValidSignature)
            #expect(head.publicKey == ServerSecrets.forTests.auditPublicKeyHex)
            let logged = try site.transaction { connection in
                let row = try connection.query("SELECT count(*), (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) FROM audit_log").single()
                return AuditHead(entries: try row.decode(Int.self, 0), hash: try row.decode(String.self, 1))
            }
            #expect(head.head == logged)
            #expect(logged.entries > 0)
            let scope = try #require(outcome.json["scopes"]?.array?.first)
            #expect(outcome.json["scopes"]?.array?.count == 1)
            #expect(scope["voters"]?.int == 17)
            #expect(scope["pb_sha256"] == .string(pbSHA))
            #expect(scope["rule"]?.string?.isEmpty == false)
            #expect(scope["spent"] == .object(["centimes": .integer(50_000_000), "mad": .string("500000.00")]))
            let outcomeProjects = scope["projects"]?.array ?? []
            #expect(outcomeProjects.compactMap { $0["project_id"]?.int } == [lighting, cycling])
            #expect(outcomeProjects.compactMap { $0["supporters"]?.int } == [11, 17])
            #expect(outcomeProjects.allSatisfy { $0["funded"] == .bool(true) && $0["round"]?.int != nil })
            let turnout = try #require(statistics.json["scopes"]?.array?.first)
            #expect(turnout["ballots"]?.int == 17)
            #expect(turnout["registry_size"]?.int == 40)
            #expect(turnout["turnout"] == .number(0.425))
            // The participation breakdowns, under the small-cell rule.
            #expect(statistics.json["voters"] == .object(["voters": .integer(17), "withheld": .null]))
            #expect(statistics.json["registry_size"]?.int == 40)
            let channels = statistics.json["by_channel"]?["cells"]?.array ?? []
            #expect(channels.map { $0["channel"] } == [.string("web"), .string("paper"), .string("code")])
            #expect(channels.first?["voters"]?.int == 17)
            #expect(channels.dropFirst().allSatisfy { $0["voters"] == .null && $0["withheld"] == .string("fewer_than_10") })
            let days = statistics.json["by_day"]?.array ?? []
            #expect(days.last?["running_total"] == .object(["voters": .integer(17), "withheld": .null]))
            let statuses = statistics.json["proposals_by_status"]?.array ?? []
            #expect(statuses.compactMap { $0["status"]?.string } == ["accepted", "rejected"], "hidden and submitted are not counted")
            let published = try await api.all("/api/v1/cycles/\(cycle)/projects", path: "/api/v1/cycles/{id}/projects")
            #expect(published.map { $0["funded"] } == [.bool(true), .bool(true), .null])
            let shown = try await api.get("/api/v1/cycles/\(cycle)/implementation-updates", path: "/api/v1/cycles/{id}/implementation-updates")
            let update = try #require(shown.json["data"]?.array?.first)
            #expect(update["project_id"]?.int == lighting)
            #expect(update["status"] == .string("tendering"))
            #expect(update["spent"] == .object(["centimes": .integer(1_000_000), "mad": .string("10000.00")]))
            #expect(update["recorded_at"] == .string("2026-03-03T10:00:00Z"))
            // The other cycle is still in review: nothing of it appears.
            let stillInReview = try await api.get("/api/v1/cycles/\(inReview)/projects", path: "/api/v1/cycles/{id}/projects")
            #expect(stillInReview.json["data"] == .array([]))
        }
    }

    @Test func cyclesArePagedById() async throws {
        try await Site.with { client, site in
            let api = try await APIChecker.make(client)
            var ids: [Int] = []
            for (index, commune) in ["02.113.01.09", "02.113.01.09", "01.511.01.01"].enumerated() {
                ids.append(try site.cycle(commune: commune, title: "Cycle \(index + 1)", rule: .mes))
            }
            let all = try await api.all("/api/v1/cycles?limit=2", path: "/api/v1/cycles")
            #expect(all.compactMap { $0["id"]?.int } == ids)
            #expect(all.first?["rule"] == .string("mes"))
            #expect(all.first?["ballot"] == .object([
                "kind": .string("approval"), "min_choices": .integer(1), "max_choices": .null, "points_total": .null,
                "points_cap": .null, "rank_depth": .null,
            ]))
            let berkane = try await api.all("/api/v1/cycles?commune=02.113.01.09", path: "/api/v1/cycles")
            #expect(berkane.compactMap { $0["id"]?.int } == Array(ids.prefix(2)))
            #expect(berkane.allSatisfy { $0["commune"]?["code"] == .string("02.113.01.09") })
        }
    }
}
