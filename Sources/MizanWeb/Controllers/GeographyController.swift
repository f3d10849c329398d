import Hummingbird
import MizanCore

/// Regions → provinces → communes, with names in French and Arabic.
struct GeographyController {
    let repository: any GeographyRepository
    let pages: PageRenderer

    func addRoutes(to router: Router<WebContext>) {
        router.get("/") { _, _ in try await home() }
        router.get("regions/:code") { _, context in try await region(context.parameters.require("code")) }
        router.get("provinces/:code") { _, context in try await province(context.parameters.require("code")) }
        router.get("communes/:code") { _, context in try await commune(context.parameters.require("code")) }
    }

    func home() async throws -> Response {
        let regions = try await repository.regions()
        return try pages.render(HomePage(regions: regions.map(RegionItem.init)))
    }

    func region(_ text: String) async throws -> Response {
        let code = try GeoCode(parsing: text)
        guard let region = try await repository.region(code: code) else { throw GeographyError.notFound(text) }
        var provinces: [ProvinceSection] = []
        for province in try await repository.provinces(inRegion: code) {
            let communes = try await repository.communes(inProvince: GeoCode(parsing: province.code))
            provinces.append(ProvinceSection(province: province, communes: communes))
        }
        return try pages.render(RegionPage(region: RegionItem(region), provinces: provinces))
    }

    func province(_ text: String) async throws -> Response {
        let code = try GeoCode(parsing: text)
        guard let province = try await repository.province(code: code),
            let region = try await repository.region(code: GeoCode(parsing: province.regionCode))
        else { throw GeographyError.notFound(text) }
        let communes = try await repository.communes(inProvince: code)
        return try pages.render(ProvincePage(region: RegionItem(region), province: ProvinceSection(province: province, communes: communes)))
    }

    func commune(_ text: String) async throws -> Response {
        let code = try GeoCode(parsing: text)
        guard let commune = try await repository.commune(code: code),
            let province = try await repository.province(code: GeoCode(parsing: commune.provinceCode)),
            let region = try await repository.region(code: GeoCode(parsing: province.regionCode))
        else { throw GeographyError.notFound(text) }
        let districts = try await repository.districts(ofCommune: code)
        return try pages.render(
            CommunePage(
                region: RegionItem(region), province: ProvinceSection(province: province, communes: []),
                commune: CommuneItem(commune), districts: districts.map(DistrictItem.init)))
    }
}
