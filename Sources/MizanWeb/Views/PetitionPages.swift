import Foundation
import MizanCore

/// A petition as its register line and its page show it: text, state, counts (never a signer,
/// the split by channel under the small-cell rule) and the three-month clock in words.
struct PetitionSummary {
    let id: Int
    let href: String
    let title: String
    let kind: String
    let association: String?
    let state: String
    let stateKey: String
    let signatures: String
    let needed: String
    /// "42 of 200 signatures".
    let progress: String
    let online: String
    let paper: String
    let clock: String
    let late: Bool
    let rejectionReasons: String?
    let session: String?
    let answer: String?

    init(_ record: PetitionRecord, _ catalogs: Catalogs, _ language: Language) {
        let petition = record.petition
        id = petition.id
        href = PetitionRoute.petition.href(language, String(petition.id))
        title = petition.title
        kind = catalogs.text("petition_kind_\(petition.kind.rawValue)", language)
        association = petition.association.map { "\($0.name) — \($0.registration) — \($0.seat)" }
        state = catalogs.text("petition_state_\(petition.state.rawValue)", language)
        stateKey = petition.state.rawValue
        signatures = catalogs.number(record.signatures)
        needed = catalogs.number(record.needed)
        progress = catalogs.text("petition_progress", language, ["count": signatures, "needed": needed])
        func shown(_ count: ProtectedCount) -> String {
            switch count {
            case .exact(let value): catalogs.number(value)
            case .fewerThanThreshold: catalogs.text("petition_fewer", language)
            case .masked: catalogs.text("petition_masked", language)
            }
        }
        online = shown(record.byChannel.cells[0].count)
        paper = shown(record.byChannel.cells[1].count)
        late = record.late
        let day = { (date: Date) in catalogs.date(date, language) }
        switch (record.clockStatus, record.deadline, petition.filedAt) {
        case (.running(let days)?, let deadline?, let filed?):
            clock = catalogs.text("petition_clock_running", language, ["filed": day(filed), "deadline": day(deadline), "days": String(days)])
        case (.answeredInTime?, let deadline?, _):
            clock = catalogs.text("petition_clock_in_time", language, ["deadline": day(deadline)])
        case (.answeredLate?, let deadline?, _):
            clock = catalogs.text("petition_clock_answered_late", language, ["deadline": day(deadline)])
        case (.overdue?, let deadline?, _):
            clock = catalogs.text("petition_clock_overdue", language, ["deadline": day(deadline)])
        default:
            clock = catalogs.text("petition_clock_not_filed", language)
        }
        rejectionReasons = petition.rejectionReasons
        session = petition.sessionName.map { "\($0) — \(petition.sessionDate ?? "")" }
        answer = petition.answer
    }
}

/// The identification part of a form that signs or supports: where it goes, its CSRF field, what
/// was typed (kept when the form comes back) and why it came back.
struct IdentificationForm {
    let action: String
    let csrf: String
    let nationalID: String
    let birthDate: String
    let failure: String?
}

/// A commune's public register of petitions.
struct PetitionRegisterPage: PageModel {
    let template = "petitions"
    let communeName: String
    let communeHref: String
    let draftHref: String
    let threshold: String
    let petitions: [PetitionSummary]
    let hasPetitions: Bool

    init(commune: PetitionCommune, records: [PetitionRecord], catalogs: Catalogs, language: Language) {
        communeName = PlaceName(commune.name, language).primary
        communeHref = SiteURL.commune(code: commune.code).href(language)
        draftHref = PetitionRoute.draft.href(language, commune.code)
        threshold = catalogs.text(
            "petition_threshold_note", language,
            ["count": catalogs.number(PetitionThreshold.minimum(kind: .citizens, commune: commune))])
        petitions = records.map { PetitionSummary($0, catalogs, language) }
        hasPetitions = !records.isEmpty
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String {
        "\(catalogs.text("petition_register_heading", language)) — \(communeName)"
    }
}

/// One petition, with its signing form while it collects signatures.
struct PetitionPage: PageModel {
    let template = "petition"
    let petition: PetitionSummary
    let communeName: String
    let registerHref: String
    let demands: String
    let reasons: String
    let collecting: Bool
    let signed: Bool
    let drafted: Bool
    let form: IdentificationForm

    init(
        record: PetitionRecord, notice: String?, failure: String?, nationalID: String, birthDate: String, csrf: String, catalogs: Catalogs,
        language: Language
    ) {
        petition = PetitionSummary(record, catalogs, language)
        communeName = PlaceName(record.communeName, language).primary
        registerHref = PetitionRoute.register.href(language, record.petition.communeCode)
        demands = record.petition.demands
        reasons = record.petition.reasons
        collecting = record.petition.state == .collecting
        signed = notice == "signed"
        drafted = notice == "drafted"
        form = IdentificationForm(
            action: PetitionRoute.sign.href(language, String(record.petition.id)), csrf: csrf, nationalID: nationalID, birthDate: birthDate,
            failure: failure)
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { petition.title }
}

/// The form an agent drafts a petition with.
struct PetitionDraftPage: PageModel {
    let template = "petition_new"
    let communeName: String
    let registerHref: String
    let action: String
    let csrf: String
    let values: PetitionController.Draft
    let citizens: Bool
    let association: Bool
    let errors: [String: String]
    let hasErrors: Bool
    let formError: String?

    init(
        commune: PetitionCommune, values: PetitionController.Draft, errors: [String: String], formError: String?, csrf: String,
        catalogs: Catalogs, language: Language
    ) {
        communeName = PlaceName(commune.name, language).primary
        registerHref = PetitionRoute.register.href(language, commune.code)
        action = PetitionRoute.draft.href(language, commune.code)
        self.csrf = csrf
        self.values = values
        association = values.kind == "association"
        citizens = !association
        self.errors = errors
        hasErrors = !errors.isEmpty || formError != nil
        self.formError = formError
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String {
        "\(catalogs.text("petition_draft_heading", language)) — \(communeName)"
    }
}
