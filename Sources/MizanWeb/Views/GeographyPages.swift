import MizanCore

/// Numbers grouped by dots, as Moroccan French and Arabic texts print them: 1.234.567.
func groupedNumber(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var grouped = ""
    for (offset, character) in digits.enumerated() {
        if offset > 0, (digits.count - offset) % 3 == 0 { grouped += "." }
        grouped.append(character)
    }
    return (value < 0 ? "-" : "") + grouped
}

/// A place name in the page's language first, the other official name beside it.
struct PlaceName {
    let primary: String
    let secondary: String
    let secondaryLang: String

    init(_ name: BilingualName, _ language: Language) {
        if language == .ar {
            primary = name.arabic
            secondary = name.french
            secondaryLang = "fr"
        } else {
            primary = name.french
            secondary = name.arabic
            secondaryLang = "ar"
        }
    }
}

struct RegionItem {
    let code: String
    let href: String
    let overviewHref: String
    let name: PlaceName
    let population: String
    let communes: String

    init(_ region: Region, _ catalogs: Catalogs, _ language: Language) {
        code = region.code
        href = SiteURL.region(code: region.code).href(language)
        overviewHref = SiteURL.regionOverview(code: region.code).href(language)
        name = PlaceName(region.name, language)
        population = catalogs.text("inhabitants", language, ["count": groupedNumber(region.population)])
        communes = catalogs.text("communes_count", language, ["count": groupedNumber(region.communeCount)])
    }
}

struct CommuneItem {
    let code: String
    let href: String
    let name: PlaceName
    let population: String
    let kind: String

    init(_ commune: Commune, _ catalogs: Catalogs, _ language: Language) {
        code = commune.code
        href = SiteURL.commune(code: commune.code).href(language)
        name = PlaceName(commune.name, language)
        population = catalogs.text("inhabitants", language, ["count": groupedNumber(commune.population)])
        kind = catalogs.text(commune.kind == .urban ? "commune_urban" : "commune_rural", language)
    }
}

struct ProvinceSection {
    let code: String
    let href: String
    let overviewHref: String
    let name: PlaceName
    let kind: String
    let population: String
    let communeCount: String
    let communes: [CommuneItem]
    let hasCommunes: Bool

    init(province: Province, communes: [Commune], _ catalogs: Catalogs, _ language: Language) {
        code = province.code
        href = SiteURL.province(code: province.code).href(language)
        overviewHref = SiteURL.provinceOverview(code: province.code).href(language)
        name = PlaceName(province.name, language)
        kind = catalogs.text("province_kind_\(province.kind.rawValue)", language)
        population = catalogs.text("inhabitants", language, ["count": groupedNumber(province.population)])
        communeCount = catalogs.text("communes_count", language, ["count": groupedNumber(province.communeCount)])
        self.communes = communes.map { CommuneItem($0, catalogs, language) }
        hasCommunes = !communes.isEmpty
    }
}

struct DistrictItem {
    let name: PlaceName
    let population: String?

    init(_ district: District, _ catalogs: Catalogs, _ language: Language) {
        name = PlaceName(district.name, language)
        population = district.population.map { catalogs.text("inhabitants", language, ["count": groupedNumber($0)]) }
    }
}

struct HomePage: PageModel {
    let template = "home"
    let regions: [RegionItem]
    let intro: String
    let query: String
    let searchAction: String

    init(regions: [RegionItem], intro: String, query: String, language: Language) {
        self.regions = regions
        self.intro = intro
        self.query = query
        searchAction = SiteURL.search.href(language)
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String {
        "\(catalogs.text("site_name", language)) — \(catalogs.text("tagline", language))"
    }
}

struct SearchPage: PageModel {
    let template = "search"
    let query: String
    let summary: String
    let communes: [CommuneItem]
    let homeHref: String
    let searchAction: String

    init(query: String, summary: String, communes: [CommuneItem], language: Language) {
        self.query = query
        self.summary = summary
        self.communes = communes
        homeHref = SiteURL.home.href(language)
        searchAction = SiteURL.search.href(language)
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(summary) — \(catalogs.text("site_name", language))" }
}

struct RegionPage: PageModel {
    let template = "region"
    let region: RegionItem
    let provinces: [ProvinceSection]
    let homeHref: String

    init(region: RegionItem, provinces: [ProvinceSection], language: Language) {
        self.region = region
        self.provinces = provinces
        homeHref = SiteURL.home.href(language)
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(region.name.primary) — \(catalogs.text("site_name", language))" }
}

struct ProvincePage: PageModel {
    let template = "province"
    let region: RegionItem
    let province: ProvinceSection
    let homeHref: String

    init(region: RegionItem, province: ProvinceSection, language: Language) {
        self.region = region
        self.province = province
        homeHref = SiteURL.home.href(language)
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(province.name.primary) — \(catalogs.text("site_name", language))" }
}

struct CommunePage: PageModel {
    let template = "commune"
    let region: RegionItem
    let province: ProvinceSection
    let commune: CommuneItem
    let districts: [DistrictItem]
    let hasDistricts: Bool
    let cycles: [CycleSummary]
    let hasCycles: Bool
    let homeHref: String
    let petitionsHref: String

    init(
        region: RegionItem, province: ProvinceSection, commune: CommuneItem, districts: [DistrictItem], cycles: [CycleSummary],
        language: Language
    ) {
        self.region = region
        self.province = province
        self.commune = commune
        self.districts = districts
        hasDistricts = !districts.isEmpty
        self.cycles = cycles
        hasCycles = !cycles.isEmpty
        homeHref = SiteURL.home.href(language)
        petitionsHref = PetitionRoute.register.href(language, commune.code)
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(commune.name.primary) — \(catalogs.text("site_name", language))" }
}

/// A cycle in a list: title, budget, phase.
struct CycleSummary {
    let id: Int
    let href: String
    let title: String
    let year: Int
    let budget: String
    let phase: String

    init(_ cycle: Cycle, _ catalogs: Catalogs, _ language: Language) {
        id = cycle.id
        href = SiteURL.cycle(CycleID(cycle.id)).href(language)
        title = cycle.title
        year = cycle.year
        budget = catalogs.money(cycle.budget, language)
        phase = catalogs.text("phase_\(cycle.phase.rawValue)", language)
    }
}
