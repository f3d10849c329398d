import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import PBEngine
import Testing
import PostgresDriver

extension Site {
    /// `count` ballots for `projects`, seeded by `seed_ballot`, numbered from `first` so
    /// every voter is different.
    func cast(_ count: Int, for projects: [Int], cycle: Int, first: Int) throws {
        try transaction { connection in
            try connection.query("""
                SELECT seed_ballot(y.id, y.commune_id, sha256(('voter-' || g)::bytea), 'web', NULL, sha256(('pseudonym-' || g)::bytea),
                                   upper(substr(md5('r' || g), 1, 4) || '-' || substr(md5('r' || g), 5, 4) || '-' || substr(md5('r' || g), 9, 4) || '-' || substr(md5('r' || g), 13, 4)),
                                   \(projects)::int[], array_fill(1, ARRAY[\(projects.count)::int]))
                FROM cycles y, generate_series(\(first)::int, \(first + count - 1)::int) g WHERE y.id = \(cycle)
                """)
        }
    }

    /// Closes voting and stores the outcome as `mizan tally` does.
    func tally(_ cycle: Int) throws {
        try transaction { connection in
            _ = try CycleStore.advance(cycle, actor: "test", on: connection)
            let info = try TallyStore.lockCycle(cycle, on: connection)
            let rule = EngineSettings.rule(of: info)
            for scope in try TallyScope.all(for: info, on: connection) {
                let prepared = try TallyStore.prepare(cycle: info, scope: scope, on: connection)
                let instance = TallyComputation.instance(projects: prepared.projects, budget: scope.budget)
                let profile = TallyComputation.profile(
                    groups: prepared.groups, instance: instance, voteType: EngineSettings.voteType(for: info.ballot), maxLength: nil)
                let tieBreaking = EngineSettings.tieBreaking(info.tieBreak, projectIDs: instance.projects.map(\.id))
                let result = TallyComputation.run(
                    rule: rule, tieBreaking: tieBreaking, instance: instance, profile: profile, thresholds: info.options.thresholds)
                try TallyStore.store(cycle: info, prepared: prepared, result: result, actor: "test", on: connection)
            }
        }
    }
}

@Suite("The public results page")
struct ResultsPageTests {
    func get(_ client: any TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, String) {
        let response = try await client.execute(uri: uri, method: .get)
        return (response.status, String(buffer: response.body))
    }

    @Test func resultsAppearOnlyOncePublished() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            // Éclairage 200k: 5 votes; Terrain 300k: 6 votes; Bibliothèque 600k: 4 votes.
            try site.cast(5, for: [projects[0], projects[1]], cycle: cycle, first: 1)
            try site.cast(3, for: [projects[2]], cycle: cycle, first: 100)
            try site.cast(1, for: [projects[1], projects[2]], cycle: cycle, first: 200)

            var (status, html) = try await get(client, "/fr/cycles/\(cycle)/results")
            #expect(status == .notFound)
            #expect(html.contains("Résultats pas encore publiés"))
            (status, html) = try await get(client, "/fr/cycles/\(cycle)")
            #expect(status == .ok)
            #expect(!html.contains("Voix par projet"))
            #expect(!html.contains("<svg"))

            // Tallied but not yet published: still nothing.
            try site.tally(cycle)
            (status, html) = try await get(client, "/fr/cycles/\(cycle)/results")
            #expect(status == .notFound)
            #expect(!html.contains("Terrain de proximité"))
            (status, html) = try await get(client, "/en/cycles/\(cycle)")
            #expect(status == .ok)
            #expect(!html.contains("Votes per project"))
            #expect(!html.contains("Funded projects"))

            _ = try site.transaction { try TallyStore.publish(cycleID: cycle, actor: "test", on: $0) }
            let funded = try site.transaction { connection in
                try connection.query("""
                    SELECT tp.proposal_id FROM tally_projects tp JOIN tallies t ON t.id = tp.tally_id
                    WHERE t.cycle_id = \(cycle) AND tp.funded ORDER BY tp.proposal_id
                    """).map { try $0.decode(Int.self, 0) }
            }
            #expect(funded == [projects[0], projects[1]])

