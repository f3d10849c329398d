import Foundation
import MizanCore
import MizanPostgres
import PostgresDriver

/// Demo data for a newcomer: Berkane (HCP 02.113.01.09) with a cycle open for voting, twenty
/// proposals in Arabic and French, a registry of demo voters and printed codes. Idempotent: a
/// second run finds the cycle and changes nothing.
public enum DemoSeed {
    public static let berkane = "02.113.01.09"
    public static let cycleTitle = "Budget participatif 2026 (démo)"

    /// Demo voters: (national ID, birth date). Not real people.
    public static let voters: [(String, String)] = (1...50).map(demoVoter)

    static func demoVoter(_ index: Int) -> (String, String) {
        let year: Int = 1960 + index % 40
        let month: Int = 1 + index % 12
        let day: Int = 1 + index % 28
        return (String(format: "DM%06d", index), String(format: "%04d-%02d-%02d", year, month, day))
    }

    public struct Result: Sendable {
        public let cycleID: Int
        public let created: Bool
        public let codes: [VotingCode]
    }

    static let proposals: [(title: String, description: String, category: String, cost: Int64, language: String)] = [
        ("Éclairage LED du boulevard Mohammed V", "Remplacer les 120 lampadaires par des LED pour éclairer mieux et consommer moins.", "lighting", 1_450_000, "fr"),
        ("إنارة حي السلام بالطاقة الشمسية", "تركيب أعمدة إنارة شمسية في أزقة حي السلام المظلمة.", "lighting", 620_000, "ar"),
        ("Terrain de proximité au quartier Al Massira", "Un terrain multisport clôturé en gazon synthétique pour les jeunes du quartier.", "sport", 1_800_000, "fr"),
        ("ملعب القرب بحي الأندلس", "ملعب متعدد الرياضات مع إنارة ليلية لشباب الحي.", "sport", 1_650_000, "ar"),
        ("Réfection des trottoirs de la rue Ibn Khaldoun", "Trottoirs élargis et accessibles aux fauteuils roulants entre le marché et l'école.", "roads", 980_000, "fr"),
        ("تبليط زقاق المدرسة الابتدائية", "تبليط الطريق المؤدي إلى المدرسة لتفادي الوحل في الشتاء.", "roads", 430_000, "ar"),
        ("Jardin public des Orangers", "Aménager un jardin avec bancs, ombrage et aire de jeux près de la gare routière.", "green", 1_200_000, "fr"),
        ("تشجير شارع الحسن الثاني", "غرس 300 شجرة برتقال مع نظام سقي بالتنقيط.", "green", 540_000, "ar"),
        ("Bibliothèque de quartier et salle d'étude", "Une salle d'étude ouverte le soir pour les collégiens et lycéens.", "culture", 900_000, "fr"),
        ("دار الشباب: تجهيز قاعة المسرح", "تجهيز قاعة المسرح بالصوت والإنارة للجمعيات المحلية.", "culture", 380_000, "ar"),
        ("Abribus sur la route d'Oujda", "Six abribus avec bancs et plan des lignes.", "mobility", 360_000, "fr"),
        ("ممرات آمنة للراجلين قرب المدارس", "علامات وممرات مرتفعة لتهدئة السير أمام ثلاث مدارس.", "mobility", 290_000, "ar"),
        ("Fontaines d'eau potable au souk", "Trois fontaines publiques d'eau potable au souk hebdomadaire.", "water", 210_000, "fr"),
        ("قنوات تصريف مياه الأمطار بحي النهضة", "تجديد قنوات التصريف لتفادي الفيضانات.", "water", 1_900_000, "ar"),
        ("Aire de jeux inclusive pour enfants", "Jeux adaptés aux enfants en situation de handicap.", "social", 700_000, "fr"),
        ("مركز استقبال لكبار السن", "تهيئة مقر نهاري لكبار السن مع أنشطة وتتبع صحي.", "social", 1_100_000, "ar"),
        ("Piste cyclable vers l'université", "Une piste cyclable protégée de 2,5 km.", "mobility", 1_350_000, "fr"),
        ("Salle de sport couverte au collège", "Rénover le gymnase du collège et l'ouvrir aux associations le week-end.", "education", 1_500_000, "fr"),
        ("حاويات الفرز الانتقائي للنفايات", "توزيع 80 حاوية للفرز مع حملة تحسيسية.", "other", 320_000, "ar"),
        ("Wifi public à la maison des jeunes", "Accès internet gratuit et postes informatiques.", "education", 150_000, "fr"),
    ]

