//! Databases: SQL and shell clients, key-value stores, and the migration tools of web
//! frameworks. A client is judged by the statements it is given (`-c`, `-e`, here-documents,
//! piped text); SQL fed from a file it cannot read is judged by the file's name.

use super::catalog::{self as c, Class};
use super::subject::{Subject, Verdict};
use crate::shell::RedirectKind;

/// Judges data-store programs; returns whether `program` is one.
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let args: Vec<&str> = s.args().iter().map(String::as_str).collect();
    let text = s.text();
    match program {
        "psql" | "mysql" | "mariadb" | "sqlite3" | "sqlite" | "duckdb" | "clickhouse-client"
        | "clickhouse" | "cockroach" | "mongo" | "mongosh" | "cqlsh" | "sqlcmd" | "pgcli"
        | "mycli" | "litecli" | "usql" | "snowsql" | "bq" | "trino" | "presto" | "influx"
        | "sqlplus" | "isql" | "db2" | "spanner-cli" | "turso" | "neo4j" | "cypher-shell"
        | "surreal" | "edgedb" | "psql.exe" => {
            sql_client(program, s, v);
        }
        "redis-cli" | "valkey-cli" | "keydb-cli" | "memcached-tool" | "etcdctl" | "consul" => {
            key_value(program, &args, s, v);
        }
        "dropdb" | "dropuser" | "mysqladmin" | "mongorestore" | "pg_restore" | "pg_dropcluster"
        | "pg_ctlcluster"
            if !matches!(program, "mysqladmin" | "pg_ctlcluster")
                || args.iter().any(|a| a.eq_ignore_ascii_case("drop")) =>
        {
            let (class, reason) = match program {
                "mongorestore" | "pg_restore"
                    if !args
                        .iter()
                        .any(|a| matches!(*a, "--drop" | "-c" | "--clean")) =>
                {
                    (&c::DB_WRITE, format!("{program} restores into a database"))
                }
                "mongorestore" | "pg_restore" => (
                    &c::DB_DROP,
                    format!("{program} drops what it restores over"),
                ),
                _ => (&c::DB_DROP, format!("{program} deletes a database or role")),
            };
            v.add(class, reason, text);
        }
        "createdb" | "createuser" | "pg_dump" | "pg_dumpall" | "mysqldump" | "mongodump"
        | "mysqladmin" | "pg_ctl" | "pg_isready" | "redis-server" | "mongod" | "postgres" => {
            let class = if matches!(
                program,
                "pg_dump" | "pg_dumpall" | "mysqldump" | "mongodump" | "pg_isready"
            ) {
                &c::DB_QUERY
            } else {
                &c::DB_SESSION
            };
            v.add(class, format!("{program} manages a database"), text);
        }
        "rails" | "rake" | "bin/rails" | "./bin/rails" | "bin/rake" => {
            framework(program, &args, s, v);
        }
        "prisma" | "drizzle-kit" | "knex" | "sequelize" | "typeorm" | "alembic" | "flyway"
        | "liquibase" | "dbmate" | "goose" | "migrate" | "sqlx" | "diesel" | "atlas" | "sqitch"
        | "mikro-orm" | "ecto" => migrations(program, &args, s, v),
        _ => return false,
    }
    true
}

/// Text a command reads on stdin: a here-document, a here-string, or what `echo`/`printf`/
/// `cat` with static words print earlier in its pipeline.
fn piped_text(s: &Subject<'_>) -> String {
    let mut text = s.command.stdin_text.clone().unwrap_or_default();
    for up in s.upstream() {
        if let Some(printed) = super::fs::printed(up) {
            text.push_str(&printed);
        } else if up.program() == Some("cat") {
            text.push_str(&up.effective[1..].join(" "));
        }
    }
    text
}

