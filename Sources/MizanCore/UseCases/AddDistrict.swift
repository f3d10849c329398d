/// Adds a quarter to a commune, for district envelopes and statistics.
public struct AddDistrict: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(_ district: NewDistrict, actor: String) async throws -> District {
        try await storage.transaction { stores in
            let added = try stores.districts.add(district)
            try stores.audit.append(
                actor: actor, action: "district.add", object: "district:\(added.id)",
                details: "commune=\(district.communeCode.value) name_fr=\(district.name.french) name_ar=\(district.name.arabic)")
            return added
        }
    }
}

/// A commune's districts; `GeographyError.notFound` when there is no such commune.
public struct ListDistricts: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(communeCode: GeoCode) async throws -> [District] {
        try await storage.transaction { try $0.districts.list(communeCode: communeCode) }
    }
}