    /// Creates the demo cycle unless it exists, and returns fresh printed codes each run (codes are
    /// stored only hashed, so old ones cannot be shown again).
    public static func seed(secrets: ServerSecrets, codeCount: Int = 5, on connection: PostgresConnection) throws -> Result {
        if let existing = try connection.query("SELECT id, phase FROM cycles WHERE title = \(cycleTitle)").first {
            let id = try existing.decode(Int.self, 0)
            let codes = (0..<codeCount).map { _ in VotingCode.random() }
            if try existing.decode(String.self, 1) == "voting" {
                try RegistryStore.issueCodes(codes, cycleID: id, secrets: secrets, actor: "demo", on: connection)
                return Result(cycleID: id, created: false, codes: codes)
            }
            return Result(cycleID: id, created: false, codes: [])
        }
        let cycle = try CycleStore.create(
            NewCycle(
                communeCode: GeoCode(parsing: berkane), year: 2026, title: cycleTitle, budget: .dirhams(6_000_000),
                ballot: .approval(minimum: 1, maximum: 5), rule: .mes, tieBreak: .lexicographic),
            actor: "demo", on: connection)
        _ = try CycleStore.advance(cycle.id, actor: "demo", on: connection)
        var ids: [Int] = []
        for proposal in proposals {
            ids.append(try ProposalStore.submit(
                NewProposal(
                    title: proposal.title, description: proposal.description, category: proposal.category, district: nil,
                    location: nil, estimatedCost: String(proposal.cost), language: proposal.language),
                cycleID: cycle.id, trackingTokenHash: nil, actor: "demo", on: connection).id)
        }
        _ = try CycleStore.advance(cycle.id, actor: "demo", on: connection)
        for (index, id) in ids.enumerated() {
            if index == 13 {
                _ = try ProposalStore.review(id, .reject(reason: "Relève du budget de l'ONEE, pas de la commune."), actor: "demo", on: connection)
            } else {
                let cost = Money.dirhams(proposals[index].cost)
                _ = try ProposalStore.review(id, .accept(cost: cost, answer: "Faisable ; coût vérifié par les services techniques."), actor: "demo", on: connection)
            }
        }
        var reader = try RegistryFileReader(header: Array("national_id,birth_date".utf8), currentYear: 2100)
        _ = try RegistryStore.importRecords(
            cycleID: cycle.id, secrets: secrets, skipInvalid: false, actor: "demo", source: "demo voters", on: connection
        ) { accept in
            for (line, voter) in voters.enumerated() {
                if case .success(let record) = reader.read(Array("\(voter.0),\(voter.1)".utf8)[...], line: line + 2) { try accept(record) }
            }
            return []
        }
        let codes = (0..<codeCount).map { _ in VotingCode.random() }
        try RegistryStore.issueCodes(codes, cycleID: cycle.id, secrets: secrets, actor: "demo", on: connection)
        _ = try CycleStore.advance(cycle.id, actor: "demo", on: connection)
        return Result(cycleID: cycle.id, created: true, codes: codes)
    }
}

/// Demo data for what comes after the vote: Oujda (HCP 02.411.01.23) with a published cycle —
/// twelve accepted projects, a registry, a few thousand generated ballots with skewed popularity,
/// tallied with the cycle's rule exactly as `mizan tally` does, then published.
extension DemoSeed {
    public static let oujda = "02.411.01.23"
    public static let publishedCycleTitle = "Budget participatif 2025 (démo, résultats publiés)"
    public static let publishedBallots = 3_200
    public static let publishedRegistered = 4_800

    public struct PublishedResult: Sendable {
        public let cycleID: Int
        public let created: Bool
        /// One receipt code of the generated ballots, to try "check my ballot" with.
        public let sampleReceipt: String?
    }