/// What SQL text does, at worst.
pub(super) fn sql_risk(sql: &str) -> Option<(&'static Class, &'static str)> {
    let upper = sql.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| {
            !c.is_ascii_alphanumeric() && c != '_' && c != '.' && c != '(' && c != ')' && c != ';'
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut worst: Option<(&'static Class, &'static str)> = None;
    let mut keep = |found: (&'static Class, &'static str)| {
        if worst.is_none_or(|w| found.0.risk > w.0.risk) {
            worst = Some(found);
        }
    };
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_end_matches(';');
        let next = words
            .get(i + 1)
            .copied()
            .unwrap_or("")
            .trim_end_matches(';');
        match w {
            "DROP"
                if matches!(
                    next,
                    "TABLE"
                        | "DATABASE"
                        | "SCHEMA"
                        | "USER"
                        | "ROLE"
                        | "KEYSPACE"
                        | "OWNED"
                        | "VIEW"
                        | "INDEX"
                        | "COLLECTION"
                        | "MATERIALIZED"
                        | "EXTENSION"
                        | "TABLESPACE"
                        | "FUNCTION"
                        | "PROCEDURE"
                        | "TRIGGER"
                        | "SEQUENCE"
                        | "TYPE"
                        | "DOMAIN"
                        | "COLUMN"
                        | "IF"
                ) =>
            {
                keep((
                    &c::DB_DROP,
                    "drops a table, database, schema or other object",
                ));
            }
            "DROP" => keep((&c::DB_WRITE, "drops part of a database object")),
            "TRUNCATE" => keep((&c::DB_TRUNCATE, "empties a table")),
            "DELETE" | "UPDATE"
                if !words[i..]
                    .iter()
                    .take_while(|w| !w.ends_with(';'))
                    .any(|w| *w == "WHERE")
                    && (w == "UPDATE" || next == "FROM") =>
            {
                keep((
                    &c::DB_DELETE_ALL,
                    "deletes or overwrites every row of a table",
                ));
            }
            "DELETE" | "UPDATE" | "INSERT" | "ALTER" | "CREATE" | "GRANT" | "REVOKE"
            | "REPLACE" | "MERGE" | "UPSERT" | "COPY" | "LOAD" | "VACUUM" | "REINDEX"
            | "RENAME" | "CALL" | "EXEC" | "EXECUTE" => {
                keep((&c::DB_WRITE, "changes data or schema"));
            }
            "FLUSHALL" | "FLUSHDB" => keep((&c::DB_FLUSH, "deletes every key")),
            _ => {}
        }
    }
    let compact: String = upper.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains("DROPDATABASE(") || compact.contains(".DROP(") {
        keep((&c::DB_DROP, "drops a database or collection"));
    }
    if compact.contains("DELETEMANY({})")
        || compact.contains("REMOVE({})")
        || compact.contains("DELETEMANY()")
    {
        keep((&c::DB_DELETE_ALL, "deletes every document of a collection"));
    }
    if compact.contains("DETACHDELETE") && !compact.contains("WHERE") {
        keep((&c::DB_DELETE_ALL, "deletes every matching node"));
    }
    worst
}

/// SQL file names that say what the file does.
fn destructive_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let stem = lower.rsplit('/').next().unwrap_or(&lower);
    [
        "drop", "truncate", "delete", "reset", "wipe", "purge", "destroy", "nuke", "teardown",
        "clean", "down", "rollback", "flush",
    ]
    .iter()
    .any(|w| stem.contains(w))
}

