import Foundation

/// A petition to the commune council (organic law 113-14, arts. 121-125): a draft an agent files,
/// signatures collected online and on paper, then the council's steps. Stored as is; the public
/// sees it through `PetitionRecord`, which never carries a signer.
public struct Petition: Sendable, Equatable {
    public let id: Int
    public let communeID: Int
    public let communeCode: String
    public let kind: PetitionKind
    public let agentName: String
    public let association: PetitionAssociation?
    public let title: String
    public let demands: String
    public let reasons: String
    public let language: String
    public let state: PetitionState
    /// The minimum of signatures that applied when it was filed (nil while collecting).
    public let threshold: Int?
    public let signaturesAtFiling: Int?
    public let rejectionReasons: String?
    public let sessionName: String?
    /// `YYYY-MM-DD`.
    public let sessionDate: String?
    public let answer: String?
    public let createdAt: Date
    public let filedAt: Date?
    public let decidedAt: Date?
    public let scheduledAt: Date?
    public let answeredAt: Date?
    /// Signatures recorded so far, by channel.
    public let online: Int
    public let paper: Int

    public init(
        id: Int, communeID: Int, communeCode: String, kind: PetitionKind, agentName: String, association: PetitionAssociation?,
        title: String, demands: String, reasons: String, language: String, state: PetitionState, threshold: Int?,
        signaturesAtFiling: Int?, rejectionReasons: String?, sessionName: String?, sessionDate: String?, answer: String?,
        createdAt: Date, filedAt: Date?, decidedAt: Date?, scheduledAt: Date?, answeredAt: Date?, online: Int, paper: Int
    ) {
        self.id = id
        self.communeID = communeID
        self.communeCode = communeCode
        self.kind = kind
        self.agentName = agentName
        self.association = association
        self.title = title
        self.demands = demands
        self.reasons = reasons
        self.language = language
        self.state = state
        self.threshold = threshold
        self.signaturesAtFiling = signaturesAtFiling
        self.rejectionReasons = rejectionReasons
        self.sessionName = sessionName
        self.sessionDate = sessionDate
        self.answer = answer
        self.createdAt = createdAt
        self.filedAt = filedAt
        self.decidedAt = decidedAt
        self.scheduledAt = scheduledAt
        self.answeredAt = answeredAt
        self.online = online
        self.paper = paper
    }

    /// Every signature, whatever its channel.
    public var signatures: Int { online + paper }

    /// The three-month clock, once filed.
    public var clock: PetitionClock? {
        filedAt.map { PetitionClock(filedAt: $0, answeredAt: answeredAt ?? (state == .rejected ? decidedAt : nil)) }
    }
}

public typealias PetitionID = EntityID<Petition>

/// Who petitions: citizens of the commune, or an association (art. 121 of the law gives both).
public enum PetitionKind: String, Sendable, CaseIterable {
    case citizens, association
}

/// An association's identity as the petition gives it.
public struct PetitionAssociation: Sendable, Equatable {
    public let name: String
    public let registration: String
    public let seat: String

    public init(name: String, registration: String, seat: String) {
        self.name = name
        self.registration = registration
        self.seat = seat
    }
}

/// The path of a petition. Each step is one use case and one audit entry; the database refuses
/// any other move (`petitions_guard` in migration 0011).
public enum PetitionState: String, Sendable, CaseIterable {
    /// Drafted by its agent; residents sign.
    case collecting
    /// Filed with the council's president, with enough signatures: the clock runs.
    case filed
    /// The council's bureau found it admissible: it goes on a session's agenda.
    case admissible
    /// The bureau found it inadmissible, with reasons given to the agent.
    case rejected
    /// On the agenda of a named session.
    case scheduled
    /// The council has answered.
    case answered

    /// The states that may follow this one.
    public var next: [PetitionState] {
        switch self {
        case .collecting: [.filed]
        case .filed: [.admissible, .rejected]
        case .admissible: [.scheduled]
        case .scheduled: [.answered]
        case .rejected, .answered: []
        }
    }
}

/// How a signature reached Mizan.
public enum SignatureChannel: String, Sendable, CaseIterable {
    case online, paper
}

/// A draft as its agent types it, checked field by field so a form or a command can say which
/// field is wrong (keys are the form's field names).
public struct NewPetition: Sendable, Equatable {
    public let kind: PetitionKind
    public let agentName: String
    public let association: PetitionAssociation?
    public let title: String
    public let demands: String
    public let reasons: String
    public let language: String

    public init(
        kind: String, agentName: String, associationName: String?, associationRegistration: String?, associationSeat: String?,
        title: String, demands: String, reasons: String, language: String
    ) throws(PetitionError) {
        var problems: [String: String] = [:]
        func clean(_ text: String?) -> String { (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func check(_ field: String, _ value: String, _ range: ClosedRange<Int>) {
            if !range.contains(value.count) { problems[field] = "must be between \(range.lowerBound) and \(range.upperBound) characters" }
        }
        let parsedKind = PetitionKind(rawValue: kind)
        if parsedKind == nil { problems["kind"] = "must be citizens or association" }
        let agentName = clean(agentName)
        let title = clean(title)
        let demands = clean(demands)
        let reasons = clean(reasons)
        check("agent_name", agentName, 2...200)
        check("title", title, 5...200)
        check("demands", demands, 10...5000)
        check("reasons", reasons, 10...5000)
        if !NewProposal.languages.contains(language) { problems["language"] = "must be one of ar, fr, en, zgh" }
        var association: PetitionAssociation?
        if parsedKind == .association {
            let name = clean(associationName), registration = clean(associationRegistration), seat = clean(associationSeat)
            check("association_name", name, 2...200)
            check("association_registration", registration, 1...100)
            check("association_seat", seat, 2...300)
            association = PetitionAssociation(name: name, registration: registration, seat: seat)
        }
        guard problems.isEmpty, let parsedKind else { throw .invalid(problems) }
        self.kind = parsedKind
        self.agentName = agentName
        self.association = association
        self.title = title
        self.demands = demands
        self.reasons = reasons
        self.language = language
    }
}

public enum PetitionError: Error, Equatable, CustomStringConvertible {
    /// Field name → what is wrong with it.
    case invalid([String: String])
    case notFound(Int)
    case unknownCommune(String)
    /// The step asked for does not follow the petition's state.
    case wrongState(petition: Int, state: PetitionState, wanted: PetitionState)
    /// Filing needs more signatures.
    case belowThreshold(signatures: Int, threshold: Int)
    /// The agent is not in the commune's registry.
    case agentNotResident

    public var description: String {
        switch self {
        case .invalid(let problems):
            return problems.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; ")
        case .notFound(let id): return "there is no petition \(id)"
        case .unknownCommune(let code): return "there is no commune \(code)"
        case .wrongState(let id, let state, let wanted):
            let allowed = state.next.map(\.rawValue).joined(separator: " or ")
            return "petition \(id) is \(state.rawValue): it cannot become \(wanted.rawValue)"
                + (allowed.isEmpty ? " (it is closed)" : " (next: \(allowed))")
        case .belowThreshold(let signatures, let threshold):
            return "the petition has \(signatures) signature(s); filing it with the council needs \(threshold)"
        case .agentNotResident: return "the agent's ID number and birth date match no entry of the commune's registry"
        }
    }
}
