import Foundation
import MizanCore

/// The staff login form, refilled with the username after a failure.
struct StaffLoginPage: PageModel {
    let template = "staff_login"
    let username: String
    /// Lists of zero or one item: templates see an absent optional as a value, not as nothing.
    let next: [String]
    let message: [String]
    let csrf: String
    let actionHref: String

    init(username: String, next: String?, message: String?, csrf: String, language: Language) {
        self.username = username
        actionHref = SiteURL.staffLogin.href(language)
        self.next = next.map { [$0] } ?? []
        self.message = message.map { [$0] } ?? []
        self.csrf = csrf
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { catalogs.text("staff_login_title", language) }
}

struct StaffCycleItem {
    let commune: String
    let year: Int
    let title: String
    let phase: String
    let cycleHref: String
    let participationHref: String
    let analysisHref: String
    let reviewHref: String
    let paperHref: String
    let staffCycleHref: String
    /// The cycle's uploads and downloads the member's role may use.
    let uploads: StaffUploadLinks
}

/// The staff home: who is signed in, and every commune's cycles.
struct StaffHomePage: PageModel {
    let template = "staff_home"
    let signedInAs: String
    let csrf: String
    let logoutHref: String
    let kioskHref: String
    /// For admins: the form that creates a cycle.
    let newCycleHref: [String]
    let cycles: [StaffCycleItem]
    let hasCycles: Bool

    init(member: StaffMember, cycles: [Cycle], csrf: String, catalogs: Catalogs, language: Language) {
        signedInAs = catalogs.text(
            "staff_signed_in_as", language,
            ["name": member.displayName, "role": catalogs.text("staff_role_\(member.role.rawValue)", language)])
        self.csrf = csrf
        logoutHref = SiteURL.staffLogout.href(language)
        kioskHref = SiteURL.staffKiosk.href(language)
        newCycleHref = member.role == .admin ? [SiteURL.staffCycleNew.href(language)] : []
        self.cycles = cycles.map {
            let id = CycleID($0.id)
            return StaffCycleItem(
                commune: PlaceName($0.communeName, language).primary, year: $0.year, title: $0.title,
                phase: catalogs.text("phase_\($0.phase.rawValue)", language), cycleHref: SiteURL.cycle(id).href(language),
                participationHref: SiteURL.staffParticipation(id).href(language), analysisHref: SiteURL.staffAnalysis(id).href(language),
                reviewHref: SiteURL.staffReview(id).href(language), paperHref: SiteURL.staffPaper(id).href(language),
                staffCycleHref: SiteURL.staffCycle(id).href(language),
                uploads: StaffUploadLinks(cycle: id, role: member.role, catalogs: catalogs, language: language))
        }
        hasCycles = !cycles.isEmpty
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { catalogs.text("staff_home_title", language) }
}

/// A refusal inside the staff area, from the keys `staff_<kind>_title` and `staff_<kind>`.
struct StaffNoticePage: PageModel {
    let template = "staff_notice"
    let heading: String
    let message: String
    let homeHref: String

    init(kind: String, catalogs: Catalogs, language: Language) {
        homeHref = StaffController.homeHref(language)
        heading = catalogs.text("staff_\(kind)_title", language)
        message = catalogs.text("staff_\(kind)", language)
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { heading }
}
