import PostgresDriver

/// Whether the database can serve this binary: it answers, and every migration the binary was
/// built with is applied (a node started before `mizan migrate` ran, or pointed at a standby that
/// has not replayed it yet, is not ready). Read-only, so the service's role can ask it.
public struct SchemaReadiness: Sendable {
    let pool: ConnectionPool
    let migrator: Migrator

    public init(pool: ConnectionPool, migrations: [Migration]) {
        self.pool = pool
        migrator = Migrator(migrations: migrations)
    }

    /// The file names of the migrations not applied; throws when the database cannot be reached
    /// or an applied migration's file changed.
    public func pendingMigrations() async throws -> [String] {
        let migrator = migrator
        return try await pool.withConnection { connection in
            try migrator.status(on: connection).filter { !$0.isApplied }.map(\.migration.fileName)
        }
    }
}
