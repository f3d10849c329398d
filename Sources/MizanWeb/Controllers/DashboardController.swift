import Foundation
import Hummingbird
import MizanCore

/// Who took part in a cycle, in charts and tables that can be downloaded: public once the results
/// are published (the counts are final then), live for commune staff under `/staff/`, which the
/// staff login protects.
struct DashboardController {
    let storage: any Storage
    let pages: PageRenderer
    var catalogs: Catalogs { pages.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.cycleParticipation) { _, context in
            try await page(context.parameters.require("id", as: CycleID.self), language, staff: false)
        }
        group.get(.cycleParticipationFile) { _, context in
            try await download(context.parameters.require("id", as: CycleID.self), context.parameters.require("file"), language, staff: false)
        }
        group.get(.staffParticipation) { _, context in
            _ = try context.requireRole(.admin, .reviewer, .auditor)
            return try await page(context.parameters.require("id", as: CycleID.self), language, staff: true)
        }
        group.get(.staffParticipationFile) { _, context in
            _ = try context.requireRole(.admin, .reviewer, .auditor)
            return try await download(context.parameters.require("id", as: CycleID.self), context.parameters.require("file"), language, staff: true)
        }
    }

    /// The cycle and its statistics, read in one snapshot so that every table adds up to the same
    /// total even while votes arrive. Nil statistics: the public may not see them yet.
    func load(_ id: CycleID, staff: Bool) async throws -> (Cycle, ParticipationStatistics?) {
        let loaded = try await storage.transaction { stores -> (Cycle, ParticipationStatistics?)? in
            try stores.participation.beginSnapshot()
            guard let cycle = try stores.cycles.find(id) else { return nil }
            guard staff || cycle.phase >= .published else { return (cycle, nil) }
            return (cycle, try stores.participation.statistics(cycle: cycle))
        }
        guard let loaded else { throw HTTPError(.notFound) }
        return loaded
    }

    func url(_ id: CycleID, staff: Bool) -> SiteURL {
        staff ? .staffParticipation(id) : .cycleParticipation(id)
    }

    func page(_ id: CycleID, _ language: Language, staff: Bool) async throws -> Response {
        let (cycle, statistics) = try await load(id, staff: staff)
        guard let statistics else {
            return try pages.render(
                ErrorPage(kind: "dashboard_pending", catalogs: catalogs, language: language), language: language, url: url(id, staff: staff),
                status: .notFound)
        }
        var response = try pages.render(
            DashboardPage(cycle: cycle, statistics: statistics, staff: staff, catalogs: catalogs, language: language),
            language: language, url: url(id, staff: staff))
        if staff { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// `by-day.csv` and the like: the table of the page, same protection, header row in the
    /// page's language.
    func download(_ id: CycleID, _ file: String, _ language: Language, staff: Bool) async throws -> Response {
        guard file.hasSuffix(".csv"), DashboardTable.names.contains(String(file.dropLast(4))) else { throw HTTPError(.notFound) }
        let (cycle, statistics) = try await load(id, staff: staff)
        guard let statistics else {
            return try pages.render(
                ErrorPage(kind: "dashboard_pending", catalogs: catalogs, language: language), language: language,
                url: .cycleParticipation(id), status: .notFound)
        }
        guard let table = DashboardTables(statistics: statistics, catalogs: catalogs, language: language).named(String(file.dropLast(4))) else {
            throw HTTPError(.notFound)
        }
        var response = Response(
            status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: table.csv())))
        response.headers[.contentDisposition] = "attachment; filename=\"cycle-\(cycle.id)-\(file)\""
        if staff { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