            (status, html) = try await get(client, "/fr/cycles/\(cycle)/results")
            #expect(status == .ok)
            #expect(html.contains("Projets financés"))
            // The signed head of the audit log, for anyone to keep and check later.
            let head = try site.transaction { connection in
                let row = try connection.query("SELECT count(*), (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) FROM audit_log").single()
                return AuditHead(entries: try row.decode(Int.self, 0), hash: try row.decode(String.self, 1))
            }
            #expect(html.contains("<code dir=\"ltr\">\(head.hash)</code>"))
            #expect(html.contains("<code dir=\"ltr\">\(ServerSecrets.forTests.auditPublicKeyHex)</code>"))
            #expect(html.contains("mizan audit verify --expect-head \(head.entries):\(head.hash)"))
            let english = try await get(client, "/en/cycles/\(cycle)/results").1
            #expect(english.contains("<h2 id=\"audit-head\">Audit log head</h2>"))
            #expect(english.contains("<dt>Entries</dt><dd>\(head.entries)</dd>"))
            let afterList = try #require(html.range(of: "<ol class=\"funded\">").map { String(html[$0.upperBound...]) })
            let list = afterList.components(separatedBy: "</ol>")[0]
            #expect(list.contains("<bdi>Éclairage de la rue 12</bdi> — <span class=\"amount\">200.000,00\u{00A0}MAD</span>"))
            #expect(list.contains("<bdi>Terrain de proximité</bdi> — <span class=\"amount\">300.000,00\u{00A0}MAD</span>"))
            #expect(list.contains("(6 voix)"))
            #expect(list.contains("(5 voix)"))
            #expect(!list.contains("Bibliothèque"))
            #expect(html.contains("<dt>Budget utilisé</dt><dd class=\"amount\">500.000,00\u{00A0}MAD</dd>"))
            #expect(html.contains("<dt>Budget restant</dt><dd class=\"amount\">500.000,00\u{00A0}MAD</dd>"))
            #expect(html.contains("<dt>Participation</dt><dd>9 bulletins</dd>"), "more ballots than registry entries: no share")
            #expect(!html.contains("(tour )"))
            #expect(html.contains("Financé au tour 1, avec"))
            #expect(html.contains("Non financé"))
            #expect(html.contains("Méthode des parts égales") || html.contains("parts égales"))
            // The account equal shares publishes: effective support, where an unfunded project's
            // supporters' money went, each voter's share, greedy compared. Six of nine voters have
            // a funded project they chose (5 + 1), as under greedy by votes; 11 funded choices in all.
            #expect(html.contains("Soutien effectif : "))
            let went = try #require(html.range(of: "argent de ses soutiens est allé à : ").map { String(html[$0.upperBound...]) })
            #expect(went.hasPrefix("Terrain de proximité ("), "only the voter who chose both paid, and paid for Terrain")
            #expect(html.contains("<h4>Comment le budget a été partagé</h4>"))
            #expect(html.contains("Part de chaque votant : "))
            #expect(html.contains("Votants dont au moins un projet choisi est financé : 66,7\u{00A0}% (avec un classement par voix seul : 66,7\u{00A0}%)"))
            #expect(html.contains("en moyenne : 1,22 (par voix seules : 1,22)"))

