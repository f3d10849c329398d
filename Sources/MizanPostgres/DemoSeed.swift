import Foundation
import MizanCore

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