fn sql_client(program: &str, s: &Subject<'_>, v: &mut Verdict) {
    let args = s.args();
    let mut sql = String::new();
    let mut files: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        if matches!(
            arg,
            "-c" | "--command" | "-e" | "--execute" | "--eval" | "-q" | "--query" | "-Q" | "--sql"
        ) {
            if let Some(value) = args.get(i + 1) {
                sql.push_str(value);
                sql.push('\n');
            }
            i += 2;
            continue;
        }
        if matches!(arg, "-f" | "--file" | "-i" | "--init") {
            if let Some(value) = args.get(i + 1) {
                files.push(value.clone());
            }
            i += 2;
            continue;
        }
        if let Some((name, value)) = arg.split_once('=') {
            if matches!(name, "--command" | "--execute" | "--eval" | "--query") {
                sql.push_str(value);
                sql.push('\n');
            } else if matches!(name, "--file") {
                files.push(value.to_owned());
            }
        } else if !arg.starts_with('-')
            && matches!(program, "sqlite3" | "sqlite" | "duckdb" | "litecli")
        {
            // `sqlite3 db.sqlite 'SQL'`: the first operand is the database file.
            if args[..i].iter().any(|a| !a.starts_with('-')) {
                sql.push_str(arg);
                sql.push('\n');
            }
        } else if arg.ends_with(".sql")
            || arg.ends_with(".js") && matches!(program, "mongo" | "mongosh")
        {
            files.push(arg.to_owned());
        }
        i += 1;
    }
    sql.push_str(&piped_text(s));
    files.extend(
        s.command
            .redirects
            .iter()
            .filter(|r| r.kind == RedirectKind::Read)
            .map(|r| r.target.clone()),
    );
    // sqlite3's dot commands: `.shell` and `.system` run programs, `.output` writes a file.
    for line in sql.lines().chain(s.args().iter().map(String::as_str)) {
        let line = line.trim();
        if let Some(cmd) = line
            .strip_prefix(".shell")
            .or_else(|| line.strip_prefix(".system"))
        {
            s.judge_line(cmd.trim(), &format!("{program} .shell"), v);
        } else if let Some(file) = line
            .strip_prefix(".output")
            .or_else(|| line.strip_prefix(".once"))
        {
            let file = file.trim();
            if !file.is_empty() && !file.starts_with('|') {
                super::fs::write_target(file, false, true, s, v);
            } else if let Some(cmd) = file.strip_prefix('|') {
                s.judge_line(cmd.trim(), &format!("{program} .output |"), v);
            }
        }
    }
    let text = s.text();
    if let Some(file) = files.iter().find(|f| destructive_file(f)) {
        v.add(
            &c::DB_DROP,
            format!("{program} runs `{file}`, whose name says it deletes data"),
            text,
        );
    }
    match sql_risk(&sql) {
        Some((class, reason)) => v.add(class, format!("{program}: {reason}"), text),
        None if sql.trim().is_empty() && (!files.is_empty() || s.command.stage > 0) => {
            if v.findings.is_empty() {
                v.add(
                    &c::DB_SCRIPT,
                    format!("{program} runs SQL from a file or pipe that cannot be read"),
                    text,
                );
            }
        }
        None if sql.trim().is_empty() => {
            v.add(&c::DB_SESSION, format!("opens a {program} session"), text);
        }
        None => v.add(
            &c::DB_QUERY,
            format!("{program} query that changes nothing"),
            text,
        ),
    }
}

fn key_value(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let words: Vec<String> = args.iter().map(|a| a.to_ascii_uppercase()).collect();
    let piped = piped_text(s).to_ascii_uppercase();
    let has = |w: &str| words.iter().any(|x| x == w) || piped.split_whitespace().any(|x| x == w);
    let (class, reason): (&'static Class, &str) = match program {
        "etcdctl" if has("DEL") && (has("--PREFIX") || has("\"\"")) => {
            (&c::DB_FLUSH, "deletes every key under a prefix")
        }
        "etcdctl" if has("DEL") || has("PUT") || has("DEFRAG") || has("COMPACT") => {
            (&c::DB_WRITE, "changes keys")
        }
        "consul" if has("DELETE") && (has("-RECURSE") || has("--RECURSE")) => {
            (&c::DB_FLUSH, "deletes every key under a prefix")
        }
        "consul" if has("DELETE") || has("PUT") || has("LEAVE") || has("FORCE-LEAVE") => {
            (&c::DB_WRITE, "changes keys or the cluster")
        }
        _ if has("FLUSHALL") || has("FLUSHDB") => {
            (&c::DB_FLUSH, "deletes every key of the database")
        }
        _ if has("SHUTDOWN")
            || has("DEBUG")
            || (has("CONFIG") && has("SET"))
            || has("SLAVEOF")
            || has("REPLICAOF")
            || has("MODULE") =>
        {
            (&c::DB_DROP, "stops, reconfigures or takes over the server")
        }
        _ if has("DEL")
            || has("UNLINK")
            || has("SET")
            || has("HSET")
            || has("EXPIRE")
            || has("LPUSH")
            || has("RPUSH")
            || has("SADD")
            || has("ZADD")
            || has("INCR")
            || has("HDEL")
            || has("MSET")
            || has("RENAME")
            || has("PUT")
            || has("EVAL") =>
        {
            (&c::DB_WRITE, "changes keys")
        }
        _ if args.is_empty() && s.command.stdin_text.is_none() && s.command.stage == 0 => {
            (&c::DB_SESSION, "opens a session")
        }
        _ => (&c::DB_QUERY, "reads keys"),
    };
    v.add(class, format!("{program}: {reason}"), text);
}

