/// Staff enter a paper signature sheet: each line is checked against the commune's registry and
/// against the signatures already recorded, online or on paper. A line of someone who already
/// signed (online, on an earlier sheet or earlier on this one) or whom the registry does not know
/// is refused with that reason and the others are recorded, all in one transaction with one audit
/// entry for the sheet.
public struct EnterPaperSignatures: Sendable {
    public struct Refusal: Sendable, Equatable {
        public let line: Int
        public let reason: Reason

        public init(line: Int, reason: Reason) {
            self.line = line
            self.reason = reason
        }
    }

    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        case signedOnline
        case signedOnPaper
        case notInRegistry

        public var description: String {
            switch self {
            case .signedOnline: "this person already signed the petition online"
            case .signedOnPaper: "this person already signed the petition on paper (an earlier sheet or line)"
            case .notInRegistry: "the ID number (with the birth date, when given) is not in the commune's registry"
            }
        }
    }

    public struct Report: Sendable, Equatable {
        public let recorded: Int
        public let refused: [Refusal]
    }

    let storage: any Storage
    let secrets: ServerSecrets

    public init(storage: any Storage, secrets: ServerSecrets) {
        self.storage = storage
        self.secrets = secrets
    }

    /// `source` names the sheet for the audit log (a file name, a sheet number).
    public func execute(_ id: PetitionID, sheet: PetitionSignatureSheet, source: String, actor: String) async throws -> Report {
        try await storage.transaction { [secrets] stores in
            guard let petition = try stores.petitions.lock(id) else { throw PetitionError.notFound(id.rawValue) }
            guard petition.state == .collecting else {
                throw PetitionError.wrongState(petition: id.rawValue, state: petition.state, wanted: .collecting)
            }
            var recorded = 0
            var refused: [Refusal] = []
            for line in sheet.lines {
                let key = VoterKey(secrets.digest(of: line.nationalID))
                guard try stores.petitions.isResident(key, bornOn: line.birthDate, commune: petition.communeID) else {
                    refused.append(Refusal(line: line.number, reason: .notInRegistry))
                    continue
                }
                switch try stores.petitions.sign(id, signer: key, channel: .paper, enteredBy: actor) {
                case nil: recorded += 1
                case .online?: refused.append(Refusal(line: line.number, reason: .signedOnline))
                case .paper?: refused.append(Refusal(line: line.number, reason: .signedOnPaper))
                }
            }
            try stores.audit.append(
                actor: actor, action: "petition.paper", object: "petition:\(id)",
                details: "source=\(source) lines=\(sheet.lines.count) recorded=\(recorded) refused=\(refused.count)")
            return Report(recorded: recorded, refused: refused)
        }
    }
}
