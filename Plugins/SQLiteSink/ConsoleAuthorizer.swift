import CSQLite

/// The SQL console connection's authorizer and progress handler, and the state they share with it.
///
/// SQLite calls the authorizer while compiling each statement, once per action; anything but reading is denied,
/// and the first denied action is kept (`refusal`) for the error message. The progress handler interrupts a
/// running statement once `deadline` has passed.
///
/// THREAD: used only under the console's lock, like its connection.
final class ConsoleAuthorizer {
    /// What the last compilation was refused for, e.g. "INSERT INTO exchanges".
    var refusal: String?
    /// When the running statement must stop; nil when nothing runs.
    var deadline: ContinuousClock.Instant?
    private let clock = ContinuousClock()

    /// PRAGMAs that only report, allowed with an argument (a table or index name).
    private static let reportingPragmas: Set = [
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
        "foreign_key_check", "integrity_check", "quick_check",
    ]
    /// PRAGMAs that act even without an argument.
    private static let actingPragmas: Set = ["optimize", "shrink_memory", "wal_checkpoint", "incremental_vacuum"]
    /// The tables that hold the schema.
    private static let schemaTables: Set = ["sqlite_master", "sqlite_temp_master", "sqlite_schema", "sqlite_temp_schema"]
    /// Functions that reach outside the database.
    private static let refusedFunctions: Set = ["load_extension", "fts3_tokenizer"]

    /// Installs the authorizer and the progress handler on `database`. The connection must not outlive `self`.
    func install(on database: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_set_authorizer(database, { context, action, first, second, _, _ in
            guard let context else { return SQLITE_DENY }
            let authorizer = Unmanaged<ConsoleAuthorizer>.fromOpaque(context).takeUnretainedValue()
            return authorizer.authorize(action, first.map { String(cString: $0) }, second.map { String(cString: $0) })
        }, context)
        sqlite3_progress_handler(database, 1000, { context in
            guard let context else { return 0 }
            let authorizer = Unmanaged<ConsoleAuthorizer>.fromOpaque(context).takeUnretainedValue()
            guard let deadline = authorizer.deadline else { return 0 }
            return authorizer.clock.now >= deadline ? 1 : 0
        }, context)
    }

    private func authorize(_ action: Int32, _ first: String?, _ second: String?) -> Int32 {
        // DDL first writes its schema-table rows (and ANALYZE creates its statistics table); let that bookkeeping
        // through so the statement's own action (CREATE TABLE, DROP INDEX, ANALYZE…) is the one refused and named.
        // Nothing can write anyway: the connection is read-only.
        let object = (first ?? "").lowercased()
        if action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE,
           Self.schemaTables.contains(object) {
            return SQLITE_OK
        }
        if action == SQLITE_CREATE_TABLE, object.hasPrefix("sqlite_stat") { return SQLITE_OK }
        switch action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE:
            return SQLITE_OK
        case SQLITE_FUNCTION:
            guard let name = second?.lowercased(), Self.refusedFunctions.contains(name) else { return SQLITE_OK }
            return deny("the function \(name)()")
        case SQLITE_PRAGMA:
            let name = (first ?? "").lowercased()
            if Self.actingPragmas.contains(name) { return deny("PRAGMA \(name)") }
            if second == nil || Self.reportingPragmas.contains(name) { return SQLITE_OK }
            return deny("PRAGMA \(name) = \(second ?? "")")
        default:
            return deny(Self.describe(action, first))
        }
    }

    private func deny(_ what: String) -> Int32 {
        if refusal == nil { refusal = what }
        return SQLITE_DENY
    }

    private static func describe(_ action: Int32, _ object: String?) -> String {
        let target = object.map { " \($0)" } ?? ""
        switch action {
        case SQLITE_INSERT: return "INSERT INTO" + target
        case SQLITE_UPDATE: return "UPDATE" + target
        case SQLITE_DELETE: return "DELETE FROM" + target
        case SQLITE_CREATE_TABLE, SQLITE_CREATE_TEMP_TABLE: return "CREATE TABLE" + target
        case SQLITE_CREATE_INDEX, SQLITE_CREATE_TEMP_INDEX: return "CREATE INDEX" + target
        case SQLITE_CREATE_VIEW, SQLITE_CREATE_TEMP_VIEW: return "CREATE VIEW" + target
        case SQLITE_CREATE_TRIGGER, SQLITE_CREATE_TEMP_TRIGGER: return "CREATE TRIGGER" + target
        case SQLITE_CREATE_VTABLE: return "CREATE VIRTUAL TABLE" + target
        case SQLITE_DROP_TABLE, SQLITE_DROP_TEMP_TABLE: return "DROP TABLE" + target
        case SQLITE_DROP_INDEX, SQLITE_DROP_TEMP_INDEX: return "DROP INDEX" + target
        case SQLITE_DROP_VIEW, SQLITE_DROP_TEMP_VIEW: return "DROP VIEW" + target
        case SQLITE_DROP_TRIGGER, SQLITE_DROP_TEMP_TRIGGER: return "DROP TRIGGER" + target
        case SQLITE_DROP_VTABLE: return "DROP VIRTUAL TABLE" + target
        case SQLITE_ALTER_TABLE: return "ALTER TABLE"
        case SQLITE_ATTACH: return "ATTACH"
        case SQLITE_DETACH: return "DETACH"
        case SQLITE_TRANSACTION: return "\(object ?? "BEGIN") (transactions)"
        case SQLITE_SAVEPOINT: return "SAVEPOINT"
        case SQLITE_REINDEX: return "REINDEX"
        case SQLITE_ANALYZE: return "ANALYZE"
        default: return "this statement (action \(action))"
        }
    }
}
