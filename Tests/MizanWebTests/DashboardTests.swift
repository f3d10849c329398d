import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import Testing
import PostgresDriver

extension Site {
    /// The voting cycle of `cycleInVoting` plus 60 registry voters who vote: 35 in Hay Al Massira,
    /// 21 in Quartier Nord, 4 in Quartier Sud (a small cell); 15 on paper, 45 online; 30 women and
    /// 30 men; and 6 printed-code voters without district or profile (small cells for channel
    /// and sex). Returns the cycle id.
    func cycleWithVoters() throws -> Int {
        let (cycle, projects, _) = try cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
        try transaction { connection in
            try connection.query("""
                INSERT INTO districts (commune_id, kind, name_fr, name_ar, population)
                SELECT commune_id, 'quarter', v.fr, v.ar, v.population FROM cycles,
                    (VALUES ('Quartier Nord', 'الحي الشمالي', 5000), ('Quartier Sud', 'الحي الجنوبي', 800)) v (fr, ar, population)
                WHERE id = \(cycle)
                """)
            try connection.query("""
                INSERT INTO registry_entries (commune_id, cycle_id, national_id_hmac, birth_date, district_id, sex, birth_year)
                SELECT y.commune_id, y.id, sha256(('dash-voter-' || g)::bytea), make_date(1950 + (g * 3) % 50, 3, 1),
                       (SELECT id FROM districts WHERE commune_id = y.commune_id
                        AND name_fr = CASE WHEN g <= 35 THEN 'Hay Al Massira' WHEN g <= 56 THEN 'Quartier Nord' ELSE 'Quartier Sud' END),
                       CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END, 1950 + (g * 3) % 50
                FROM cycles y, generate_series(1, 60) g WHERE y.id = \(cycle)
                """)
            try connection.query("""
                SELECT seed_ballot(r.cycle_id, r.commune_id, r.national_id_hmac, CASE WHEN g <= 15 THEN 'paper' ELSE 'web' END, r.district_id,
                                   sha256(('dash-pseudonym-' || g)::bytea), 'DASH-' || lpad(g::text, 4, '0') || '-AAAA',
                                   ARRAY[\(projects[0])::int], ARRAY[1])
                FROM generate_series(1, 60) g JOIN registry_entries r ON r.national_id_hmac = sha256(('dash-voter-' || g)::bytea)
                WHERE r.cycle_id = \(cycle)
                """)
            try connection.query("""
                SELECT seed_ballot(y.id, y.commune_id, sha256(('dash-code-' || g)::bytea), 'code', NULL,
                                   sha256(('dash-code-pseudonym-' || g)::bytea), 'CODE-' || lpad(g::text, 4, '0') || '-AAAA',
                                   ARRAY[\(projects[1])::int], ARRAY[1])
                FROM cycles y, generate_series(1, 6) g WHERE y.id = \(cycle)
                """)
        }
        return cycle
    }

    func count(_ sql: SQL) throws -> Int {
        try transaction { try $0.query(sql).single().decode(Int.self, 0) }
    }
}

@Suite("The participation dashboard")
struct DashboardTests {
    func get(_ client: any TestClientProtocol, _ uri: String) async throws -> (TestResponse, String) {
        let response = try await client.execute(uri: uri, method: .get)
        return (response, String(buffer: response.body))
    }

    /// The same with a browser's cookies (a signed-in staff member's session).
    func get(_ client: any TestClientProtocol, _ uri: String, as browser: inout Browser) async throws -> (TestResponse, String) {
        let response = try await browser.get(client, uri)
        return (response, String(buffer: response.body))
    }

    /// The section of the page with the given id, up to its end.
    func section(_ id: String, in html: String) throws -> String {
        let start = try #require(html.range(of: "<section class=\"dashboard\" id=\"\(id)\""))
        return String(html[start.lowerBound...]).components(separatedBy: "</section>")[0]
    }