    /// (title, description, category, cost in dirhams, language, popularity weight).
    static let publishedProjects: [(title: String, description: String, category: String, cost: Int64, language: String, weight: Int)] = [
        ("Réhabilitation du parc Lalla Aïcha", "Allées, bancs, éclairage et jeux pour enfants dans le parc Lalla Aïcha.", "green", 1_600_000, "fr", 90),
        ("تهيئة ساحة باب سيدي عبد الوهاب", "تبليط الساحة وتجديد الإنارة ووضع مقاعد عمومية أمام باب سيدي عبد الوهاب.", "roads", 1_250_000, "ar", 70),
        ("Bus de ramassage scolaire pour les douars", "Deux minibus pour les élèves des quartiers périphériques.", "education", 980_000, "fr", 65),
        ("ملاعب القرب بحي لازاري", "ملعبان متعددا الرياضات مع إنارة ليلية لشباب حي لازاري.", "sport", 1_400_000, "ar", 55),
        ("Piste cyclable du boulevard Mohammed VI", "Trois kilomètres de piste protégée entre l'université et le centre.", "mobility", 1_150_000, "fr", 40),
        ("مكتبة وسائطية بحي الأندلس", "قاعة مطالعة وحواسيب مفتوحة مساء للتلاميذ والطلبة.", "culture", 850_000, "ar", 45),
        ("Toilettes publiques au marché Souk El Fellah", "Sanitaires accessibles et entretenus au marché couvert.", "water", 420_000, "fr", 35),
        ("إنارة عمومية بالطاقة الشمسية بحي سيدي يحيى", "تركيب 150 عمودا للإنارة الشمسية في الأزقة المظلمة.", "lighting", 760_000, "ar", 50),
        ("Centre d'accueil de jour pour personnes âgées", "Un lieu d'accueil avec activités et suivi médical léger.", "social", 1_300_000, "fr", 25),
        ("تشجير طريق الجامعة", "غرس 400 شجرة مع نظام سقي بالتنقيط على طريق الجامعة.", "green", 380_000, "ar", 30),
        ("Ralentisseurs et passages piétons devant les écoles", "Passages surélevés et signalisation devant cinq écoles primaires.", "mobility", 290_000, "fr", 60),
        ("حاويات الفرز الانتقائي بالأحياء الشعبية", "توزيع 120 حاوية للفرز مع حملة تحسيسية.", "other", 340_000, "ar", 15),
    ]

    /// Creates Oujda's published demo cycle unless it exists. Ballots, receipts and the registry
    /// are generated in SQL from fixed seeds, so every fresh database gets the same outcome.
    public static func seedPublished(on connection: PostgresConnection) throws -> PublishedResult {
        if let existing = try connection.query("SELECT id FROM cycles WHERE title = \(publishedCycleTitle)").first {
            let id = try existing.decode(Int.self, 0)
            return PublishedResult(cycleID: id, created: false, sampleReceipt: try sampleReceipt(cycleID: id, on: connection))
        }
        let actor = "demo"
        let created = try CycleStore.create(
            NewCycle(
                communeCode: GeoCode(parsing: oujda), year: 2025, title: publishedCycleTitle, budget: .dirhams(6_500_000),
                ballot: .approval(minimum: 1, maximum: 4), rule: .mes, tieBreak: .lexicographic),
            actor: actor, on: connection)
        let cycleID = created.id
        _ = try CycleStore.advance(cycleID, actor: actor, on: connection)
        var ids: [Int] = []
        for project in publishedProjects {
            ids.append(try ProposalStore.submit(
                NewProposal(
                    title: project.title, description: project.description, category: project.category, district: nil,
                    location: nil, estimatedCost: String(project.cost), language: project.language),
                cycleID: cycleID, trackingTokenHash: nil, actor: actor, on: connection).id)
        }
        _ = try CycleStore.advance(cycleID, actor: actor, on: connection)
        for (index, id) in ids.enumerated() {
            _ = try ProposalStore.review(
                id, .accept(cost: .dirhams(publishedProjects[index].cost), answer: "Faisable ; coût vérifié par les services techniques."),
                actor: actor, on: connection)
        }
        // Registry entries that stand for no one: only their number matters (turnout).
        try connection.query("""
            INSERT INTO registry_entries (commune_id, cycle_id, national_id_hmac, birth_date)
            SELECT \(created.communeID), \(cycleID), sha256(convert_to('mizan-demo-oujda-registry:' || i, 'UTF8')),
                   DATE '1950-01-01' + (i * 37) % 20000
            FROM generate_series(1, \(publishedRegistered)) i
            """)
        _ = try CycleStore.advance(cycleID, actor: actor, on: connection)
        try generateBallots(cycleID: cycleID, communeID: created.communeID, projectIDs: ids, on: connection)
        _ = try CycleStore.advance(cycleID, actor: actor, on: connection)

        // The tally, as `mizan tally --cycle ID` stores it, then `mizan publish --cycle ID`.
        let cycle = try TallyStore.lockCycle(cycleID, on: connection)
        var stored: [String] = []
        for scope in try TallyScope.all(for: cycle, on: connection) {
            let prepared = try TallyStore.prepare(cycle: cycle, scope: scope, on: connection)
            let result = TallyComputation.compute(cycle: cycle, projects: prepared.projects, groups: prepared.groups, budget: scope.budget)
            let id = try TallyStore.store(cycle: cycle, prepared: prepared, result: result, actor: actor, on: connection)
            stored.append(
                "tally=\(id) district=\(scope.district.map(String.init) ?? "-") rule=\(result.ruleKey) voters=\(result.voters) spent=\(result.spentCentimes) pb_sha256=\(prepared.sha256)")
        }
        try AuditLogStore.append(
            actor: actor, action: "tally.store", object: "cycle:\(cycleID)", details: stored.joined(separator: " "), on: connection)
        _ = try TallyStore.publish(cycleID: cycleID, actor: actor, on: connection)
        // Where the works stand: the first funded project well under way, the second out to tender.
        try connection.query("""
            INSERT INTO implementation_updates (commune_id, proposal_id, status, progress_percent, spent_centimes, note, recorded_by)
            SELECT \(created.communeID), f.proposal_id, s.status, s.percent, f.cost_centimes * s.percent / 100, s.note, \(actor)
            FROM (SELECT tp.proposal_id, tp.cost_centimes, row_number() OVER (ORDER BY tp.round) AS n
                  FROM tally_projects tp JOIN tallies t ON t.id = tp.tally_id
                  WHERE t.cycle_id = \(cycleID) AND t.published_at IS NOT NULL AND tp.funded) f
            JOIN (VALUES (1, 'in_progress', 60, 'Gros œuvre terminé.'), (2, 'tendering', 0, 'Appel d''offres publié.'))
                AS s (n, status, percent, note) ON s.n = f.n
            """)
        return PublishedResult(cycleID: cycleID, created: true, sampleReceipt: try sampleReceipt(cycleID: cycleID, on: connection))
    }