            // The chart and its text alternatives.
            #expect(html.contains("<svg role=\"img\""))
            #expect(html.contains("<title id=\"chart-title-"))
            #expect(html.contains("aria-label=\"Diagramme en barres des voix par projet : Terrain de proximité, 6 voix ; Éclairage de la rue 12, 5 voix ; Bibliothèque, 4 voix\""))
            #expect(html.contains("<table class=\"results\">"))
            #expect(html.contains("<th scope=\"row\"><bdi>Bibliothèque</bdi></th><td class=\"amount\">600.000,00\u{00A0}MAD</td><td>4</td><td>non financé</td>"))
            #expect(!html.contains("<script"))
            // Every link comes from the page model, in the page's language.
            #expect(html.contains("href=\"/fr/cycles/\(cycle)\""))
            #expect(html.contains("href=\"/fr/cycles/\(cycle)/participation\""))
            #expect(html.contains("href=\"/fr/communes/"))

            for (language, direction) in [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr"), ("zgh", "ltr")] {
                let (status, page) = try await get(client, "/\(language)/cycles/\(cycle)/results")
                #expect(status == .ok, "\(language)")
                #expect(page.contains("<html lang=\"\(language)\" dir=\"\(direction)\">"), "\(language)")
                #expect(page.contains("Terrain de proximité"), "\(language)")
                #expect(page.contains("<svg role=\"img\""), "\(language)")
                #expect(!page.contains("results_"), "\(language): a catalog key shows instead of its text")
            }
            let arabic = try await get(client, "/ar/cycles/\(cycle)/results").1
            #expect(arabic.contains("500.000,00\u{00A0}درهم"))
            #expect(arabic.contains("المشاريع الممولة"))
            let tamazight = try await get(client, "/zgh/cycles/\(cycle)/results").1
            #expect(tamazight.contains("ⵉⵙⵏⴼⴰⵔⵏ ⵉⵜⵜⵓⵎⵡⵍⵏ"))