/// `rails db:drop`, `rake db:reset`, `bundle exec rake db:migrate`...
fn framework(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let destructive = args.iter().any(|a| {
        matches!(
            *a,
            "db:drop"
                | "db:reset"
                | "db:schema:load"
                | "db:purge"
                | "db:truncate_all"
                | "db:drop:all"
                | "db:structure:load"
                | "db:migrate:reset"
                | "db:seed:replant"
                | "db:rollback"
                | "db:migrate:down"
                | "db:fixtures:load"
                | "db:test:purge"
        )
    });
    if destructive {
        v.add(
            &c::DB_DROP,
            "drops, resets or rolls back the database",
            text,
        );
    } else if args.iter().any(|a| a.starts_with("db:")) {
        v.add(&c::DB_WRITE, "migrates or seeds the database", text);
    } else if args.first().is_some_and(|a| matches!(*a, "runner" | "r")) {
        if let Some(code) = args.get(1) {
            for (class, reason) in super::code::analyse(code, s.ctx) {
                v.add(class, format!("rails runner code {reason}"), text);
            }
        }
        v.add(
            &c::BUILD_EVERYDAY,
            format!("{program} runs application code"),
            text,
        );
    } else {
        v.add(
            &c::BUILD_EVERYDAY,
            format!("{program} runs a project task"),
            text,
        );
    }
}

fn migrations(program: &str, args: &[&str], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let joined = args.join(" ");
    let destructive = joined.contains("reset")
        || joined.contains("--force-reset")
        || joined.contains("--accept-data-loss")
        || joined.contains("drop")
        || joined.contains("downgrade")
        || joined.contains("migrate:rollback")
        || joined.contains("migrate:down")
        || joined.contains("undo")
        || (program == "supabase"
            && (joined.contains("db reset")
                || joined.contains("projects delete")
                || joined.contains("branches delete")))
        || joined.contains("clean")
        || (program == "migrate" && joined.contains("down"))
        || (program == "goose" && (joined.contains("down") || joined.contains("reset")))
        || (program == "dbmate" && (joined.contains("down") || joined.contains("rollback")))
        || joined.contains("revert")
        || joined.contains("purge");
    let reads = args.iter().filter(|a| !a.starts_with('-')).all(|a| {
        matches!(
            *a,
            "status"
                | "info"
                | "validate"
                | "generate"
                | "format"
                | "studio"
                | "version"
                | "history"
                | "current"
                | "heads"
                | "show"
                | "check"
                | "diff"
                | "introspect"
                | "pull"
                | "list"
                | "help"
        )
    });
    if destructive {
        v.add(
            &c::DB_DROP,
            format!("{program} resets, drops or rolls back the database"),
            text,
        );
    } else if reads {
        v.add(
            &c::DB_QUERY,
            format!("{program} reads or generates migrations"),
            text,
        );
    } else if joined.contains("deploy") {
        v.add(&c::PAAS_DEPLOY, format!("{program} deploys"), text);
    } else {
        v.add(
            &c::DB_WRITE,
            format!("{program} changes the database schema"),
            text,
        );
    }
}