    static func sampleReceipt(cycleID: Int, on connection: PostgresConnection) throws -> String? {
        try connection.query("SELECT receipt_code FROM ballots WHERE cycle_id = \(cycleID) ORDER BY receipt_code LIMIT 1")
            .first?.decode(String.self, 0)
    }

    /// Voter i's ballot approves 1 to 4 projects drawn without replacement with probability
    /// proportional to each project's popularity weight (Efraimidis–Spirakis keys from md5 of
    /// fixed strings); receipts use the receipt alphabet; channels are mostly web.
    static func generateBallots(cycleID: Int, communeID: Int, projectIDs: [Int], on connection: PostgresConnection) throws {
        let count = publishedBallots
        try connection.query("""
            INSERT INTO participation (cycle_id, commune_id, voter_key, channel)
            SELECT \(cycleID), \(communeID), sha256(convert_to('mizan-demo-oujda-voter:' || i, 'UTF8')),
                   (ARRAY['web', 'web', 'web', 'web', 'web', 'web', 'paper', 'paper', 'code', 'code'])[
                       1 + get_byte(decode(md5('mizan-demo-oujda-channel:' || i), 'hex'), 0) % 10]
            FROM generate_series(1, \(count)) i
            """)
        try connection.query("""
            INSERT INTO ballots (commune_id, cycle_id, pseudonym, receipt_code, channel)
            SELECT \(communeID), \(cycleID), sha256(convert_to('mizan-demo-oujda-pseudonym:' || i, 'UTF8')),
                   (SELECT string_agg(substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', 1 + get_byte(h, k) % 32, 1)
                                      || CASE WHEN k IN (3, 7, 11) THEN '-' ELSE '' END, '' ORDER BY k)
                    FROM generate_series(0, 15) k),
                   (ARRAY['web', 'web', 'web', 'web', 'web', 'web', 'paper', 'paper', 'code', 'code'])[
                       1 + get_byte(decode(md5('mizan-demo-oujda-channel:' || i), 'hex'), 0) % 10]
            FROM generate_series(1, \(count)) i
            CROSS JOIN LATERAL (SELECT decode(md5('mizan-demo-oujda-receipt:' || i), 'hex') AS h) r
            """)
        try connection.query("""
            INSERT INTO ballot_choices (ballot_id, cycle_id, proposal_id, weight)
            SELECT b.id, \(cycleID), pick.proposal, 1
            FROM generate_series(1, \(count)) i
            JOIN ballots b ON b.cycle_id = \(cycleID) AND b.pseudonym = sha256(convert_to('mizan-demo-oujda-pseudonym:' || i, 'UTF8'))
            CROSS JOIN LATERAL (
                SELECT ranked.proposal FROM (
                    SELECT p.proposal, row_number() OVER (
                        ORDER BY -ln((('x' || substr(md5('mizan-demo-oujda-choice:' || i || ':' || p.n), 1, 7))::bit(28)::int + 0.5)::float8
                                     / 268435456.0) / p.popularity) AS position
                    FROM unnest(\(projectIDs)::int[], \(publishedProjects.map(\.weight))::int[]) WITH ORDINALITY AS p (proposal, popularity, n)
                ) ranked
                WHERE ranked.position <= 1 + get_byte(decode(md5('mizan-demo-oujda-size:' || i), 'hex'), 0) % 4
            ) pick
            """)
    }
}