            // The cycle page shows the same outcome and links to the results.
            (status, html) = try await get(client, "/en/cycles/\(cycle)")
            #expect(status == .ok)
            #expect(html.contains("Funded projects"))
            #expect(html.contains("Votes per project"))
            #expect(html.contains("href=\"/en/cycles/\(cycle)/results\""))
        }
    }

    @Test func aDistrictEnvelopeIsExplained() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try await site.cycleInVotingWithEnvelope(ballot: .approval(minimum: 1, maximum: 2))
            try site.cast(6, for: [projects[0], projects[1]], cycle: cycle, first: 1)
            try site.cast(5, for: [projects[2]], cycle: cycle, first: 100)
            _ = try await site.withStorage {
                try await RecordPaperCount(storage: $0).execute(.init(cycle: CycleID(cycle), place: "École Ibn Khaldoun", spoiled: 12, blank: 3, actor: "test"))
            }
            try site.tally(cycle)
            try site.publish(cycle)
            let french = try await get(client, "/fr/cycles/\(cycle)/results").1
            #expect(french.contains("Enveloppe de Hay Al Massira : 1.000.000,00\u{00A0}MAD, soit 100,0\u{00A0}% du budget de 1.000.000,00\u{00A0}MAD."), "\(french)")
            #expect(french.contains("12 bulletins nuls et 3 blancs, dans 1 bureau(x) de vote"))
            #expect(french.contains("<tr><th scope=\"row\"><bdi>École Ibn Khaldoun</bdi></th><td>12</td><td>3</td></tr>"))
            let arabic = try await get(client, "/ar/cycles/\(cycle)/results").1
            #expect(arabic.contains("غلاف حي المسيرة"))
            #expect(arabic.contains("الأوراق الورقية الملغاة والبيضاء"))
        }
    }

    @Test func anUnknownCycleHasNoResults() async throws {
        try await Site.with { client, _ in
            let (status, html) = try await get(client, "/fr/cycles/9999/results")
            #expect(status == .notFound)
            #expect(html.contains("<h1>"))
            #expect(!html.contains("pas encore publiés"), "no cycle, so nothing is pending")
        }
    }

    @Test func fundedProjectsShowTheirLatestImplementationUpdate() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            try site.cast(5, for: [projects[0], projects[1]], cycle: cycle, first: 1)
            try site.cast(3, for: [projects[2]], cycle: cycle, first: 100)
            try site.tally(cycle)
            _ = try site.transaction { try TallyStore.publish(cycleID: cycle, actor: "test", on: $0) }
            try site.transaction { connection in
                // Two updates of the lighting project (the later one counts), none of the pitch,
                // and one of the unfunded library, which the page must not show.
                try connection.query("""
                    INSERT INTO implementation_updates (commune_id, proposal_id, status, progress_percent, spent_centimes, recorded_at, recorded_by, note, link)
                    SELECT p.commune_id, p.id, u.status, u.percent, u.spent, u.at, 'test', u.note, u.link
                    FROM proposals p JOIN (VALUES
                        (\(projects[0])::int, 'tendering', 0, 0::bigint, TIMESTAMPTZ '2026-02-01 10:00Z', 'Avis publié', 'https://berkane.ma/avis-12.pdf'),
                        (\(projects[0])::int, 'in_progress', 40, 8000000::bigint, TIMESTAMPTZ '2026-03-12 10:00Z', NULL, NULL),
                        (\(projects[2])::int, 'planned', 5, 100::bigint, TIMESTAMPTZ '2026-03-12 10:00Z', NULL, NULL)
                    ) AS u (proposal, status, percent, spent, at, note, link) ON u.proposal = p.id
                    """)
            }
            var (status, html) = try await get(client, "/fr/cycles/\(cycle)/results")
            #expect(status == .ok)
            let list = try #require(html.range(of: "<ol class=\"funded\">").map { String(html[$0.upperBound...]) })
                .components(separatedBy: "</ol>")[0]
            let lighting = try #require(list.components(separatedBy: "<li>").first { $0.contains("Éclairage de la rue 12") })
            #expect(lighting.contains("Travaux en cours : 40 % réalisé, 80.000,00\u{00A0}MAD dépensés"))
            #expect(lighting.contains("<progress max=\"100\" value=\"40\" aria-label=\"Avancement : 40 %\">"))
            #expect(!lighting.contains("Appel d&#39;offres") && !lighting.contains("Appel d'offres"), "only the latest update")
            // The timeline of the works: every step, oldest first, with its milestone and document.
            let timeline = try #require(html.range(of: "<details class=\"timeline\">").map { String(html[$0.upperBound...]) })
                .components(separatedBy: "</details>")[0]
            #expect(timeline.contains("<summary>Étapes des travaux</summary>"))
            let tendering = try #require(timeline.range(of: "Appel d")?.lowerBound)
            let underWay = try #require(timeline.range(of: "Travaux en cours : 40 % réalisé")?.lowerBound)
            #expect(tendering < underWay, "oldest first")
            #expect(timeline.contains("<bdi>Avis publié</bdi> <a href=\"https://berkane.ma/avis-12.pdf\" rel=\"nofollow noopener\" dir=\"ltr\">photo ou document</a>"))
            #expect(html.components(separatedBy: "<details class=\"timeline\">").count == 2, "only the funded lighting project has a timeline")
            let pitch = try #require(list.components(separatedBy: "<li>").first { $0.contains("Terrain de proximité") })
            #expect(!pitch.contains("<progress"))
            #expect(html.components(separatedBy: "<progress").count == 2, "the unfunded project's update is not shown")
            for language in ["ar", "en", "zgh"] {
                (status, html) = try await get(client, "/\(language)/cycles/\(cycle)/results")
                #expect(status == .ok)
                #expect(html.contains("<progress max=\"100\" value=\"40\""), "\(language)")
                #expect(!html.contains("impl_status_") && !html.contains("results_progress"), "\(language)")
            }
            #expect(html.contains("ⵉⵙⵓⵡⵓⵔⵏ ⵜⵜⵉⴷⴷⵓⵏ"))
            (status, html) = try await get(client, "/en/cycles/\(cycle)/results")
            #expect(html.contains("Works under way: 40 % done, 80,000.00 MAD spent") || html.contains("Works under way: 40 % done"))
        }
    }
}
