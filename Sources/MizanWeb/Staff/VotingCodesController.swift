import Foundation
import Hummingbird
import MizanCore
import Synchronization

/// Printed one-time voting codes from the browser, for admins: the number to issue, and the answer
/// is the CSV to print, the only copy of the codes. The same `IssueVotingCodes` use case as
/// `mizan codes issue`; the file is built in its `deliver` step, before the commit, so no code is
/// stored unless the download that carries it exists.
struct VotingCodesController {
    let forms: CycleForms
    var catalogs: Catalogs { forms.catalogs }

    /// The most codes one download holds (about 600 KB); larger batches are several downloads or
    /// `mizan codes issue`.
    static let maximum = 20_000

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.staffCycleCodes) { request, context in
            try context.requireRole(.admin)
            return try await page(request, cycle: context.parameters.require("id", as: CycleID.self), count: "", message: nil, language: language)
        }
        group.post(.staffCycleCodes) { request, context in
            try await issue(request, context: context, cycle: context.parameters.require("id", as: CycleID.self), language)
        }
    }

    func page(
        _ request: Request, cycle id: CycleID, count: String, message: String?, language: Language, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        try await forms.page(request, cycle: id, url: .staffCycleCodes(id), language: language, status: status) { cycle, csrf in
            CodesPage(cycle: cycle, count: count, message: message, csrf: csrf, catalogs: catalogs, language: language)
        }
    }

    func issue(_ request: Request, context: WebContext, cycle id: CycleID, _ language: Language) async throws -> Response {
        let member = try context.requireRole(.admin)
        let fields = try await FormFields.read(request, limit: .staff)
        guard forms.csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        let typed = fields["count"] ?? ""
        if let problem = fields.problem {
            return try await page(request, cycle: id, count: typed, message: problem.message(catalogs, language), language: language, status: problem.status)
        }
        guard let count = Int(typed.trimmingCharacters(in: .whitespaces)), (1...Self.maximum).contains(count) else {
            let message = catalogs.text("uploads_codes_bounds", language, ["max": catalogs.number(Self.maximum)])
            return try await page(request, cycle: id, count: typed, message: message, language: language, status: .badRequest)
        }
        let sheet = DeliveredSheet()
        let issued: IssueVotingCodes.Issued
        do {
            issued = try await IssueVotingCodes(storage: forms.storage).execute(cycle: id, count: count, secrets: forms.secrets, actor: member.username) { issued in
                let body = ByteBuffer(string: issued.printSheet)
                sheet.body.withLock { $0 = body }
            }
        } catch CycleError.notFound {
            throw HTTPError(.notFound)
        } catch ProposalError.notAllowed {
            return try await page(
                request, cycle: id, count: typed, message: catalogs.text("uploads_codes_closed", language), language: language, status: .conflict)
        }
        guard let body = sheet.body.withLock({ $0 }) else { throw HTTPError(.internalServerError) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"cycle-\(id)-codes-\(issued.codes.count).csv\"",
            ],
            body: .init(byteBuffer: body))
    }
}

/// Where `deliver` leaves the file it built, for the response that follows the commit.
final class DeliveredSheet: Sendable {
    let body = Mutex<ByteBuffer?>(nil)
}
