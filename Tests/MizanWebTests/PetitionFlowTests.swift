import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import MizanTestSupport
import PostgresDriver
import Testing

/// Petitions over real HTTP: drafting and signing as a resident, the forms refusing bad input
/// with what was typed kept (never a 500), CSRF refused, one signature per person, and the
/// register and API publishing counts under the small-cell rule and the clock, never a signer.
@Suite("Petitions over HTTP")
struct PetitionFlowTests {
    let residents = PetitionFixtures.residents(16)

    func seed(_ site: Site) throws {
        try site.transaction { try PetitionFixtures.seedRegistry(residents: residents, secrets: .forTests, on: $0) }
    }

    /// Drafts a petition over HTTP as resident 0 and returns its id.
    func draft(_ client: any TestClientProtocol, _ browser: inout Browser, language: String = "fr") async throws -> Int {
        let form = try await browser.get(client, "/\(language)/communes/02.113.01.09/petitions/new")
        #expect(form.status == .ok)
        let csrf = try #require(Browser.field("csrf", in: String(buffer: form.body)))
        let created = try await browser.post(client, "/\(language)/communes/02.113.01.09/petitions/new", [
            "csrf": csrf, "kind": "citizens", "agent_name": "Fatima Zahra", "national_id": residents[0], "birth_date": "01/01/1990",
            "title": "Éclairage de la rue 12", "demands": "Remplacer les lampadaires de la rue 12.",
            "reasons": "La rue est dans le noir depuis six mois.",
        ])
        #expect(created.status == .seeOther)
        let location = try #require(created.headers[.location])
        #expect(location.hasSuffix("?done=drafted"))
        return try #require(Int(location.split(separator: "/").last!.split(separator: "?").first!))
    }

    func sign(
        _ client: any TestClientProtocol, _ browser: inout Browser, petition: Int, id: String, birthDate: String = "1990-01-01",
        language: String = "fr"
    ) async throws -> TestResponse {
        let page = try await browser.get(client, "/\(language)/petitions/\(petition)")
        let csrf = Browser.field("csrf", in: String(buffer: page.body)) ?? ""
        return try await browser.post(client, "/\(language)/petitions/\(petition)/sign", ["csrf": csrf, "national_id": id, "birth_date": birthDate])
    }

