import Foundation
import Hummingbird
import MizanCore

/// Regional and provincial overviews: every commune's cycles side by side, sortable without
/// JavaScript (`?sort=<column>&order=asc|desc`), and the same tables as CSV.
struct OverviewController {
    let repository: any GeographyRepository
    let storage: any Storage
    let pages: PageRenderer
    var catalogs: Catalogs { pages.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.regionOverview) { request, context in
            try await page(request, area: .region(context.parameters.require("code")), language)
        }
        group.get(.regionOverviewCSV) { request, context in
            try await csv(request, area: .region(context.parameters.require("code")), language)
        }
        group.get(.provinceOverview) { request, context in
            try await page(request, area: .province(context.parameters.require("code")), language)
        }
        group.get(.provinceOverviewCSV) { request, context in
            try await csv(request, area: .province(context.parameters.require("code")), language)
        }
    }

    /// The area's names and path, after checking it exists.
    struct Resolved {
        let area: RegionalOverview.Area
        let code: String
        let kind: String
        let name: BilingualName
        /// The area's own page, its overview and the overview's download.
        let page: SiteURL
        let overview: SiteURL
        let csv: SiteURL
        let region: (code: String, name: BilingualName)?
    }

    func resolve(_ area: RegionalOverview.Area, _ language: Language) async throws -> Resolved {
        switch area {
        case .region(let text):
            let code = try GeoCode(parsing: text)
            guard let region = try await repository.region(code: code) else { throw GeographyError.notFound(text) }
            return Resolved(
                area: .region(code.value), code: code.value, kind: catalogs.text("overview_kind_region", language), name: region.name,
                page: .region(code: code.value), overview: .regionOverview(code: code.value), csv: .regionOverviewCSV(code: code.value),
                region: nil)
        case .province(let text):
            let code = try GeoCode(parsing: text)
            guard let province = try await repository.province(code: code),
                let region = try await repository.region(code: GeoCode(parsing: province.regionCode))
            else { throw GeographyError.notFound(text) }
            return Resolved(
                area: .province(code.value), code: code.value, kind: catalogs.text("province_kind_\(province.kind.rawValue)", language),
                name: province.name, page: .province(code: code.value), overview: .provinceOverview(code: code.value),
                csv: .provinceOverviewCSV(code: code.value), region: (region.code, region.name))
        }
    }

    /// Both tables' lines in the requested orders; an unknown column or order falls back to the
    /// default (commune name ascending; the category table in the store's order) rather than failing.
    func sortedLines(_ request: Request, _ area: RegionalOverview.Area, _ language: Language) async throws
        -> (lines: [OverviewFigures], categories: [OverviewCategoryLine], sort: OverviewSort)
    {
        let parameters = request.uri.queryParameters
        var sort = OverviewSort()
        sort.column = parameters["sort"].flatMap { OverviewColumn(rawValue: String($0)) } ?? .commune
        sort.ascending = parameters["order"].map { $0 != "desc" } ?? true
        sort.categoryColumn = parameters["csort"].flatMap { OverviewCategoryColumn(rawValue: String($0)) }
        sort.categoryAscending = parameters["corder"].map { $0 != "desc" } ?? true
        let loaded = try await storage.transaction { stores in try stores.regionalOverview.lines(in: area) }
        let figures = loaded.enumerated().map { OverviewFigures(line: $1, index: $0) }
        var categories = OverviewCategoryLine.all(figures)
        if let column = sort.categoryColumn {
            categories = column.sorted(categories, ascending: sort.categoryAscending, catalogs, language)
        }
        return (sort.column.sorted(figures, ascending: sort.ascending, language), categories, sort)
    }

    func page(_ request: Request, area: RegionalOverview.Area, _ language: Language) async throws -> Response {
        let resolved = try await resolve(area, language)
        let (lines, categories, sort) = try await sortedLines(request, resolved.area, language)
        return try pages.render(
            OverviewPage(
                kind: resolved.kind, name: resolved.name, area: resolved.page, overview: resolved.overview, csv: resolved.csv,
                region: resolved.region, lines: lines, categoryLines: categories, sort: sort, catalogs: catalogs, language: language),
            language: language, url: resolved.overview)
    }

    /// `?table=categories` for funded projects by category, the main table otherwise.
    func csv(_ request: Request, area: RegionalOverview.Area, _ language: Language) async throws -> Response {
        let resolved = try await resolve(area, language)
        let (lines, categoryLines, _) = try await sortedLines(request, resolved.area, language)
        let categories = request.uri.queryParameters["table"] == "categories"
        let text = categories ? OverviewCSV.categories(categoryLines) : OverviewCSV.cycles(lines)
        let name = "overview-\(resolved.code)\(categories ? "-categories" : "").csv"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
