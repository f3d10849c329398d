/// The staff page that opens or closes kiosk mode on this browser.
struct KioskPage: PageModel {
    let template = "staff_kiosk"
    let intro: String
    let active: Bool
    let opened: Bool
    let csrf: String
    let action: String
    let homeHref: String

    init(active: Bool, opened: Bool, hours: Int, csrf: String, catalogs: Catalogs, language: Language) {
        intro = catalogs.text("staff_kiosk_intro", language, ["hours": "\(hours)"])
        self.active = active
        self.opened = opened
        self.csrf = csrf
        action = SiteURL.staffKiosk.href(language)
        homeHref = SiteURL.staffHome.href(language)
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { catalogs.text("staff_kiosk_title", language) }
}
