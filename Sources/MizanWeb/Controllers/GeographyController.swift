import Foundation
import Hummingbird
import MizanCore

/// Regions → provinces → communes, and a search by name in French or Arabic.
struct GeographyController {
    let repository: any GeographyRepository
    let storage: any Storage
    let pages: PageRenderer
    var catalogs: Catalogs { pages.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.home) { _, _ in try await home(language) }
        group.get(.search) { request, _ in try await search(request.uri.queryParameters["q"].map(String.init) ?? "", language) }
        group.get(.region) { _, context in try await region(context.parameters.require("code"), language) }
        group.get(.province) { _, context in try await province(context.parameters.require("code"), language) }
        group.get(.commune) { _, context in try await commune(context.parameters.require("code"), language) }
    }

    func home(_ language: Language) async throws -> Response {
        let regions = try await repository.regions()
        let intro = catalogs.text("home_intro", language, [
            "regions": "\(regions.count)", "communes": groupedNumber(regions.reduce(0) { $0 + $1.communeCount }),
        ])
        return try pages.render(
            HomePage(regions: regions.map { RegionItem($0, catalogs, language) }, intro: intro, query: "", language: language),
            language: language, url: .home)
    }

    func search(_ query: String, _ language: Language) async throws -> Response {
        let text = String(query.prefix(100)).trimmingCharacters(in: .whitespaces)
        let found = text.isEmpty ? [] : try await repository.searchCommunes(text, limit: 100)
        let summary = catalogs.text("search_results", language, ["count": "\(found.count)", "query": text])
        return try pages.render(
            SearchPage(query: text, summary: summary, communes: found.map { CommuneItem($0, catalogs, language) }, language: language),
            language: language, url: .search)
    }

    func region(_ text: String, _ language: Language) async throws -> Response {
        let code = try GeoCode(parsing: text)
        guard let region = try await repository.region(code: code) else { throw GeographyError.notFound(text) }
        var provinces: [ProvinceSection] = []
        for province in try await repository.provinces(inRegion: code) {
            let communes = try await repository.communes(inProvince: GeoCode(parsing: province.code))
            provinces.append(ProvinceSection(province: province, communes: communes, catalogs, language))
        }
        return try pages.render(
            RegionPage(region: RegionItem(region, catalogs, language), provinces: provinces, language: language),
            language: language, url: .region(code: text))
    }

    func province(_ text: String, _ language: Language) async throws -> Response {
        let code = try GeoCode(parsing: text)
        guard let province = try await repository.province(code: code),
            let region = try await repository.region(code: GeoCode(parsing: province.regionCode))
        else { throw GeographyError.notFound(text) }
        let communes = try await repository.communes(inProvince: code)
        return try pages.render(
            ProvincePage(
                region: RegionItem(region, catalogs, language),
                province: ProvinceSection(province: province, communes: communes, catalogs, language), language: language),
            language: language, url: .province(code: text))
    }

    func commune(_ text: String, _ language: Language) async throws -> Response {
        let code = try GeoCode(parsing: text)
        guard let commune = try await repository.commune(code: code),
            let province = try await repository.province(code: GeoCode(parsing: commune.provinceCode)),
            let region = try await repository.region(code: GeoCode(parsing: province.regionCode))
        else { throw GeographyError.notFound(text) }
        let districts = try await repository.districts(ofCommune: code)
        let cycles = try await storage.transaction { try $0.cycles.list(communeCode: code) }
        return try pages.render(
            CommunePage(
                region: RegionItem(region, catalogs, language),
                province: ProvinceSection(province: province, communes: [], catalogs, language),
                commune: CommuneItem(commune, catalogs, language),
                districts: districts.map { DistrictItem($0, catalogs, language) },
                cycles: cycles.map { CycleSummary($0, catalogs, language) }, language: language),
            language: language, url: .commune(code: text))
    }
}
