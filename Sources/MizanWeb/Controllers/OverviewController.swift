import Foundation
import Hummingbird
import MizanCore
import MizanPostgres
import PostgresDriver

/// Regional and provincial overviews: every commune's cycles side by side, sortable without
/// JavaScript (`?sort=<column>&order=asc|desc`), and the same tables as CSV.
struct OverviewController {
    let repository: any GeographyRepository
    let pool: ConnectionPool
    let pages: PageRenderer
    var catalogs: Catalogs { pages.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get("regions/:code/overview") { request, context in
            try await page(request, area: .region(context.parameters.require("code")), language)
        }
        group.get("regions/:code/overview.csv") { request, context in
            try await csv(request, area: .region(context.parameters.require("code")), language)
        }
        group.get("provinces/:code/overview") { request, context in
            try await page(request, area: .province(context.parameters.require("code")), language)
        }
        group.get("provinces/:code/overview.csv") { request, context in
            try await csv(request, area: .province(context.parameters.require("code")), language)
        }
    }

    /// The area's names and path, after checking it exists.
    struct Resolved {
        let area: RegionalOverviewStore.Area
        let code: String
        let kind: String
        let name: BilingualName
        let path: String
        let region: (code: String, name: BilingualName)?
    }

    func resolve(_ area: RegionalOverviewStore.Area, _ language: Language) async throws -> Resolved {
        switch area {
        case .region(let text):
            let code = try GeoCode(parsing: text)
            guard let region = try await repository.region(code: code) else { throw GeographyError.notFound(text) }
            return Resolved(
                area: .region(code.value), code: code.value, kind: catalogs.text("overview_kind_region", language), name: region.name,
                path: "/regions/\(code.value)", region: nil)
        case .province(let text):
            let code = try GeoCode(parsing: text)
            guard let province = try await repository.province(code: code),
                let region = try await repository.region(code: GeoCode(parsing: province.regionCode))
            else { throw GeographyError.notFound(text) }
            return Resolved(
                area: .province(code.value), code: code.value, kind: catalogs.text("province_kind_\(province.kind.rawValue)", language),
                name: province.name, path: "/provinces/\(code.value)", region: (region.code, region.name))
        }
    }

    /// Both tables' lines in the requested orders; an unknown column or order falls back to the
    /// default (commune name ascending; the category table in the store's order) rather than failing.
    func sortedLines(_ request: Request, _ area: RegionalOverviewStore.Area, _ language: Language) async throws
        -> (lines: [OverviewFigures], categories: [OverviewCategoryLine], sort: OverviewSort)
    {
        let parameters = request.uri.queryParameters
        var sort = OverviewSort()
        sort.column = parameters["sort"].flatMap { OverviewColumn(rawValue: String($0)) } ?? .commune
        sort.ascending = parameters["order"].map { $0 != "desc" } ?? true
        sort.categoryColumn = parameters["csort"].flatMap { OverviewCategoryColumn(rawValue: String($0)) }
        sort.categoryAscending = parameters["corder"].map { $0 != "desc" } ?? true
        let loaded = try await pool.withConnection { try RegionalOverviewStore.load(area, on: $0) }
        let figures = loaded.enumerated().map { OverviewFigures(line: $1, index: $0) }
        var categories = OverviewCategoryLine.all(figures)
        if let column = sort.categoryColumn {
            categories = column.sorted(categories, ascending: sort.categoryAscending, catalogs, language)
        }
        return (sort.column.sorted(figures, ascending: sort.ascending, language), categories, sort)
    }

    func page(_ request: Request, area: RegionalOverviewStore.Area, _ language: Language) async throws -> Response {
        let resolved = try await resolve(area, language)
        let (lines, categories, sort) = try await sortedLines(request, resolved.area, language)
        return try pages.render(
            OverviewPage(
                kind: resolved.kind, name: resolved.name, areaPath: resolved.path, region: resolved.region, lines: lines,
                categoryLines: categories, sort: sort, catalogs: catalogs, language: language),
            language: language, path: "\(resolved.path)/overview")
    }

    /// `?table=categories` for funded projects by category, the main table otherwise.
    func csv(_ request: Request, area: RegionalOverviewStore.Area, _ language: Language) async throws -> Response {
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