    /// `x` and `width` of the first bar of a section's chart.
    func firstBar(_ section: String) throws -> (x: Int, width: Int) {
        let match = try #require(section.firstMatch(of: /<rect class="bar" x="(\d+)" y="\d+" width="(\d+)"/))
        return (Int(match.1)!, Int(match.2)!)
    }

    @Test func publicOnlyOncePublishedStaffAlwaysAndLive() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleWithVoters()

            var (response, html) = try await get(client, "/fr/cycles/\(cycle)/participation")
            #expect(response.status == .notFound)
            #expect(html.contains("Statistiques de participation pas encore publiées"))
            #expect(!html.contains("<svg"))
            (response, html) = try await get(client, "/fr/cycles/\(cycle)/participation/by-channel.csv")
            #expect(response.status == .notFound)
            #expect(!html.contains("Bulletin papier"))

            // Live figures are for signed-in staff only.
            (response, _) = try await get(client, "/fr/staff/cycles/\(cycle)/participation")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location]?.hasPrefix("/fr/staff/login") == true)
            #expect(try await get(client, "/fr/staff/cycles/\(cycle)/participation/by-channel.csv").0.status == .seeOther)
            try await site.staffAccount("auditeur", role: .auditor)
            var staff = Browser()
            #expect(try await staff.signIn(client, username: "auditeur", password: "correct horse battery").status == .seeOther)

            (response, html) = try await get(client, "/fr/staff/cycles/\(cycle)/participation", as: &staff)
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(html.contains("Chiffres en direct"))
            #expect(html.contains("<dt>Votants</dt><dd>66</dd>"))
            (response, html) = try await get(client, "/fr/staff/cycles/\(cycle)/participation/by-channel.csv", as: &staff)
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(html.contains("En ligne,45,"))

            // Live: one more code voter shows at once on the staff page.
            _ = try site.transaction { connection in
                try connection.query("""
                    SELECT seed_ballot(y.id, y.commune_id, sha256('dash-late'::bytea), 'code', NULL, sha256('dash-late-pseudonym'::bytea),
                                       'LATE-0001-AAAA', ARRAY[(SELECT min(id) FROM proposals WHERE cycle_id = y.id AND status = 'accepted')], ARRAY[1])
                    FROM cycles y WHERE y.id = \(cycle)
                    """)
            }
            html = try await get(client, "/fr/staff/cycles/\(cycle)/participation", as: &staff).1
            #expect(html.contains("<dt>Votants</dt><dd>67</dd>"))

            try site.tally(cycle)
            #expect(try await get(client, "/fr/cycles/\(cycle)/participation").0.status == .notFound, "tallied is not published")
            _ = try site.transaction { try TallyStore.publish(cycleID: cycle, actor: "test", on: $0) }
            (response, html) = try await get(client, "/fr/cycles/\(cycle)/participation")
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] != "no-store")
            #expect(!html.contains("Chiffres en direct"))
            #expect(try await get(client, "/fr/cycles/9999/participation").0.status == .notFound)
            #expect(try await get(client, "/fr/cycles/\(cycle)/participation/ballots.csv").0.status == .notFound)

            let results = try await get(client, "/fr/cycles/\(cycle)/results").1
            #expect(results.contains("href=\"/fr/cycles/\(cycle)/participation\""))
        }
    }

    @Test func numbersMatchTheDatabaseAndSmallCellsAreWithheldEverywhere() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleWithVoters()
            try site.tally(cycle)
            _ = try site.transaction { try TallyStore.publish(cycleID: cycle, actor: "test", on: $0) }
            let (response, html) = try await get(client, "/fr/cycles/\(cycle)/participation")
            #expect(response.status == .ok)

            let voters = try site.count("SELECT count(*) FROM participation WHERE cycle_id = \(cycle)")
            #expect(voters == 66)
            #expect(html.contains("<dt>Votants</dt><dd>\(voters)</dd>"))
            let registered = try site.count("SELECT count(*) FROM registry_entries WHERE cycle_id = \(cycle)")
            #expect(html.contains("<dt>Inscrits au registre</dt><dd>\(registered)</dd>"))

            // Districts: every number from the database; Sud (4) and no district (6) withheld.
            let districts = try section("by-district", in: html)
            for name in ["Hay Al Massira", "Quartier Nord", "Quartier Sud"] {
                let direct = try site.count("""
                    SELECT count(*) FROM participation p JOIN districts d ON d.id = p.district_id WHERE p.cycle_id = \(cycle) AND d.name_fr = \(name)
                    """)
                let registeredThere = try site.count("""
                    SELECT count(*) FROM registry_entries r JOIN districts d ON d.id = r.district_id WHERE r.cycle_id = \(cycle) AND d.name_fr = \(name)
                    """)
                let shown = direct < 10 ? "moins de 10" : String(direct)
                #expect(districts.contains("<tr><th scope=\"row\"><bdi>\(name)</bdi></th><td>\(shown)</td><td>\(registeredThere)</td>"), "\(name): \(direct)")
            }
            #expect(districts.contains("<tr><th scope=\"row\"><bdi>Quartier Sud</bdi></th><td>moins de 10</td><td>4</td><td>—</td><td>800</td><td>—</td></tr>"))
            #expect(districts.contains("<tr><th scope=\"row\"><bdi>Hors quartier</bdi></th><td>moins de 10</td>"))
            #expect(districts.contains("<tr><th scope=\"row\"><bdi>Quartier Nord</bdi></th><td>21</td><td>21</td><td>100,0\u{00A0}%</td><td>5.000</td><td>0,4\u{00A0}%</td></tr>"))

            // Channels: web 45 shown; code 6 withheld, so paper (15) is masked: 66 − 45 leaves
            // only their sum.
            let channels = try section("by-channel", in: html)
            let web = try site.count("SELECT count(*) FROM participation WHERE cycle_id = \(cycle) AND channel = 'web'")
            #expect(channels.contains("<tr><th scope=\"row\"><bdi>En ligne</bdi></th><td>\(web)</td><td>68,2\u{00A0}%</td></tr>"))
            #expect(channels.contains("<tr><th scope=\"row\"><bdi>Bulletin papier</bdi></th><td>masqué</td><td>—</td></tr>"))
            #expect(channels.contains("<tr><th scope=\"row\"><bdi>Code imprimé</bdi></th><td>moins de 10</td><td>—</td></tr>"))
            #expect(!channels.contains(">15<") && !channels.contains(">6<") && !channels.contains(": 15") && !channels.contains(": 6 "))

            // Sex: 30 women and 30 men; the 6 code voters are "not recorded", so one sex is masked.
            let sexes = try section("by-sex", in: html)
            #expect(sexes.contains("<tr><th scope=\"row\"><bdi>Femmes</bdi></th><td>masqué</td>"))
            #expect(sexes.contains("<tr><th scope=\"row\"><bdi>Hommes</bdi></th><td>30</td>"))
            #expect(sexes.contains("<tr><th scope=\"row\"><bdi>Non renseigné</bdi></th><td>moins de 10</td>"))
            let ages = try section("by-age", in: html)
            #expect(ages.contains("Votants par tranche d&#39;âge (âge atteint en 2026)") || ages.contains("Votants par tranche d'âge (âge atteint en 2026)"))

            // Proposals: exact.
            let statuses = try section("proposals-by-status", in: html)
            let accepted = try site.count("SELECT count(*) FROM proposals WHERE cycle_id = \(cycle) AND status = 'accepted'")
            #expect(statuses.contains("<tr><th scope=\"row\"><bdi>retenu pour le vote</bdi></th><td>\(accepted)</td></tr>"))

            // Downloads: the same cells, same protection.
            let csvResponse = try await client.execute(uri: "/fr/cycles/\(cycle)/participation/by-district.csv", method: .get)
            #expect(csvResponse.status == .ok)
            #expect(csvResponse.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csvResponse.headers[.contentDisposition] == "attachment; filename=\"cycle-\(cycle)-by-district.csv\"")
            let csv = String(buffer: csvResponse.body)
            #expect(csv.hasPrefix("\u{FEFF}Quartier,Votants,Inscrits,% des inscrits,Population (RGPH 2024),% de la population\r\n"))
            #expect(csv.contains("\r\nQuartier Sud,<10,4,,800,\r\n"))
            #expect(csv.contains("\r\nQuartier Nord,21,21,100.0,5000,0.4\r\n"))
            let channelCSV = String(buffer: try await client.execute(uri: "/fr/cycles/\(cycle)/participation/by-channel.csv", method: .get).body)
            #expect(channelCSV.contains("\r\nBulletin papier,[c],\r\n"))
            #expect(channelCSV.contains("\r\nCode imprimé,<10,\r\n"))
            #expect(!channelCSV.contains(",15,") && !channelCSV.contains(",6,"))
            let dayCSV = String(buffer: try await client.execute(uri: "/fr/cycles/\(cycle)/participation/by-day.csv", method: .get).body)
            #expect(dayCSV.hasSuffix(",66,66\r\n"))
            for name in ["by-day", "by-district", "by-channel", "by-sex", "by-age", "proposals-by-category", "proposals-by-status"] {
                #expect(html.contains("href=\"/fr/cycles/\(cycle)/participation/\(name).csv\""), "\(name)")
                let response = try await client.execute(uri: "/fr/cycles/\(cycle)/participation/\(name).csv", method: .get)
                #expect(response.status == .ok, "\(name)")
            }
        }
    }

    @Test func chartsHaveTextAlternativesAndMirrorInArabic() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleWithVoters()
            try site.tally(cycle)
            _ = try site.transaction { try TallyStore.publish(cycleID: cycle, actor: "test", on: $0) }
            let html = try await get(client, "/fr/cycles/\(cycle)/participation").1
            let charts = html.components(separatedBy: "<svg role=\"img\"").count - 1
            #expect(charts == 6, "six bar charts; one day of voting draws no line")
            #expect(html.components(separatedBy: "<title id=\"chart-").count - 1 == charts)
            #expect(html.components(separatedBy: "<table class=\"results\">").count - 1 == 7)
            #expect(html.contains("<svg role=\"img\" aria-labelledby=\"chart-by-district\""))
            #expect(html.contains("<title id=\"chart-by-channel\">Diagramme en barres des votants par canal : En ligne : 45 ; Bulletin papier : masqué ; Code imprimé : moins de 10</title>"))
            #expect(!html.contains("<title id=\"chart-running\">"))
            #expect(!html.contains("<script"))

            // Withheld cells get no bar; bars start at the inline start in each direction.
            let french = try section("by-channel", in: html)
            #expect(try firstBar(french).x == 0)
            #expect(french.contains("<rect class=\"bar\" x=\"0\" y=\"68\" width=\"0\""), "the masked paper count has no bar")
            let arabic = try await get(client, "/ar/cycles/\(cycle)/participation").1
            #expect(arabic.contains("<html lang=\"ar\" dir=\"rtl\">"))
            let bar = try firstBar(try section("by-channel", in: arabic))
            #expect(bar.x + bar.width == 360, "on right-to-left pages bars grow leftwards from the right")
            #expect(bar.width == 210, "the longest bar fills the bar area")
            #expect(arabic.contains("أقل من 10"))
            #expect(arabic.contains("حي المسيرة"))

            for (language, direction) in [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr"), ("zgh", "ltr")] {
                let (response, page) = try await get(client, "/\(language)/cycles/\(cycle)/participation")
                #expect(response.status == .ok, "\(language)")
                #expect(page.contains("<html lang=\"\(language)\" dir=\"\(direction)\">"), "\(language)")
                #expect(!page.contains("dashboard_") && !page.contains("status_") && !page.contains("month_"), "\(language): a catalog key shows")
                #expect(page.components(separatedBy: "<title id=\"chart-").count - 1 == 6, "\(language)")
            }
            #expect(try await get(client, "/en/cycles/\(cycle)/participation").1.contains("fewer than 10"))
        }
    }
}
