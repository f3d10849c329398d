import MizanCore

/// Numbers the Moroccan way in French text: 1.234.567.
func groupedNumber(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var groups: [Substring] = []
    var end = digits.endIndex
    while end > digits.startIndex {
        let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
        groups.insert(digits[start..<end], at: 0)
        end = start
    }
    return (value < 0 ? "-" : "") + groups.joined(separator: ".")
}

struct RegionItem {
    let code: String
    let nameFrench: String
    let nameArabic: String
    let population: String
    let communeCount: Int

    init(_ region: Region) {
        code = region.code
        nameFrench = region.name.french
        nameArabic = region.name.arabic
        population = groupedNumber(region.population)
        communeCount = region.communeCount
    }
}

struct CommuneItem {
    let code: String
    let nameFrench: String
    let nameArabic: String
    let population: String
    let kind: String

    init(_ commune: Commune) {
        code = commune.code
        nameFrench = commune.name.french
        nameArabic = commune.name.arabic
        population = groupedNumber(commune.population)
        kind = commune.kind == .urban ? "urbaine" : "rurale"
    }
}

struct ProvinceSection {
    let code: String
    let nameFrench: String
    let nameArabic: String
    let kind: String
    let population: String
    let communeCount: Int
    let communes: [CommuneItem]
    let hasCommunes: Bool

    init(province: Province, communes: [Commune]) {
        code = province.code
        nameFrench = province.name.french
        nameArabic = province.name.arabic
        kind = switch province.kind {
        case .province: "Province"
        case .prefecture: "Préfecture"
        case .prefectureOfArrondissements: "Préfecture d'arrondissements"
        }
        population = groupedNumber(province.population)
        communeCount = province.communeCount
        self.communes = communes.map(CommuneItem.init)
        hasCommunes = !communes.isEmpty
    }
}

struct DistrictItem {
    let nameFrench: String
    let nameArabic: String
    let population: String?

    init(_ district: District) {
        nameFrench = district.name.french
        nameArabic = district.name.arabic
        population = district.population.map(groupedNumber)
    }
}

struct HomePage: PageModel {
    let template = "home"
    let title = "Mizan — budget participatif des communes du Maroc"
    let language = PageLanguage.french
    let regions: [RegionItem]
    let regionCount: Int
    let communeTotal: String

    init(regions: [RegionItem]) {
        self.regions = regions
        regionCount = regions.count
        communeTotal = groupedNumber(regions.reduce(0) { $0 + $1.communeCount })
    }
}

struct RegionPage: PageModel {
    let template = "region"
    let language = PageLanguage.french
    let region: RegionItem
    let provinces: [ProvinceSection]
    var title: String { "\(region.nameFrench) — Mizan" }
}

struct ProvincePage: PageModel {
    let template = "province"
    let language = PageLanguage.french
    let region: RegionItem
    let province: ProvinceSection
    var title: String { "\(province.nameFrench) — Mizan" }
}

struct CommunePage: PageModel {
    let template = "commune"
    let language = PageLanguage.french
    let region: RegionItem
    let province: ProvinceSection
    let commune: CommuneItem
    let districts: [DistrictItem]
    let hasDistricts: Bool
    let title: String

    init(region: RegionItem, province: ProvinceSection, commune: CommuneItem, districts: [DistrictItem]) {
        self.region = region
        self.province = province
        self.commune = commune
        self.districts = districts
        hasDistricts = !districts.isEmpty
        title = "\(commune.nameFrench) — Mizan"
    }
}
