import Foundation
import MizanCore
import MizanPostgres

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

    /// Creates a cycle, takes it through its proposals phase with `proposals` submitted, and leaves
    /// it in review: the start both demo cycles share.
    static func openForReview(
        _ cycle: NewCycle, proposals: [(title: String, description: String, category: String, cost: Int64, language: String)],
        actor: String, in stores: any Stores
    ) throws -> (Cycle, [ProposalID]) {
        let created = try CreateCycle.perform(cycle, actor: actor, in: stores)
        let cycleID = CycleID(created.id)
        _ = try AdvanceCycle.perform(cycleID, actor: actor, in: stores)
        let ids = try proposals.map { proposal in
            ProposalID(try SubmitProposal.perform(
                NewProposal(
                    title: proposal.title, description: proposal.description, category: proposal.category, district: nil,
                    location: nil, estimatedCost: String(proposal.cost), language: proposal.language),
                cycle: cycleID, trackingTokenHash: nil, actor: actor, in: stores).id)
        }
        _ = try AdvanceCycle.perform(cycleID, actor: actor, in: stores)
        return (created, ids)
    }

    /// Creates the demo cycle unless it exists, and returns fresh printed codes each run (codes are
    /// stored only hashed, so old ones cannot be shown again). One transaction: a failure leaves nothing.
    public static func seed(secrets: ServerSecrets, codeCount: Int = 5, storage: PostgresStorage) async throws -> Result {
        try await storage.demoTransaction { stores, _ in try seed(secrets: secrets, codeCount: codeCount, in: stores) }
    }

    static func seed(secrets: ServerSecrets, codeCount: Int, in stores: any Stores) throws -> Result {
        let actor = "demo"
        let commune = try GeoCode(parsing: berkane)
        if let existing = try stores.cycles.list(communeCode: commune).first(where: { $0.title == cycleTitle }) {
            guard existing.phase == .voting else { return Result(cycleID: existing.id, created: false, codes: []) }
            let issued = try IssueVotingCodes.perform(
                cycle: CycleID(existing.id), count: codeCount, secrets: secrets, actor: actor, in: stores)
            return Result(cycleID: existing.id, created: false, codes: issued.codes)
        }
        let (cycle, ids) = try openForReview(
            NewCycle(
                communeCode: commune, year: 2026, title: cycleTitle, budget: .dirhams(6_000_000),
                ballot: .approval(minimum: 1, maximum: 5), rule: .mes, tieBreak: .lexicographic),
            proposals: proposals.map { ($0.title, $0.description, $0.category, $0.cost, $0.language) }, actor: actor, in: stores)
        let cycleID = CycleID(cycle.id)
        for (index, id) in ids.enumerated() {
            if index == 13 {
                _ = try ReviewProposal.perform(id, .reject(reason: "Relève du budget de l'ONEE, pas de la commune."), actor: actor, in: stores)
            } else {
                let cost = Money.dirhams(proposals[index].cost)
                _ = try ReviewProposal.perform(
                    id, .accept(cost: cost, answer: "Faisable ; coût vérifié par les services techniques."), actor: actor, in: stores)
            }
        }
        var reader = try RegistryFileReader(header: Array("national_id,birth_date".utf8), currentYear: 2100)
        _ = try ImportRegistry.perform(
            cycle: cycleID, secrets: secrets, skipInvalid: false, source: "demo voters", actor: actor, in: stores
        ) { accept in
            for (line, voter) in voters.enumerated() {
                if case .success(let record) = reader.read(Array("\(voter.0),\(voter.1)".utf8)[...], line: line + 2) { try accept(record) }
            }
            return []
        }
        let issued = try IssueVotingCodes.perform(cycle: cycleID, count: codeCount, secrets: secrets, actor: actor, in: stores)
        _ = try AdvanceCycle.perform(cycleID, actor: actor, in: stores)
        return Result(cycleID: cycle.id, created: true, codes: issued.codes)
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
    /// The published demo's calendar in 2025, Morocco's time: three weeks of voting in May.
    public static let publishedCalendar: [(phase: String, startsAt: String)] = [
        ("draft", "2025-01-20 10:00"), ("proposals", "2025-02-03 09:00"), ("review", "2025-03-17 09:00"),
        ("voting", "2025-05-05 08:00"), ("tallied", "2025-05-26 09:00"), ("published", "2025-06-02 10:00"),
    ]
    public static let publishedVotingDays = 21

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
    /// are generated in SQL from fixed seeds, so every fresh database gets the same outcome. One
    /// transaction: a failure leaves nothing.
    public static func seedPublished(storage: PostgresStorage) async throws -> PublishedResult {
        try await storage.demoTransaction { stores, generated in try seedPublished(in: stores, generated: generated) }
    }

    static func seedPublished(in stores: any Stores, generated: DemoDataStore) throws -> PublishedResult {
        let commune = try GeoCode(parsing: oujda)
        if let existing = try stores.cycles.list(communeCode: commune).first(where: { $0.title == publishedCycleTitle }) {
            return PublishedResult(cycleID: existing.id, created: false, sampleReceipt: try generated.sampleReceipt(CycleID(existing.id)))
        }
        let actor = "demo"
        let (created, ids) = try openForReview(
            NewCycle(
                communeCode: commune, year: 2025, title: publishedCycleTitle, budget: .dirhams(6_500_000),
                ballot: .approval(minimum: 1, maximum: 4), rule: .mes, tieBreak: .lexicographic),
            proposals: publishedProjects.map { ($0.title, $0.description, $0.category, $0.cost, $0.language) }, actor: actor, in: stores)
        let cycleID = CycleID(created.id)
        for (index, id) in ids.enumerated() {
            _ = try ReviewProposal.perform(
                id, .accept(cost: .dirhams(publishedProjects[index].cost), answer: "Faisable ; coût vérifié par les services techniques."),
                actor: actor, in: stores)
        }
        try generated.addPlaceholderVoters(publishedRegistered, to: created)
        _ = try AdvanceCycle.perform(cycleID, actor: actor, in: stores)
        try generated.generateApprovalBallots(
            publishedBallots, cycle: created, projects: ids, weights: publishedProjects.map(\.weight),
            firstDay: "2025-05-05", days: publishedVotingDays)
        _ = try AdvanceCycle.perform(cycleID, actor: actor, in: stores)
        try generated.tallyAndPublish(cycleID, actor: actor)
        try generated.datePhases(cycleID, publishedCalendar)
        // Where the works stand: the first funded project well under way, the second out to tender.
        let progress: [(ImplementationStatus, Int, String)] = [(.inProgress, 60, "Gros œuvre terminé."), (.tendering, 0, "Appel d'offres publié.")]
        for (funded, (status, percent, note)) in zip(try stores.implementation.fundedProjects(cycle: cycleID), progress) {
            let spent = Money(centimes: funded.cost.centimes * Int64(percent) / 100)
            try RecordImplementationUpdate.perform(
                ImplementationUpdate(status: status, progress: percent, spent: spent, note: note), project: funded.project, actor: actor,
                in: stores)
        }
        return PublishedResult(cycleID: created.id, created: true, sampleReceipt: try generated.sampleReceipt(cycleID))
    }
}