    @Test func aResidentDraftsAndSignsOnceAndBadInputComesBackAsTyped() async throws {
        try await Site.with { client, site in
            try seed(site)
            var browser = Browser()
            let form = try await browser.get(client, "/ar/communes/02.113.01.09/petitions/new")
            let html = String(buffer: form.body)
            #expect(html.contains("dir=\"rtl\"") && html.contains("تحرير عريضة"))
            let csrf = try #require(Browser.field("csrf", in: html))
            // Too short a title, no demands, an association without its details: 422, the form
            // again with every typed value, in Arabic.
            let bad = try await browser.post(client, "/ar/communes/02.113.01.09/petitions/new", [
                "csrf": csrf, "kind": "association", "agent_name": "فاطمة الزهراء", "national_id": residents[0], "birth_date": "1990-01-01",
                "title": "ماء", "demands": "", "reasons": "الدوار بلا ماء صالح للشرب منذ سنة.", "association_name": "جمعية الأمل",
            ])
            #expect(bad.status == .unprocessableContent)
            let again = String(buffer: bad.body)
            #expect(again.contains("value=\"فاطمة الزهراء\"") && again.contains("value=\"ماء\"") && again.contains("value=\"جمعية الأمل\""))
            #expect(again.contains("الدوار بلا ماء صالح للشرب منذ سنة."))
            #expect(again.contains("value=\"association\" checked"))
            #expect(again.contains("يجب أن يتكون العنوان من 5 إلى 200 حرف."))
            #expect(again.contains("اكتب مقر الجمعية"))
            // An agent the registry does not know: refused, text kept.
            let stranger = try await browser.post(client, "/fr/communes/02.113.01.09/petitions/new", [
                "csrf": csrf, "kind": "citizens", "agent_name": "Inconnu Total", "national_id": "ZZ999999", "birth_date": "1990-01-01",
                "title": "Un titre correct", "demands": "Des demandes assez longues.", "reasons": "Des raisons assez longues.",
            ])
            #expect(stranger.status == .unprocessableContent)
            #expect(String(buffer: stranger.body).contains("Le mandataire doit figurer au registre"))
            #expect(String(buffer: stranger.body).contains("Des demandes assez longues."))
            // A malformed body: 400 with the form, never a 500.
            let malformed = try await client.execute(
                uri: "/fr/communes/02.113.01.09/petitions/new", method: .post,
                headers: [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf=\(csrf)&title=%ZZ&title=deux"))
            #expect(malformed.status == .badRequest)
            #expect(String(buffer: malformed.body).contains("<form"))

            let petition = try await draft(client, &browser)
            let shown = try await browser.get(client, "/fr/petitions/\(petition)?done=drafted")
            #expect(String(buffer: shown.body).contains("Votre pétition est enregistrée"))
            #expect(shown.headers[.cacheControl] == "no-store")

            let signed = try await sign(client, &browser, petition: petition, id: residents[1])
            #expect(signed.status == .seeOther)
            #expect(signed.headers[.location] == "/fr/petitions/\(petition)?done=signed")
            let twice = try await sign(client, &browser, petition: petition, id: residents[1], birthDate: "01/01/1990")
            #expect(twice.status == .conflict)
            #expect(String(buffer: twice.body).contains("Vous avez déjà signé cette pétition en ligne"))
            let stranger2 = try await sign(client, &browser, petition: petition, id: "ZZ999999")
            #expect(stranger2.status == .unprocessableContent)
            #expect(String(buffer: stranger2.body).contains("value=\"ZZ999999\""), "what was typed comes back")
            let noDate = try await sign(client, &browser, petition: petition, id: residents[2], birthDate: "")
            #expect(noDate.status == .unprocessableContent)
            let count = try site.transaction { try $0.query("SELECT count(*) FROM petition_signatures").single().decode(Int.self, 0) }
            #expect(count == 1)
        }
    }

    @Test func oneSignatureWhenTheSamePersonSignsManyTimesAtOnce() async throws {
        try await Site.with { client, site in
            try seed(site)
            var browser = Browser()
            let petition = try await draft(client, &browser)
            let page = try await browser.get(client, "/fr/petitions/\(petition)")
            let csrf = try #require(Browser.field("csrf", in: String(buffer: page.body)))
            let cookies = browser.cookieHeader
            let body = "csrf=\(csrf)&national_id=\(residents[4])&birth_date=1990-01-01"
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await client.execute(
                            uri: "/fr/petitions/\(petition)/sign", method: .post,
                            headers: [.cookie: cookies, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body)
                        ).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .seeOther }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 11)
            let count = try site.transaction { try $0.query("SELECT count(*) FROM petition_signatures").single().decode(Int.self, 0) }
            #expect(count == 1)
            // A body longer than the form can send: 413, the form again, nothing stored.
            let huge = try await client.execute(
                uri: "/fr/petitions/\(petition)/sign", method: .post, headers: [.cookie: cookies, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf=\(csrf)&national_id=\(String(repeating: "A", count: 10_000))"))
            #expect(huge.status == .contentTooLarge)
            #expect(String(buffer: huge.body).contains("<form"))
        }
    }

    @Test func formsWithoutTheirCSRFTokenAreRefused() async throws {
        try await Site.with { client, site in
            try seed(site)
            var browser = Browser()
            let petition = try await draft(client, &browser)
            _ = try await browser.get(client, "/fr/petitions/\(petition)")
            let forged = try await browser.post(client, "/fr/petitions/\(petition)/sign", ["csrf": "forged", "national_id": residents[3], "birth_date": "1990-01-01"])
            #expect(forged.status == .forbidden)
            var stranger = Browser()
            let noCookie = try await stranger.post(client, "/fr/petitions/\(petition)/sign", ["national_id": residents[3], "birth_date": "1990-01-01"])
            #expect(noCookie.status == .forbidden)
            let forgedDraft = try await browser.post(client, "/fr/communes/02.113.01.09/petitions/new", [
                "csrf": "x", "kind": "citizens", "agent_name": "Fatima Zahra", "national_id": residents[0], "birth_date": "1990-01-01",
                "title": "Éclairage de la rue 13", "demands": "Remplacer les lampadaires.", "reasons": "La rue est dans le noir.",
            ])
            #expect(forgedDraft.status == .forbidden)
            let counts = try site.transaction { connection in
                (try connection.query("SELECT count(*) FROM petition_signatures").single().decode(Int.self, 0),
                 try connection.query("SELECT count(*) FROM petitions").single().decode(Int.self, 0))
            }
            #expect(counts.0 == 0 && counts.1 == 1)
        }
    }

    @Test func theRegisterShowsCountsUnderTheSmallCellRuleAndTheClockButNoSigner() async throws {
        try await Site.with { client, site in
            try seed(site)
            var browser = Browser()
            let petition = try await draft(client, &browser)
            // 12 online and 2 on paper: paper is under 10, so online is masked too; the total is shown.
            try await site.withStorage { storage in
                let sign = SignPetition(storage: storage, secrets: .forTests)
                for resident in residents[1...12] {
                    let who = VoterCredential.typed(nationalID: resident, birthDate: PetitionFixtures.birthDate, code: "")
                    #expect(try await sign.execute(PetitionID(petition), signer: who, client: "198.51.100.4") == .signed)
                }
                let sheet = try PetitionSignatureSheet(parsing: "cin\n\(residents[13])\n\(residents[14])\n\(residents[1])\n")
                let report = try await EnterPaperSignatures(storage: storage, secrets: .forTests).execute(
                    PetitionID(petition), sheet: sheet, source: "feuille", actor: "clerk")
                #expect(report.recorded == 2 && report.refused == [.init(line: 4, reason: .signedOnline)])
            }
            let communePage = String(buffer: try await browser.get(client, "/fr/communes/02.113.01.09").body)
            #expect(communePage.contains("href=\"/fr/communes/02.113.01.09/petitions\""))
            let register = try await browser.get(client, "/fr/communes/02.113.01.09/petitions")
            #expect(register.status == .ok)
            let page = String(buffer: register.body)
            #expect(page.contains("14 sur 200 requises"))
            #expect(page.contains("Pas encore déposée"))
            let detail = String(buffer: try await browser.get(client, "/fr/petitions/\(petition)").body)
            #expect(detail.contains("<dt>Signées en ligne</dt><dd>masqué</dd>"))
            #expect(detail.contains("<dt>Signées sur papier</dt><dd>moins de 10</dd>"))
            for text in [page, detail] {
                #expect(!text.contains("Fatima"), "the agent's name is not public")
                for resident in residents { #expect(!text.contains(resident), "no signer's number") }
            }
            let api = try await APIChecker.make(client)
            let answer = try await api.get("/api/v1/petitions?commune=02.113.01.09", path: "/api/v1/petitions")
            #expect(answer.body.contains("\"online\":{\"count\":null,\"withheld\":\"masked\"}"))
            #expect(answer.body.contains("\"paper\":{\"count\":null,\"withheld\":\"fewer_than_10\"}"))
            #expect(answer.body.contains("\"total\":14"))
            #expect(!answer.body.contains("Fatima") && !residents.contains { answer.body.contains($0) })
            try await api.get("/api/v1/petitions/\(petition)", path: "/api/v1/petitions/{id}")
            try await api.get("/api/v1/petitions/0", path: "/api/v1/petitions/{id}", status: 400)
            try await api.get("/api/v1/petitions/99999", path: "/api/v1/petitions/{id}", status: 404)
            try await api.get("/api/v1/petitions?commune=nowhere", path: "/api/v1/petitions", status: 400)
            try await api.get("/api/v1/petitions?commune=99.999.99.99", path: "/api/v1/petitions", status: 404)
            let all = try await api.all("/api/v1/petitions?limit=1", path: "/api/v1/petitions")
            #expect(all.count == 1)
            // No one can sign an unknown petition, nor read an unknown register.
            #expect(try await browser.get(client, "/fr/petitions/99999").status == .notFound)
            #expect(try await browser.get(client, "/fr/communes/99.999.99.99/petitions").status == .notFound)
            #expect(try await browser.get(client, "/fr/communes/garbage/petitions").status == .notFound)
        }
    }

    @Test func aLateAnswerIsFlaggedForEveryone() async throws {
        try await Site.with { client, site in
            try seed(site)
            var browser = Browser()
            let petition = try await draft(client, &browser, language: "en")
            // A visitor opens the signing form while signatures are collected…
            let form = try await browser.get(client, "/en/petitions/\(petition)")
            let csrf = try #require(Browser.field("csrf", in: String(buffer: form.body)))
            try await site.withStorage { storage in
                _ = try await SetPetitionThreshold(storage: storage).execute(
                    commune: PetitionFixtures.berkane, minimum: 1, reason: "test", actor: "admin")
                let who = VoterCredential.typed(nationalID: residents[1], birthDate: PetitionFixtures.birthDate, code: "")
                #expect(try await SignPetition(storage: storage, secrets: .forTests).execute(PetitionID(petition), signer: who, client: "198.51.100.5") == .signed)
                _ = try await FilePetitionWithCouncil(storage: storage).execute(PetitionID(petition), actor: "staff")
            }
            // …and sends it once the petition is filed: signing is over.
            let closed = try await browser.post(
                client, "/en/petitions/\(petition)/sign", ["csrf": csrf, "national_id": residents[2], "birth_date": "1990-01-01"])
            #expect(closed.status == .conflict)
            #expect(String(buffer: closed.body).contains("no longer collects signatures"))
            let running = String(buffer: try await browser.get(client, "/en/petitions/\(petition)").body)
            #expect(running.contains("The council must answer by") && !running.contains("answer late"))
            // Four months ago, as a database administrator rewinds it (the guard forbids the service).
            let superuser = try PostgresConnection.connect(TestPostgres.configuration(site.configuration, as: .superuser))
            defer { superuser.close() }
            try superuser.execute(script: """
                SET session_replication_role = replica;
                UPDATE petitions SET filed_at = now() - interval '4 months';
                """)
            let late = String(buffer: try await browser.get(client, "/en/communes/02.113.01.09/petitions").body)
            #expect(late.contains("answer late") && late.contains("Late: the council had to answer by"))
            let api = try await APIChecker.make(client)
            let answer = try await api.get("/api/v1/petitions/\(petition)", path: "/api/v1/petitions/{id}")
            #expect(answer.body.contains("\"late\":true") && answer.body.contains("\"status\":\"overdue\""))
            for language in ["ar", "zgh"] {
                let page = try await browser.get(client, "/\(language)/petitions/\(petition)")
                #expect(page.status == .ok)
            }
        }
    }
}
